// Hook `root-dirs` — phase root, last, as root. Runs the image's before-notebook.d scripts just before
// the privilege drop, as docker-stacks' start.sh does; exports of *.sh scripts reach the command.

import type { Plan } from '../plan/ops.ts';
import type { Hook, PlanContext } from './hook.ts';
import { planHookDirs } from './external.ts';

export const rootDirs: Hook = {
  name: 'root-dirs',
  phase: 'root',
  summary: 'image scripts in [hooks] root_dirs (before-notebook.d), as root, just before the drop',
  async plan(ctx: PlanContext): Promise<Plan> {
    return planHookDirs(ctx, ctx.config.hooks.rootDirs, ctx.privileged ? 'root' : `uid ${process.geteuid?.()}`, '[hooks] root_dirs');
  },
};
