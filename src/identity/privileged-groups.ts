// Groups that give rights over the system (pure). gids are what the kernel checks: a hub that hands a
// person gid 42 gives them the shadow group's right to read /etc/shadow, gid 27 sudo's, gid 0 root's
// group files. So the person's primary gid 0 needs [user] allow_root, and a primary or mirrored gid
// that is one of the image's privileged groups needs [groups] allow_gids.

import type { ProblemList } from '../config/problems.ts';
import type { Config } from '../config/types.ts';
import { originOf } from '../config/validate.ts';
import type { GroupEntry } from '../system/colon-db.ts';

/** Image groups by name that are privileged where they exist (besides gid 0). */
export const PRIVILEGED_GROUP_NAMES: readonly string[] = ['root', 'shadow', 'sudo', 'admin', 'adm', 'wheel', 'disk', 'kmem', 'staff', 'docker'];

/** Image groups are system groups up to login.defs' SYS_GID_MAX; above it a name is only a name (a mirrored hub group). */
const SYS_GID_MAX = 999;

/** The privileged gids of an image: 0 and the gids of the system groups named above. */
export function privilegedGids(groups: readonly GroupEntry[]): Map<number, string> {
  const out = new Map<number, string>([[0, groups.find((g) => g.gid === 0)?.name ?? 'root']]);
  for (const g of groups) if (PRIVILEGED_GROUP_NAMES.includes(g.name) && g.gid <= SYS_GID_MAX && !out.has(g.gid)) out.set(g.gid, g.name);
  return out;
}

/** One problem per privileged gid among the person's; true when there is none. */
export function checkGids(config: Config, groups: readonly GroupEntry[], primary: number, mirrored: readonly number[], person: string, problems: ProblemList): boolean {
  const privileged = privilegedGids(groups);
  let ok = true;
  if (person !== 'root' && primary === 0 && !config.user.allowRoot) {
    problems.error(originOf(config, 'user.gid', 'NB_GID'), '0', `would give "${person}" root's group as primary group`,
      'use another gid, or set NBSTART_ALLOW_ROOT=yes ([user] allow_root) if that is really meant');
    ok = false;
  }
  for (const [gid, setting] of [...(primary === 0 ? [] : [[primary, originOf(config, 'user.gid', 'NB_GID')] as const]), ...mirrored.map((g) => [g, originOf(config, 'groups.list', 'NBSTART_GROUPS')] as const)]) {
    const name = privileged.get(gid);
    if (name === undefined || config.groups.allowGids.includes(gid)) continue;
    problems.error(setting, String(gid), `is the image's group "${name}", which gives rights over the system`,
      `leave gid ${gid} out of the person's groups, or list it in [groups] allow_gids (NBSTART_ALLOW_GIDS) if they are meant to have them`);
    ok = false;
  }
  return ok;
}
