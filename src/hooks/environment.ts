// Hook `environment` — phase root (plans the command's environment; touches no file).
// Sets HOME, USER, LOGNAME, SHELL, XDG_CACHE_HOME and NB_USER/NB_UID/NB_GID for the person, applies NB_UMASK, and removes
// JUPYTER_ENV_VARS_TO_UNSET, SUDO_* and nbstart's own secret-bearing variables.

import type { Op, Plan } from '../plan/ops.ts';
import type { Hook, PlanContext } from './hook.ts';

/** Variables never passed to the command: they carry identity secrets or sudo leftovers. */
export function scrubbed(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env).filter((k) => k.startsWith('SUDO_') || k === 'NBSTART_AUTH_STATE' || k === 'NBSTART_AUTH_STATE_FILE').sort();
}

export const environment: Hook = {
  name: 'environment',
  phase: 'root',
  summary: 'HOME, USER, LOGNAME, SHELL, XDG_CACHE_HOME of the person; NB_UMASK; unset listed variables',
  needs: () => ({}),
  asked: () => undefined,
  async plan(ctx: PlanContext): Promise<Plan> {
    const id = ctx.identity;
    const ops: Op[] = [];
    const want: [string, string][] = [
      ['HOME', id.home],
      ['USER', id.name],
      ['LOGNAME', id.name],
      ['SHELL', id.shell],
      ['XDG_CACHE_HOME', `${id.home}/.cache`],
      // Images bake NB_USER/NB_UID/NB_GID into ENV; the command sees who it really runs as.
      ['NB_USER', id.name],
      ['NB_UID', String(id.uid)],
      ['NB_GID', String(id.gid)],
      // docker-stacks' marker: start-notebook.py runs start.sh (nbstart) again, which must not redo set-up.
      ['_START_SH_EXECUTED', '1'],
    ];
    for (const [name, value] of want) {
      if (ctx.env[name] !== value) ops.push({ kind: 'set-env', name, value, why: `${name} of ${id.name}` });
    }
    for (const name of ctx.config.exec.unset) {
      if (ctx.env[name] !== undefined) ops.push({ kind: 'unset-env', name, why: 'listed in JUPYTER_ENV_VARS_TO_UNSET' });
    }
    for (const name of scrubbed(ctx.env)) ops.push({ kind: 'unset-env', name, why: 'never passed to the command' });
    if (ctx.config.exec.umask !== undefined) ops.push({ kind: 'umask', mask: ctx.config.exec.umask, why: 'NB_UMASK' });
    return { ops, notes: [] };
  },
};
