// Hook `user-dirs` — phase user, after the drop, as the person, in their home. Runs first the
// root_dirs scripts named in [hooks] as_user (after a root start: docker-stacks'
// 10activate-conda-env.sh runs conda from $CONDA_DIR, which the person can write, so it runs as
// the person, and what it exports reaches the command as before), then the scripts of [hooks]
// user_dirs: what root cannot do in a root-squashed home, the person can.

import type { Plan } from '../plan/ops.ts';
import { planScriptDirs } from '../scripts/plan-dirs.ts';
import type { Hook, PlanContext } from './hook.ts';

export const userDirs: Hook = {
  name: 'user-dirs',
  phase: 'user',
  summary: 'root_dirs scripts of [hooks] as_user, then image scripts in [hooks] user_dirs, as the person, in the home',
  needs: () => ({}),
  asked: () => undefined,
  async plan(ctx: PlanContext): Promise<Plan> {
    const { rootDirs, userDirs: dirs, asUser } = ctx.config.hooks;
    const as = ctx.identity.name;
    const cwd = ctx.identity.home;
    // ctx.privileged: this start was root's (the root phase then left these scripts here).
    const moved = ctx.privileged ? planScriptDirs(ctx, { dirs: rootDirs, setting: '[hooks] as_user', as, asRoot: false, only: asUser, cwd }) : { ops: [], notes: [] };
    const own = planScriptDirs(ctx, { dirs, setting: '[hooks] user_dirs', as, asRoot: false, cwd });
    return { ops: [...moved.ops, ...own.ops], notes: [...moved.notes, ...own.notes] };
  },
};
