import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatCores, parseCpuList, parseProcCgroup, readCgroupLimits } from '../../../src/system/cgroup.ts';
import { readFs } from '../../../src/system/read-fs.ts';
import { fixture, testdir } from '../helpers.ts';

// What rootful podman 4.3 (runc, cgroupfs, cgroup v1) showed in `podman run --cpus 1.5 --memory 1g`:
// no cgroup namespace, each controller's own container cgroup mounted as the root of its mount.
const PODMAN_V1 = { 'proc/self/cgroup': fixture('podman/cgroup-v1/cgroup'), 'proc/self/mountinfo': fixture('podman/cgroup-v1/mountinfo') };
const status = (allowed: string): string => `Name:\tnbstart\nCpus_allowed:\t3\nCpus_allowed_list:\t${allowed}\nMems_allowed_list:\t0\n`;
const TWO_CPUS = { 'sys/devices/system/cpu/online': '0-1\n', 'proc/self/status': status('0-1') };
const v1Files = (cpu: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(cpu).map(([k, v]) => [`sys/fs/cgroup/${k}`, `${v}\n`]));
const V1_UNLIMITED = { 'cpu/cpu.cfs_quota_us': '-1', 'cpu/cpu.cfs_period_us': '100000', 'memory/memory.limit_in_bytes': '9223372036854771712', 'cpuset/cpuset.cpus': '0-1' };

const limits = (files: Record<string, string>) => readCgroupLimits(readFs(testdir(files)));

test('podman v1 --cpus 1.5 --memory 1g: 1.5 cores, 2 threads, 1 GiB, each from its file', () => {
  const l = limits({ ...PODMAN_V1, ...TWO_CPUS, ...v1Files({ ...V1_UNLIMITED, 'cpu/cpu.cfs_quota_us': '150000', 'memory/memory.limit_in_bytes': '1073741824' }) });
  assert.deepEqual(l.cpu, { cores: 1.5, threads: 2, from: '/sys/fs/cgroup/cpu/cpu.cfs_quota_us 150000 / cpu.cfs_period_us 100000' });
  assert.deepEqual(l.memory, { bytes: 1073741824n, from: '/sys/fs/cgroup/memory/memory.limit_in_bytes 1073741824' });
  assert.deepEqual(l.warnings, []);
  assert.deepEqual(l.dirs, ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/cpuset']);
});

test('podman v1 without limits: v1\'s huge memory.limit_in_bytes, quota -1 and all CPUs mean no limit', () => {
  const l = limits({ ...PODMAN_V1, ...TWO_CPUS, ...v1Files(V1_UNLIMITED) });
  assert.equal(l.cpu, undefined);
  assert.equal(l.memory, undefined);
  assert.deepEqual(l.warnings, []);
});

test('v1 --cpuset-cpus 0: one CPU of two is a limit of 1 without any quota; the affinity agrees', () => {
  const l = limits({ ...PODMAN_V1, ...TWO_CPUS, 'proc/self/status': status('0'), ...v1Files({ ...V1_UNLIMITED, 'cpuset/cpuset.cpus': '0' }) });
  assert.deepEqual(l.cpu, { cores: 1, threads: 1, from: '/sys/fs/cgroup/cpuset/cpuset.cpus 0' });
});

test('a quota above the CPUs there are: the CPUs win (--cpus 4 on 2 cores is 2)', () => {
  const l = limits({ ...PODMAN_V1, ...TWO_CPUS, ...v1Files({ ...V1_UNLIMITED, 'cpu/cpu.cfs_quota_us': '400000' }) });
  assert.deepEqual(l.cpu, { cores: 2, threads: 2, from: '/sys/fs/cgroup/cpuset/cpuset.cpus 0-1' });
});

test('an affinity narrower than the cpuset (taskset, a runtime\'s mask) is what the process may run on', () => {
  const l = limits({ ...PODMAN_V1, 'sys/devices/system/cpu/online': '0-7', 'proc/self/status': status('2-3'), ...v1Files({ ...V1_UNLIMITED, 'cpuset/cpuset.cpus': '0-5' }) });
  assert.deepEqual(l.cpu, { cores: 2, threads: 2, from: '/proc/self/status Cpus_allowed_list 2-3' });
});

test('v1 with the host\'s hierarchy bind-mounted (root /): the process\'s path is appended, and a parent\'s smaller limit binds', () => {
  const ctr = 'kubepods/burstable/pod7/ctr1';
  const mountinfo = [
    '30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec - tmpfs tmpfs ro,mode=755',
    '31 30 0:27 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory',
    '32 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu,cpuacct',
    '33 30 0:29 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpuset',
  ].join('\n');
  const cgroup = `12:memory:/${ctr}\n4:cpu,cpuacct:/${ctr}\n3:cpuset:/${ctr}\n1:name=systemd:/${ctr}\n`;
  const l = limits({
    'proc/self/cgroup': cgroup, 'proc/self/mountinfo': mountinfo, 'sys/devices/system/cpu/online': '0-15', 'proc/self/status': status('0-15'),
    'sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712', // the host's root cgroup
    [`sys/fs/cgroup/memory/${ctr}/memory.limit_in_bytes`]: '9223372036854771712',
    'sys/fs/cgroup/memory/kubepods/burstable/pod7/memory.limit_in_bytes': '536870912',
    [`sys/fs/cgroup/cpu,cpuacct/${ctr}/cpu.cfs_quota_us`]: '300000',
    [`sys/fs/cgroup/cpu,cpuacct/${ctr}/cpu.cfs_period_us`]: '100000',
    'sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod7/cpu.cfs_quota_us': '250000',
    'sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod7/cpu.cfs_period_us': '100000',
    'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1',
    [`sys/fs/cgroup/cpuset/${ctr}/cpuset.cpus`]: '0-15',
  });
  assert.deepEqual(l.memory, { bytes: 536870912n, from: '/sys/fs/cgroup/memory/kubepods/burstable/pod7/memory.limit_in_bytes 536870912' });
  assert.deepEqual(l.cpu, { cores: 2.5, threads: 3, from: '/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod7/cpu.cfs_quota_us 250000 / cpu.cfs_period_us 100000' });
  assert.equal(l.dirs[0], `/sys/fs/cgroup/cpu,cpuacct/${ctr}`);
});

const V2_MOUNT = '35 30 0:30 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot';

test('v2 with a private cgroup namespace (Docker, containerd): "0::/" is the mount point itself', () => {
  const l = limits({
    'proc/self/cgroup': '0::/\n', 'proc/self/mountinfo': V2_MOUNT, 'sys/devices/system/cpu/online': '0-63', 'proc/self/status': status('0-63'),
    'sys/fs/cgroup/cpu.max': '150000 100000\n', 'sys/fs/cgroup/memory.max': '2147483648\n', 'sys/fs/cgroup/cpuset.cpus.effective': '0-63\n',
  });
  assert.deepEqual(l.cpu, { cores: 1.5, threads: 2, from: '/sys/fs/cgroup/cpu.max "150000 100000"' });
  assert.deepEqual(l.memory, { bytes: 2147483648n, from: '/sys/fs/cgroup/memory.max 2147483648' });
  assert.deepEqual(l.dirs, ['/sys/fs/cgroup']);
});

test('v2 "max" everywhere and every CPU: no limit', () => {
  const l = limits({
    'proc/self/cgroup': '0::/\n', 'proc/self/mountinfo': V2_MOUNT, 'sys/devices/system/cpu/online': '0-3', 'proc/self/status': status('0-3'),
    'sys/fs/cgroup/cpu.max': 'max 100000\n', 'sys/fs/cgroup/memory.max': 'max\n', 'sys/fs/cgroup/cpuset.cpus.effective': '0-3\n',
  });
  assert.equal(l.cpu, undefined);
  assert.equal(l.memory, undefined);
  assert.deepEqual(l.warnings, []);
});

test('v2 in the host\'s namespace: the path is under the mount; a process in a child cgroup reads its parents too', () => {
  const scope = 'system.slice/docker-ab12.scope';
  const l = limits({
    'proc/self/cgroup': `0::/${scope}/init\n`, 'proc/self/mountinfo': V2_MOUNT, 'sys/devices/system/cpu/online': '0-3', 'proc/self/status': status('0-3'),
    [`sys/fs/cgroup/${scope}/init/cpu.max`]: 'max 100000\n',
    [`sys/fs/cgroup/${scope}/init/memory.max`]: 'max\n',
    [`sys/fs/cgroup/${scope}/cpu.max`]: '50000 100000\n',
    [`sys/fs/cgroup/${scope}/memory.max`]: '1073741824\n',
    'sys/fs/cgroup/system.slice/memory.max': 'max\n',
    [`sys/fs/cgroup/${scope}/init/cpuset.cpus.effective`]: '1,3\n',
  });
  assert.deepEqual(l.cpu, { cores: 0.5, threads: 1, from: `/sys/fs/cgroup/${scope}/cpu.max "50000 100000"` });
  assert.deepEqual(l.memory, { bytes: 1073741824n, from: `/sys/fs/cgroup/${scope}/memory.max 1073741824` });
});

test('v2 cpuset smaller than the machine, without a quota; a cgroup path outside the namespace reads the mount point', () => {
  const l = limits({
    'proc/self/cgroup': '0::/../../elsewhere\n', 'proc/self/mountinfo': V2_MOUNT, 'sys/devices/system/cpu/online': '0-7', 'proc/self/status': status('0-7'),
    'sys/fs/cgroup/cpu.max': 'max 100000\n', 'sys/fs/cgroup/cpuset.cpus.effective': '4-6\n',
  });
  assert.deepEqual(l.cpu, { cores: 3, threads: 3, from: '/sys/fs/cgroup/cpuset.cpus.effective 4-6' });
});

test('hybrid hosts (v1 controllers, an empty v2 tree at /sys/fs/cgroup/unified) read v1', () => {
  const mountinfo = `${fixture('podman/cgroup-v1/mountinfo')}\n40 86 0:41 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw\n`;
  const l = limits({ ...PODMAN_V1, 'proc/self/mountinfo': mountinfo, ...TWO_CPUS, ...v1Files({ ...V1_UNLIMITED, 'memory/memory.limit_in_bytes': '268435456' }), 'sys/fs/cgroup/unified/memory.max': '1\n' });
  assert.deepEqual(l.memory, { bytes: 268435456n, from: '/sys/fs/cgroup/memory/memory.limit_in_bytes 268435456' });
});

test('malformed or unreadable cgroup files are warnings naming the file; nothing is read from them, nothing throws', () => {
  const root = testdir({
    'proc/self/cgroup': '0::/\n', 'proc/self/mountinfo': V2_MOUNT, 'sys/devices/system/cpu/online': 'lots\n', 'proc/self/status': status('0-x'),
    'sys/fs/cgroup/cpu.max': '1.5 cores\n', 'sys/fs/cgroup/memory.max': '1G\n', 'sys/fs/cgroup/cpuset.cpus.effective/': '',
  });
  const l = readCgroupLimits(readFs(root));
  assert.equal(l.cpu, undefined);
  assert.equal(l.memory, undefined);
  assert.deepEqual(l.warnings, [
    '/sys/fs/cgroup/cpu.max: "1.5 cores" is not "QUOTA PERIOD" or "max PERIOD"; no CPU limit read from it',
    '/sys/fs/cgroup/cpuset.cpus.effective: cannot be read (EISDIR); ignored',
    '/proc/self/status Cpus_allowed_list: "0-x" is not a cpu list such as 0-3,8; ignored',
    '/sys/devices/system/cpu/online: "lots" is not a cpu list; ignored',
    '/sys/fs/cgroup/memory.max: "1G" is not a number of bytes or "max"; no memory limit read from it',
  ]);
  const v1 = limits({ ...PODMAN_V1, ...TWO_CPUS, ...v1Files({ ...V1_UNLIMITED, 'cpu/cpu.cfs_quota_us': '150000', 'cpu/cpu.cfs_period_us': '0', 'memory/memory.limit_in_bytes': '-5' }) });
  assert.equal(v1.cpu, undefined);
  assert.equal(v1.memory, undefined);
  assert.equal(v1.warnings.length, 2);
  assert.match(v1.warnings[0]!, /^\/sys\/fs\/cgroup\/cpu\/cpu\.cfs_quota_us "150000", cpu\.cfs_period_us "0": not a quota/);
});

test('no /proc and no /sys (not Linux, or a bare chroot): no limits and no warnings', () => {
  assert.deepEqual(limits({}), { dirs: [], warnings: [] });
  const missing = path.join(testdir({}), 'gone');
  assert.deepEqual(readCgroupLimits(readFs(missing)), { dirs: [], warnings: [] });
  assert.ok(!fs.existsSync(missing));
});

test('parseProcCgroup: v1 controllers (combined ones too) and the v2 line', () => {
  const m = parseProcCgroup('12:cpu,cpuacct:/docker/ab\n5:memory:/docker/ab\n1:name=systemd:/docker/ab\n0::/docker/ab\n');
  assert.equal(m.v1.get('cpu'), '/docker/ab');
  assert.equal(m.v1.get('cpuacct'), '/docker/ab');
  assert.equal(m.v1.get('memory'), '/docker/ab');
  assert.equal(m.v2, '/docker/ab');
  assert.equal(parseProcCgroup('0::/a:b\n').v2, '/a:b', 'a colon in the path stays in the path');
});

test('parseCpuList and formatCores', () => {
  assert.deepEqual([...parseCpuList('0-3,8,10-11\n')!], [0, 1, 2, 3, 8, 10, 11]);
  assert.deepEqual([...parseCpuList('')!], []);
  for (const bad of ['a', '3-1', '0-99999999', '1,,2', '-1']) assert.equal(parseCpuList(bad), undefined, bad);
  assert.deepEqual([1.5, 2, 1 / 3, 0.0001, 12.25].map(formatCores), ['1.5', '2', '0.333', '0.001', '12.25']);
});
