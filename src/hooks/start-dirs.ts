// Hook `start-dirs` — phase start, first, as the starting user (root or not). Runs the image's
// start-notebook.d scripts before anything else, as docker-stacks' start.sh does; their exports are
// seen by the rest of start-up (nbstart re-reads its settings after them). As root, in root's world.

import type { Plan } from '../plan/ops.ts';
import { planScriptDirs } from '../scripts/plan-dirs.ts';
import type { Hook, StartContext } from './hook.ts';

export const startDirs: Hook<StartContext> = {
  name: 'start-dirs',
  phase: 'start',
  summary: 'image scripts in [hooks] start_dirs (start-notebook.d), first, as the starting user',
  needs: () => ({}),
  asked: () => undefined,
  async plan(ctx: StartContext): Promise<Plan> {
    return planScriptDirs(ctx, {
      dirs: ctx.config.hooks.startDirs, setting: '[hooks] start_dirs', asRoot: ctx.privileged,
      as: ctx.privileged ? 'root' : `uid ${ctx.facts.euid}`,
    });
  },
};
