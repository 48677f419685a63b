// Hook `start-dirs` — phase root, first, as the starting user (root or not). Runs the image's
// start-notebook.d scripts before anything else, as docker-stacks' start.sh does; their exports are
// seen by the rest of start-up (nbstart re-reads its settings after them).

import type { Plan } from '../plan/ops.ts';
import type { Hook, StartContext } from './hook.ts';
import { planHookDirs } from './external.ts';

export const startDirs: Hook<StartContext> = {
  name: 'start-dirs',
  phase: 'start',
  summary: 'image scripts in [hooks] start_dirs (start-notebook.d), first, as the starting user',
  async plan(ctx: StartContext): Promise<Plan> {
    return planHookDirs(ctx, ctx.config.hooks.startDirs, ctx.privileged ? 'root' : `uid ${process.geteuid?.()}`, '[hooks] start_dirs');
  },
};
