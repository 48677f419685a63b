// A context with hook directories for the hooks that run image scripts (start-dirs, root-dirs, user-dirs).

import * as fs from 'node:fs';
import type { PlanContext } from '../../../src/hooks/hook.ts';
import type { RunScriptsOp } from '../../../src/ops/run-scripts.ts';
import type { Op } from '../../../src/plan/ops.ts';
import { rootContext } from './context.ts';

export const DIRS = { NBSTART_START_DIRS: '/hooks/start.d', NBSTART_ROOT_DIRS: '/hooks/before.d', NBSTART_USER_DIRS: '/hooks/user.d' };

/** docker-stacks' directories with a script or two each, a bash root can trust, and PATH for it. */
export function scriptsContext(env: Record<string, string> = {}, privileged = true): PlanContext {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010', ...DIRS, ...env }, {
    'hooks/start.d/10-start.sh': '', 'hooks/before.d/10activate-conda-env.sh': '', 'hooks/before.d/20-root.sh': '',
    'hooks/user.d/10-user.sh': '', 'usr/bin/bash': '#!\n',
  }, '/', privileged);
  fs.chmodSync(ctx.fs.real('/usr/bin/bash'), 0o755);
  return { ...ctx, env: { PATH: '/usr/bin', ...ctx.env } };
}

/** Each run-scripts op as [dir, as, script names]. */
export function runs(ops: readonly Op[]): [string, string, string[]][] {
  return (ops as RunScriptsOp[]).map((o) => [o.dir, o.as, o.files.map((f) => f.path.slice(o.dir.length + 1))]);
}
