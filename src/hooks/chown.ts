// Hook `chown` — phase root, as root. Touches the home and CHOWN_EXTRA paths when asked:
// changes only entries whose owner or group differ, never following symbolic links. Needs CAP_CHOWN.

import type { Op, Plan } from '../plan/ops.ts';
import type { Hook, PlanContext } from './hook.ts';

export const chown: Hook = {
  name: 'chown',
  phase: 'root',
  summary: 'CHOWN_HOME / CHOWN_EXTRA: give paths to the user, touching only what differs',
  needs: () => ({ root: true, caps: ['CAP_CHOWN'] }),
  asked(ctx) {
    const c = ctx.config.chown;
    const what = [...(c.home ? ['CHOWN_HOME'] : []), ...(c.extra.length > 0 ? ['CHOWN_EXTRA'] : [])];
    return what.length === 0 ? undefined : `${what.join(' and ')} ${what.length > 1 ? 'are' : 'is'} set`;
  },
  async plan(ctx: PlanContext): Promise<Plan> {
    const c = ctx.config.chown;
    const id = ctx.identity;
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
