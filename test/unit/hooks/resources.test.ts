import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlanContext } from '../../../src/hooks/hook.ts';
import { resources, THREAD_VARS } from '../../../src/hooks/resources.ts';
import type { Op, Plan } from '../../../src/plan/ops.ts';
import { planText } from '../../../src/plan/print.ts';
import { configFrom } from '../helpers.ts';
import { rootContext } from './context.ts';

// A cgroup v1 tree as podman mounts it (each controller's own cgroup at /sys/fs/cgroup/<controller>).
const MOUNTINFO = ['cpu', 'cpuset', 'memory'].map((c, i) => `${90 + i} 86 0:${30 + i} /libpod_parent/libpod-ab /sys/fs/cgroup/${c} ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,${c}`).join('\n');
function v1(quota: string, memory: string, cpuset = '0-1'): Record<string, string> {
  return {
    'proc/self/cgroup': '4:memory:/libpod_parent/libpod-ab\n3:cpuset:/libpod_parent/libpod-ab\n1:cpu:/libpod_parent/libpod-ab\n0::/libpod_parent/libpod-ab\n',
    'proc/self/mountinfo': `${MOUNTINFO}\n`,
    'proc/self/status': `Cpus_allowed_list:\t${cpuset}\n`,
    'sys/devices/system/cpu/online': '0-1\n',
    'sys/fs/cgroup/cpu/cpu.cfs_quota_us': `${quota}\n`,
    'sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
    'sys/fs/cgroup/memory/memory.limit_in_bytes': `${memory}\n`,
    'sys/fs/cgroup/cpuset/cpuset.cpus': `${cpuset}\n`,
  };
}
const LIMITED = v1('150000', '1073741824');
const UNLIMITED = v1('-1', '9223372036854771712');
const QUOTA_WHY = '/sys/fs/cgroup/cpu/cpu.cfs_quota_us 150000 / cpu.cfs_period_us 100000';

const envOf = (plan: Plan): Record<string, string> =>
  Object.fromEntries(plan.ops.map((o: Op) => (o.kind === 'set-env' ? [o.name, o.value] : [o.kind, ''])));
const caps = (n: string): Record<string, string> => Object.fromEntries(THREAD_VARS.map((v) => [v, n]));
function withIni(ctx: PlanContext, env: Record<string, string>, ini: string): PlanContext {
  return { ...ctx, env, config: configFrom(env, ini) };
}

test('--cpus 1.5 --memory 1g: CPU_LIMIT=1.5, MEM_LIMIT in bytes, five thread caps of 2; each why names its file', async () => {
  const plan = await resources.plan(rootContext({}, LIMITED));
  assert.deepEqual(envOf(plan), { CPU_LIMIT: '1.5', MEM_LIMIT: '1073741824', ...caps('2') });
  assert.ok(plan.ops.every((o) => o.kind === 'set-env'), 'only set-env ops');
  const why = Object.fromEntries(plan.ops.map((o) => [o.kind === 'set-env' ? o.name : '', o.why]));
  assert.equal(why['CPU_LIMIT'], QUOTA_WHY);
  assert.equal(why['MEM_LIMIT'], '/sys/fs/cgroup/memory/memory.limit_in_bytes 1073741824');
  assert.equal(why['OMP_NUM_THREADS'], 'the CPU limit 1.5 rounded up; [resources] threads = auto (default)');
  assert.deepEqual(plan.notes, [{ level: 'info', msg: 'cgroup limits: 1.5 CPUs, 1073741824 bytes of memory' }]);
});

test('a value already set (the spawner\'s) wins, and the plan says so', async () => {
  const plan = await resources.plan(rootContext({ OMP_NUM_THREADS: '1', MEM_LIMIT: '536870912' }, LIMITED));
  const env = envOf(plan);
  assert.equal(env['OMP_NUM_THREADS'], undefined);
  assert.equal(env['MEM_LIMIT'], undefined);
  assert.equal(env['MKL_NUM_THREADS'], '2');
  assert.equal(env['CPU_LIMIT'], '1.5');
  assert.deepEqual(plan.notes.slice(1).map((n) => n.msg.replace(/ \(nbstart would.*/, '')), ['MEM_LIMIT=536870912 is already set and kept', 'OMP_NUM_THREADS=1 is already set and kept']);
  assert.match(plan.notes[1]!.msg, /nbstart would set 1073741824: \/sys\/fs\/cgroup\/memory\/memory\.limit_in_bytes 1073741824\)$/);
});

test('unlimited: nothing is set, and the plan says where it looked', async () => {
  const plan = await resources.plan(rootContext({}, UNLIMITED));
  assert.deepEqual(plan.ops, []);
  assert.deepEqual(plan.notes, [{ level: 'info', msg: 'no CPU or memory limit in /sys/fs/cgroup/cpu, /sys/fs/cgroup/memory, /sys/fs/cgroup/cpuset: nothing to export' }]);
  const none = await resources.plan(rootContext({}, {}));
  assert.deepEqual(none.ops, []);
  assert.match(none.notes[0]!.msg, /no cgroup found/);
});

test('--cpuset-cpus 0: CPU_LIMIT=1 and caps of 1 from the cpuset; memory unlimited, so no MEM_LIMIT', async () => {
  const plan = await resources.plan(rootContext({}, v1('-1', '9223372036854771712', '0')));
  assert.deepEqual(envOf(plan), { CPU_LIMIT: '1', ...caps('1') });
  assert.match(plan.ops[0]!.why, /^\/sys\/fs\/cgroup\/cpuset\/cpuset\.cpus 0$/);
  assert.deepEqual(plan.notes, [{ level: 'info', msg: 'cgroup limits: 1 CPU, memory unlimited' }]);
});

test('threads = no keeps the limits; export_limits = no keeps the caps; both are named in the plan', async () => {
  const noThreads = await resources.plan(rootContext({ NBSTART_THREADS: 'no' }, LIMITED));
  assert.deepEqual(envOf(noThreads), { CPU_LIMIT: '1.5', MEM_LIMIT: '1073741824' });
  assert.equal(noThreads.notes[0]!.msg, 'no thread caps: NBSTART_THREADS = no');
  const noExport = await resources.plan(withIni(rootContext({}, LIMITED), {}, '[resources]\nexport_limits = no\n'));
  assert.deepEqual(envOf(noExport), caps('2'));
  assert.equal(noExport.notes[0]!.msg, 'CPU_LIMIT and MEM_LIMIT are not exported: [resources] export_limits in /etc/nbstart/nbstart.ini = no');
  assert.equal(noExport.ops[0]!.why, `the CPU limit 1.5 (${QUOTA_WHY}) rounded up; [resources] threads = auto (default)`, 'without CPU_LIMIT the caps name the file');
});

test('threads = N sets N whatever the limit, the setting as the why; the environment still wins', async () => {
  const plan = await resources.plan(withIni(rootContext({}, UNLIMITED), { OPENBLAS_NUM_THREADS: '8' }, '[resources]\nthreads = 3\n'));
  assert.deepEqual(envOf(plan), { OMP_NUM_THREADS: '3', MKL_NUM_THREADS: '3', VECLIB_MAXIMUM_THREADS: '3', NUMEXPR_MAX_THREADS: '3' });
  assert.ok(plan.ops.every((o) => o.why === '[resources] threads in /etc/nbstart/nbstart.ini = 3'));
  const fixed = await resources.plan(rootContext({ NBSTART_THREADS: '4', NBSTART_EXPORT_LIMITS: 'no' }, LIMITED));
  assert.deepEqual(envOf(fixed), caps('4'));
});

test('a non-root start plans the same', async () => {
  const plan = await resources.plan(rootContext({}, LIMITED, '/home/jovyan', false));
  assert.deepEqual(envOf(plan), { CPU_LIMIT: '1.5', MEM_LIMIT: '1073741824', ...caps('2') });
});

test('a malformed cgroup file is a warning; the other limits still go out', async () => {
  const plan = await resources.plan(rootContext({}, { ...LIMITED, 'sys/fs/cgroup/memory/memory.limit_in_bytes': '1g\n' }));
  assert.deepEqual(envOf(plan), { CPU_LIMIT: '1.5', ...caps('2') });
  assert.deepEqual(plan.notes, [
    { level: 'warn', msg: '/sys/fs/cgroup/memory/memory.limit_in_bytes: "1g" is not a number of bytes; no memory limit read from it; the start goes on' },
    { level: 'info', msg: 'cgroup limits: 1.5 CPUs, memory unlimited' },
  ]);
});

test('nbstart plan shows each value and where it came from', async () => {
  const ctx = rootContext({ NBSTART_THREADS: '2' }, LIMITED);
  const text = planText({ identity: ctx.identity, privileged: true, euid: 0, planned: [{ hook: resources, plan: await resources.plan(ctx) }], command: ['true'], cwd: '/' });
  assert.match(text, /^\[resources\] \(root phase\) CPU_LIMIT, MEM_LIMIT and thread caps/m);
  assert.match(text, new RegExp(`^  - set CPU_LIMIT=1\\.5  # ${QUOTA_WHY.replace(/[./]/g, '\\$&')}$`, 'm'));
  assert.match(text, /^ {2}- set MEM_LIMIT=1073741824 {2}# \/sys\/fs\/cgroup\/memory\/memory\.limit_in_bytes 1073741824$/m);
  assert.match(text, /^ {2}- set NUMEXPR_MAX_THREADS=2 {2}# NBSTART_THREADS = 2$/m);
  assert.match(text, /^ {2}· cgroup limits: 1\.5 CPUs, 1073741824 bytes of memory$/m);
});
