// Plans every hook of a phase against the same starting state, then applies them in order. Planning
// everything first means a bad input stops start-up before anything is written. Whether a hook plans
// at all is src/policy.ts's decision.

import type { Hook, StartContext } from './hooks/hook.ts';
import type { Logger } from './log.ts';
import type { ApplyContext } from './ops/context.ts';
import { ScriptsStopped } from './ops/run-scripts.ts';
import { apply } from './plan/apply.ts';
import type { Op, Plan } from './plan/ops.ts';
import { decide, HookError } from './policy.ts';

export { HookError } from './policy.ts';

export interface Planned {
  readonly hook: Pick<Hook, 'name' | 'phase' | 'summary'>;
  readonly plan: Plan;
}

/** Plans the hooks in order; the environment and working directory earlier plans leave are what later ones see. */
export async function planHooks<C extends StartContext>(hooks: readonly Hook<C>[], ctx: C): Promise<Planned[]> {
  const out: Planned[] = [];
  let env: Record<string, string | undefined> = { ...ctx.env };
  let cwd = ctx.cwd;
  for (const hook of hooks) {
    const here = { ...ctx, env, cwd };
    const decision = decide(hook, here);
    let plan: Plan;
    if (!decision.run) {
      plan = { ops: [], notes: decision.note ? [decision.note] : [] };
    } else {
      try {
        plan = await hook.plan(here);
      } catch (err) {
        throw err instanceof HookError ? err : new HookError(hook.name, err);
      }
    }
    ({ env, cwd } = afterOps(plan.ops, env, cwd));
    out.push({ hook, plan });
  }
  return out;
}

/** The environment and working directory that `ops` leave (set-env, unset-env, chdir, in order); the inputs are not changed. */
export function afterOps(ops: readonly Op[], env: Readonly<Record<string, string | undefined>>, cwd: string): { env: Record<string, string | undefined>; cwd: string } {
  const out = { env: { ...env }, cwd };
  for (const op of ops) {
    if (op.kind === 'set-env') out.env[op.name] = op.value;
    if (op.kind === 'unset-env') delete out.env[op.name];
    if (op.kind === 'chdir') out.cwd = op.path;
  }
  return out;
}

/** Applies planned hooks in order, logging notes through a child logger per hook. */
export async function applyPlanned(planned: readonly Planned[], ctx: Omit<ApplyContext, 'log'>, log: Logger): Promise<void> {
  for (const { hook, plan } of planned) {
    const hlog = log.child({ hook: hook.name, phase: hook.phase });
    for (const note of plan.notes) hlog[note.level](note.msg);
    try {
      await apply(plan.ops, { ...ctx, log: hlog });
    } catch (err) {
      if (err instanceof ScriptsStopped) throw err;
      throw new HookError(hook.name, err);
    }
    for (const note of plan.done ?? []) hlog[note.level](note.msg);
  }
}
