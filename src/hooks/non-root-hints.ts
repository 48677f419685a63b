// Hook `non-root-hints` — phase root, only in a start that is not root's (`--user 1010`,
// runAsUser); touches nothing. Gives the hints docker-stacks' start.sh gives such a start, where they
// still apply to nbstart:
//   a home the process cannot write: start it with the home's group (docker-stacks: users, 100);
//   NB_USER names the person but the home stays the template's: only a root start renames it.
// NB_USER/NB_UID/NB_GID that cannot be applied without root are configuration warnings
// (identity/resolve.ts), GRANT_SUDO's is the sudo hook's (src/policy.ts). start.sh's hint to start
// with gid 0 so that /etc/passwd can be written has no counterpart: nbstart names an unknown uid
// through nss_wrapper (nss-wrapper.ts), without a writable /etc/passwd.

import * as fs from 'node:fs';
import type { Note, Plan } from '../plan/ops.ts';
import { groupEntries, parseDb } from '../system/colon-db.ts';
import type { Hook, PlanContext } from './hook.ts';

/** The hint for a home the process cannot write, or undefined when it can (or there is none). */
export function homeHint(ctx: PlanContext): string | undefined {
  const { identity: id, facts } = ctx;
  const st = ctx.fs.stat(id.home);
  if (st.kind !== 'dir' || ctx.fs.access(id.home, fs.constants.W_OK)) return undefined;
  const who = `uid ${facts.uid} (gid ${facts.gid}${facts.groups.length > 0 ? `, groups ${facts.groups.join(',')}` : ''})`;
  if ((st.mode & 0o020) === 0) {
    return `no write access to ${id.home} for ${who}: start the container as uid ${st.uid}, or as root to have the home refitted`;
  }
  const name = groupEntries(parseDb('group', ctx.fs.readText('/etc/group') ?? '')).find((g) => g.entry.gid === st.gid)?.entry.name;
  const group = name === undefined ? `${st.gid}` : `'${name}' (${st.gid})`;
  return `no write access to ${id.home} for ${who}: add the container to group ${group}, e.g. docker run --group-add=${name ?? st.gid} (Kubernetes: supplementalGroups)`;
}

/** The hint for NB_USER that renames the person but not the home, or undefined. */
export function nameHint(ctx: PlanContext): string | undefined {
  const id = ctx.identity;
  if (id.entry !== '' || id.name === ctx.config.user.template || id.home !== id.templateHome) return undefined;
  return `user is ${id.name} but home is ${id.home}: only a container started as root can rename the home (docker run --user root, or runAsUser: 0)`;
}

export const nonRootHints: Hook = {
  name: 'non-root-hints',
  phase: 'root',
  summary: 'a start that is not root\'s: start.sh\'s hints (a home it cannot write, NB_USER without the home)',
  needs: () => ({}),
  asked: () => undefined,
  async plan(ctx: PlanContext): Promise<Plan> {
    if (ctx.privileged) return { ops: [], notes: [] };
    const notes: Note[] = [nameHint(ctx), homeHint(ctx)].filter((m): m is string => m !== undefined).map((msg) => ({ level: 'warn', msg }));
    return { ops: [], notes };
  },
};
