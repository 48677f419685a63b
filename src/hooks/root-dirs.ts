// Hook `root-dirs` — phase root, last, as root (as the starting user in a start that is not root's).
// Runs the image's before-notebook.d scripts just before the privilege drop, as docker-stacks'
// start.sh does, in root's world; exports of *.sh scripts reach the command. The scripts named in
// [hooks] as_user (docker-stacks' conda activation) are left to the user phase (user-dirs).

import type { Plan } from '../plan/ops.ts';
import { planScriptDirs } from '../scripts/plan-dirs.ts';
import type { Hook, PlanContext } from './hook.ts';

export const rootDirs: Hook = {
  name: 'root-dirs',
  phase: 'root',
  summary: 'image scripts in [hooks] root_dirs (before-notebook.d), as root, just before the drop',
  needs: () => ({}),
  asked: () => undefined,
  async plan(ctx: PlanContext): Promise<Plan> {
    const { rootDirs, asUser } = ctx.config.hooks;
    return planScriptDirs(ctx, {
      dirs: rootDirs, setting: '[hooks] root_dirs', asRoot: ctx.privileged,
      as: ctx.privileged ? 'root' : `uid ${ctx.facts.euid}`,
      ...(ctx.privileged && { skip: { names: asUser, why: `runs after the drop, as ${ctx.identity.name} ([hooks] as_user)` } }),
    });
  },
};
