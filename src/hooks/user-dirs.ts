// Hook `user-dirs` — phase user, after the drop, as the person, in their home. Runs the scripts of
// [hooks] user_dirs: what root cannot do in a root-squashed home, the person can.

import type { Plan } from '../plan/ops.ts';
import type { Hook, PlanContext } from './hook.ts';
import { planHookDirs } from './external.ts';

export const userDirs: Hook = {
  name: 'user-dirs',
  phase: 'user',
  summary: 'image scripts in [hooks] user_dirs, as the person, with the home as working directory',
  async plan(ctx: PlanContext): Promise<Plan> {
    const plan = planHookDirs(ctx, ctx.config.hooks.userDirs, ctx.identity.name, '[hooks] user_dirs');
    return { ...plan, ops: plan.ops.map((op) => ({ ...op, cwd: ctx.identity.home })) };
  },
};
