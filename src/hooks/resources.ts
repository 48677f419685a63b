// Hook `resources` — phase root, as root or as the starting user (plans the command's environment;
// touches no file). Reads the CPU and memory limits the kernel enforces (src/system/cgroup.ts) and
// exports CPU_LIMIT, MEM_LIMIT and the numeric libraries' thread caps (OMP_NUM_THREADS, ...), so
// numpy, MKL, numexpr or PyTorch on a 64-core node limited to 2 CPUs start 2 threads, not 64, and
// jupyter-resource-usage shows the limit. A value already in the environment (a spawner's) wins.

import { formatCores, readCgroupLimits } from '../system/cgroup.ts';
import type { Note, Op, Plan } from '../plan/ops.ts';
import type { Hook, PlanContext } from './hook.ts';

/** The thread-pool sizes of OpenMP (and PyTorch), OpenBLAS, MKL, Apple Accelerate and numexpr. */
export const THREAD_VARS: readonly string[] = ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'VECLIB_MAXIMUM_THREADS', 'NUMEXPR_MAX_THREADS'];

export const resources: Hook = {
  name: 'resources',
  phase: 'root',
  summary: 'CPU_LIMIT, MEM_LIMIT and thread caps (OMP_NUM_THREADS, ...) from the container\'s cgroup limits',
  async plan(ctx: PlanContext): Promise<Plan> {
    const { threads, exportLimits } = ctx.config.resources;
    const origin = (key: string, fallback: string): string => ctx.config.origins.get(`resources.${key}`) ?? `[resources] ${key} = ${fallback} (the default)`;
    const notes: Note[] = [];
    if (!exportLimits) notes.push({ level: 'info', msg: `CPU_LIMIT and MEM_LIMIT are not exported: ${origin('export_limits', 'yes')} is no` });
    if (threads === 'no') notes.push({ level: 'info', msg: `no thread caps: ${origin('threads', 'auto')} is no` });
    if (!exportLimits && threads !== 'auto') return { ops: wanted(ctx, threadsFixed(threads, origin), notes), notes };

    const limits = readCgroupLimits(ctx.fs);
    for (const w of limits.warnings) notes.push({ level: 'warn', msg: `${w}; the start goes on` });
    const want: [string, string, string][] = [];
    if (exportLimits && limits.cpu) want.push(['CPU_LIMIT', formatCores(limits.cpu.cores), limits.cpu.from]);
    if (exportLimits && limits.memory) want.push(['MEM_LIMIT', String(limits.memory.bytes), limits.memory.from]);
    if (threads === 'auto' && limits.cpu) {
      const why = `the CPU limit ${formatCores(limits.cpu.cores)} rounded up (${origin('threads', 'auto')}; ${limits.cpu.from})`;
      for (const name of THREAD_VARS) want.push([name, String(limits.cpu.threads), why]);
    } else want.push(...threadsFixed(threads, origin));
    if (!limits.cpu && !limits.memory) {
      const where = limits.dirs.length > 0 ? `in ${limits.dirs.join(', ')}` : '(no cgroup found in /proc/self/cgroup and /proc/self/mountinfo)';
      notes.push({ level: 'info', msg: `no CPU or memory limit ${where}: nothing to export` });
    }
    return { ops: wanted(ctx, want, notes), notes };
  },
};

/** The thread caps of `threads = N`. */
function threadsFixed(threads: 'auto' | 'no' | number, origin: (key: string, fallback: string) => string): [string, string, string][] {
  return typeof threads === 'number' ? THREAD_VARS.map((name) => [name, String(threads), origin('threads', 'auto')]) : [];
}

/** set-env ops for the variables not set already; the ones that are set are kept, with a note. */
function wanted(ctx: PlanContext, want: readonly [string, string, string][], notes: Note[]): Op[] {
  const ops: Op[] = [];
  for (const [name, value, why] of want) {
    const had = ctx.env[name];
    if (had === undefined || had === '') ops.push({ kind: 'set-env', name, value, why });
    else if (had !== value) notes.push({ level: 'info', msg: `${name}=${had} is already set and kept (nbstart would set ${value}: ${why})` });
  }
  return ops;
}
