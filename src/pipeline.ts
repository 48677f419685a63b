// Plans every hook of a phase against the same starting state, then applies them in order.
// Planning everything first means a bad input stops start-up before anything is written.

import type { Hook, PlanContext } from './hooks/hook.ts';
import type { Logger } from './log.ts';
import { apply, type ExecState } from './plan/apply.ts';
import type { Plan } from './plan/ops.ts';

export interface Planned {
  readonly hook: Hook;
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
export async function planHooks(hooks: readonly Hook[], ctx: PlanContext): Promise<Planned[]> {
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
export function applyPlanned(planned: readonly Planned[], root: string, state: ExecState, log: Logger): void {
  for (const { hook, plan } of planned) {
    const hlog = log.child({ hook: hook.name, phase: hook.phase });
    for (const note of plan.notes) hlog[note.level](note.msg);
    try {
      apply(plan.ops, { root, state, log: hlog });
    } catch (err) {
      throw new HookError(hook.name, err);
    }
  }
}
