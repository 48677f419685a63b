// The container's CPU and memory limits reach the command (issue 18): the compiled binary in real
// podman containers started with --cpus, --memory and --cpuset-cpus, one container per case:
// {podman flags, user, env} → the CPU_LIMIT, MEM_LIMIT and thread-cap variables the command sees.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { FOUNDATION, NUMPY_NOTEBOOK } from './lib/images.ts';
import { openSession } from './lib/kernel.ts';
import { run, show } from './lib/podman.ts';
import { startServer } from './lib/server.ts';

const VARS = ['CPU_LIMIT', 'MEM_LIMIT', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'VECLIB_MAXIMUM_THREADS', 'NUMEXPR_MAX_THREADS'];
const PRINT = ['sh', '-c', `for v in ${VARS.join(' ')}; do eval "echo $v=\\\${$v-unset}"; done`];
const GIB = 1024 ** 3;

/** The expected printout: every variable, `unset` unless given. */
function vars(set: Partial<Record<(typeof VARS)[number], string | number>>): string {
  return VARS.map((v) => `${v}=${set[v] ?? 'unset'}\n`).join('');
}
const caps = (n: number) => ({ OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n, VECLIB_MAXIMUM_THREADS: n, NUMEXPR_MAX_THREADS: n });

// --cpuset-cpus 0 is a limit only on a machine with more than one CPU (this project's have two).
const onlineCpus = fs.readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();

interface Case {
  readonly name: string;
  readonly flags: readonly string[];
  readonly user?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly stdout: string;
}

const CASES: Case[] = [
  { name: '--cpus 2 --memory 1g: CPU_LIMIT=2, MEM_LIMIT in bytes, thread caps of 2', flags: ['--cpus', '2', '--memory', '1g'], stdout: vars({ CPU_LIMIT: 2, MEM_LIMIT: GIB, ...caps(2) }) },
  { name: '--cpus 1.5: CPU_LIMIT=1.5, caps rounded up to 2, no MEM_LIMIT', flags: ['--cpus', '1.5'], stdout: vars({ CPU_LIMIT: '1.5', ...caps(2) }) },
  { name: '--cpus 0.5 --memory 300m: caps of at least 1', flags: ['--cpus', '0.5', '--memory', '300m'], stdout: vars({ CPU_LIMIT: '0.5', MEM_LIMIT: 300 * 1024 ** 2, ...caps(1) }) },
  { name: '--cpuset-cpus 0: one CPU without a quota', flags: ['--cpuset-cpus', '0'], stdout: onlineCpus === '0' ? vars({}) : vars({ CPU_LIMIT: 1, ...caps(1) }) },
  {
    name: 'a spawner\'s MEM_LIMIT and an explicit OMP_NUM_THREADS=1 survive; the rest are filled in',
    flags: ['--cpus', '2', '--memory', '1g'], env: { OMP_NUM_THREADS: '1', MEM_LIMIT: '536870912' },
    stdout: vars({ CPU_LIMIT: 2, MEM_LIMIT: 536870912, ...caps(2), OMP_NUM_THREADS: 1 }),
  },
  {
    name: 'a non-root start (--user 1010:0) exports them too',
    flags: ['--cpus', '1.5', '--memory', '512m'], user: '1010:0', stdout: vars({ CPU_LIMIT: '1.5', MEM_LIMIT: 512 * 1024 ** 2, ...caps(2) }),
  },
  { name: 'an unlimited container gets none of the variables', flags: [], stdout: vars({}) },
  {
    name: 'NBSTART_THREADS=3 NBSTART_EXPORT_LIMITS=no: caps of 3, no CPU_LIMIT or MEM_LIMIT',
    flags: ['--cpus', '1.5', '--memory', '1g'], env: { NBSTART_THREADS: '3', NBSTART_EXPORT_LIMITS: 'no' }, stdout: vars(caps(3)),
  },
  {
    name: 'JUPYTER_ENV_VARS_TO_UNSET still removes a variable nbstart would export',
    flags: ['--cpus', '2', '--memory', '1g'], env: { JUPYTER_ENV_VARS_TO_UNSET: 'MEM_LIMIT,OMP_NUM_THREADS' }, stdout: vars({ CPU_LIMIT: 2, ...caps(2), OMP_NUM_THREADS: 'unset' }),
  },
  { name: 'NBSTART_THREADS=no: the limits only', flags: ['--cpus', '2'], env: { NBSTART_THREADS: 'no' }, stdout: vars({ CPU_LIMIT: 2 }) },
];

for (const c of CASES) {
  test(c.name, () => {
    const r = run({ image: FOUNDATION, user: c.user ?? 'root', env: { NB_UID: '1010', ...c.env }, extra: c.flags, command: PRINT });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, c.stdout, show(r));
    assert.doesNotMatch(r.stderr, / WARN: .*cgroup/, show(r));
  });
}

test('nbstart plan shows each value and the cgroup file or setting it came from', () => {
  const r = run({ image: FOUNDATION, user: 'root', env: { NBSTART_THREADS: '4' }, extra: ['--cpus', '1.5', '--memory', '1g'], command: ['plan'] });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^\[resources\] \(root phase\) /m, show(r));
  // cgroup v1 here; v2 hosts name cpu.max and memory.max instead.
  assert.match(r.stdout, /^ {2}- set CPU_LIMIT=1\.5 {2}# \/sys\/fs\/cgroup\/(cpu\/cpu\.cfs_quota_us 150000 \/ cpu\.cfs_period_us 100000|cpu\.max "150000 100000")$/m, show(r));
  assert.match(r.stdout, /^ {2}- set MEM_LIMIT=1073741824 {2}# \/sys\/fs\/cgroup\/(memory\/memory\.limit_in_bytes|memory\.max) 1073741824$/m, show(r));
  assert.match(r.stdout, /^ {2}- set OMP_NUM_THREADS=4 {2}# NBSTART_THREADS = 4$/m, show(r));
  assert.match(r.stdout, /^ {2}· cgroup limits: 1\.5 CPUs, 1073741824 bytes of memory$/m, show(r));
});

test('a bad [resources] value stops the start with one line naming it, exit 1', () => {
  const r = run({ image: FOUNDATION, user: 'root', env: { NBSTART_THREADS: 'many' }, extra: ['--cpus', '1'], command: ['true'] });
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, /NBSTART_THREADS: expected auto, no, or a whole number from 1 to 4096, got "many"; fix: /, show(r));
});

// The cell a person would run: the variables as the kernel sees them, and the size of the thread
// pools numpy's OpenBLAS really started (threadpoolctl asks the loaded library itself).
const CELL = `import json, os
import numpy
from threadpoolctl import threadpool_info
print(json.dumps({
    "env": {k: os.environ.get(k) for k in ${JSON.stringify(VARS)}},
    "pools": sorted({"%s:%d" % (p["internal_api"], p["num_threads"]) for p in threadpool_info()}),
    "cpus": len(os.sched_getaffinity(0)),
    "uid": os.getuid(),
}))`;

interface Seen {
  readonly env: Record<string, string | null>;
  readonly pools: string[];
  readonly cpus: number;
  readonly uid: number;
}

/** Starts numpy-notebook's default command (JupyterLab) through nbstart with `flags`, runs CELL in a new kernel. */
async function kernelSees(flags: readonly string[]): Promise<Seen> {
  const server = await startServer({ image: NUMPY_NOTEBOOK, env: { NB_USER: 'alice', NB_UID: '1010' }, extra: flags });
  try {
    const session = await openSession(server, 'limits.ipynb');
    try {
      const cell = await session.run(CELL);
      assert.equal(cell.status, 'ok', `${cell.error}\n${server.logs()}`);
      return JSON.parse(cell.stdout) as Seen;
    } finally {
      await session.close();
    }
  } finally {
    server.stop();
  }
}

test('a notebook kernel under --cpus 1 --memory 1g sees the caps, and numpy\'s OpenBLAS pool is 1 thread', async () => {
  const seen = await kernelSees(['--cpus', '1', '--memory', '1g']);
  assert.equal(seen.uid, 1010, 'the kernel runs as the person');
  assert.deepEqual(seen.env, { CPU_LIMIT: '1', MEM_LIMIT: String(GIB), OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', VECLIB_MAXIMUM_THREADS: '1', NUMEXPR_MAX_THREADS: '1' });
  assert.deepEqual(seen.pools, ['openblas:1']);
});

test('without limits the same kernel has none of the variables and OpenBLAS takes every CPU (the control)', async () => {
  const seen = await kernelSees([]);
  assert.deepEqual(seen.env, Object.fromEntries(VARS.map((v) => [v, null])));
  assert.deepEqual(seen.pools, [`openblas:${seen.cpus}`]);
  assert.ok(seen.cpus > 1 || onlineCpus === '0', `this machine has ${seen.cpus} CPUs: the capped case above could not tell a cap from the default`);
});
