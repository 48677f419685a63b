// Plans every hook of a phase against the same starting state, then applies them in order.
// Planning everything first means a bad input stops start-up before anything is written.

import type { Hook, StartContext } from './hooks/hook.ts';
import type { Logger } from './log.ts';
import { apply, type ApplyContext } from './plan/apply.ts';
import type { Plan } from './plan/ops.ts';

export interface Planned {
  readonly hook: Pick<Hook, 'name' | 'phase' | 'summary'>;
  readonly plan: Plan;
}

/** Raised when a hook cannot plan or apply; names the hook once. */
export class HookError extends Error {
  readonly hook: string;
  constructor(hook: string, cause: unknown) {
    super(`hook ${hook}: ${(cause as Error).message}`, { cause });
    this.name = 'HookError';
    this.hook = hook;
  }
}

/** Plans the hooks in order; set-env/unset-env of earlier plans are visible to later ones. */
export async function planHooks<C extends StartContext>(hooks: readonly Hook<C>[], ctx: C): Promise<Planned[]> {
  const out: Planned[] = [];
  const env = { ...ctx.env };
  for (const hook of hooks) {
    let plan: Plan;
    try {
      plan = await hook.plan({ ...ctx, env });
    } catch (err) {
      throw new HookError(hook.name, err);
    }
    for (const op of plan.ops) {
      if (op.kind === 'set-env') env[op.name] = op.value;
      if (op.kind === 'unset-env') delete env[op.name];
    }
    out.push({ hook, plan });
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
      throw new HookError(hook.name, err);
    }
  }
}
