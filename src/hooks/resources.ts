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
  needs: () => ({}),
  asked: () => undefined,
  async plan(ctx: PlanContext): Promise<Plan> {
    const { threads, exportLimits } = ctx.config.resources;
    const setting = (key: string, value: string): string => {
      const origin = ctx.config.origins.get(`resources.${key}`);
      return origin === undefined ? `[resources] ${key} = ${value} (default)` : `${origin} = ${value}`;
    };
    const threadsSetting = setting('threads', String(threads));
    const notes: Note[] = [];
    if (!exportLimits) notes.push({ level: 'info', msg: `CPU_LIMIT and MEM_LIMIT are not exported: ${setting('export_limits', 'no')}` });
    if (threads === 'no') notes.push({ level: 'info', msg: `no thread caps: ${threadsSetting}` });
    const fixed = typeof threads === 'number' ? THREAD_VARS.map((name): Want => [name, String(threads), threadsSetting]) : [];
    if (!exportLimits && threads !== 'auto') return { ops: setEnv(ctx, fixed, notes), notes };

    const limits = readCgroupLimits(ctx.fs, { ...ctx.facts.proc, mounts: ctx.facts.mounts });
    for (const w of limits.warnings) notes.push({ level: 'warn', msg: `${w}; the start goes on` });
    const { cpu, memory } = limits;
    if (!cpu && !memory) {
      const where = limits.dirs.length > 0 ? `in ${limits.dirs.join(', ')}` : '(no cgroup found in /proc/self/cgroup and /proc/self/mountinfo)';
      notes.push({ level: 'info', msg: `no CPU or memory limit ${where}: nothing to export` });
    } else {
      const what = [cpu ? `${formatCores(cpu.cores)} CPU${cpu.cores === 1 ? '' : 's'}` : 'CPUs unlimited', memory ? `${memory.bytes} bytes of memory` : 'memory unlimited'];
      notes.push({ level: 'info', msg: `cgroup limits: ${what.join(', ')}` });
    }
    const want: Want[] = [];
    if (exportLimits && cpu) want.push(['CPU_LIMIT', formatCores(cpu.cores), cpu.from]);
    if (exportLimits && memory) want.push(['MEM_LIMIT', String(memory.bytes), memory.from]);
    if (threads === 'auto' && cpu) {
      // CPU_LIMIT's line names the file; without it, this one does.
      const why = `the CPU limit ${formatCores(cpu.cores)}${exportLimits ? '' : ` (${cpu.from})`} rounded up; ${threadsSetting}`;
      for (const name of THREAD_VARS) want.push([name, String(cpu.threads), why]);
    }
    return { ops: setEnv(ctx, [...want, ...fixed], notes), notes };
  },
};

/** A variable, its value and why. */
type Want = readonly [string, string, string];

/** set-env ops for the variables not set already; the ones that are set are kept, with a note. */
function setEnv(ctx: PlanContext, want: readonly Want[], notes: Note[]): Op[] {
  const ops: Op[] = [];
  for (const [name, value, why] of want) {
    const had = ctx.env[name];
    if (had === undefined || had === '') ops.push({ kind: 'set-env', name, value, why });
    else if (had !== value) notes.push({ level: 'info', msg: `${name}=${had} is already set and kept (nbstart would set ${value}: ${why})` });
  }
  return ops;
}
