// Hook `chown` — phase root, as root. Touches the home and CHOWN_EXTRA paths when asked:
// changes only entries whose owner or group differ, never following symbolic links. Needs CAP_CHOWN;
// without it nothing is changed and one warning says so.

import type { Op, Plan } from '../plan/ops.ts';
import { hasCapability, procStatus } from '../system/capabilities.ts';
import type { Hook, PlanContext } from './hook.ts';

export const chown: Hook = {
  name: 'chown',
  phase: 'root',
  summary: 'CHOWN_HOME / CHOWN_EXTRA: give paths to the user, touching only what differs',
  async plan(ctx: PlanContext): Promise<Plan> {
    const c = ctx.config.chown;
    const id = ctx.identity;
    if (!c.home && c.extra.length === 0) return { ops: [], notes: [] };
    if (!ctx.privileged) {
      return { ops: [], notes: [{ level: 'warn', msg: 'CHOWN_HOME/CHOWN_EXTRA are set but the container did not start as root: nothing changed (start with --user root)' }] };
    }
    if (!hasCapability(procStatus(ctx.fs), 'CAP_CHOWN')) {
      const what = [...(c.home ? ['CHOWN_HOME'] : []), ...(c.extra.length > 0 ? ['CHOWN_EXTRA'] : [])].join(' and ');
      return { ops: [], notes: [{ level: 'warn', msg: `${what} ${what.includes(' and ') ? 'are' : 'is'} set but the container lacks CAP_CHOWN: nothing changed (add CHOWN to the container's capabilities)` }] };
    }
    const ops: Op[] = [];
    if (c.home) {
      ops.push({ kind: 'chown-tree', path: id.home, uid: id.uid, gid: id.gid, recursive: c.homeOpts.recursive, why: 'CHOWN_HOME is set' });
    }
    for (const path of c.extra) {
      ops.push({ kind: 'chown-tree', path, uid: id.uid, gid: id.gid, recursive: c.extraOpts.recursive, why: 'listed in CHOWN_EXTRA' });
    }
    return { ops, notes: [] };
  },
};
