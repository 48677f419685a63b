// Hook `home` — phase root, as root. Touches /home/<user> (the local directory only, never inside a
// mounted home): moves or links the template home to it, gives files that followed the old uid/gid
// to the new ones (as usermod does), and moves the working directory along. Giving files away needs
// CAP_CHOWN; without it the home keeps its owners and one warning says so. A home that had to fall
// back (read-only /home: see identity/home-place.ts) is announced here; a scratch one is made by the
// person after the drop (home-links).

import type { Op, Plan, Note } from '../plan/ops.ts';
import { movesTemplate } from '../identity/home-place.ts';
import { hasCapability, procStatus } from '../system/capabilities.ts';
import type { Hook, PlanContext } from './hook.ts';

/** `cwd` re-rooted from `from` to `to` when it is inside `from`. */
export function followDir(cwd: string, from: string, to: string): string | undefined {
  if (cwd === from) return to;
  if (cwd.startsWith(`${from}/`)) return to + cwd.slice(from.length);
  return undefined;
}

export const home: Hook = {
  name: 'home',
  phase: 'root',
  summary: 'create /home/<user> (moving or linking the template home) and refit its ownership',
  async plan(ctx: PlanContext): Promise<Plan> {
    if (!ctx.privileged) return { ops: [], notes: [] };
    const id = ctx.identity;
    const ops: Op[] = [];
    const notes: Note[] = [];
    const chown = hasCapability(procStatus(ctx.fs), 'CAP_CHOWN');
    if (id.homeFallback) notes.push({ level: 'warn', msg: id.homeFallback.reason });
    const cwd = followDir(ctx.cwd, id.templateHome, id.home);
    const follow: Op[] = cwd !== undefined && cwd !== ctx.cwd ? [{ kind: 'chdir', path: cwd, why: 'the working directory follows the home' }] : [];
    if (id.homeFallback?.kind === 'scratch') return { ops: follow, notes };
    const target = ctx.fs.lstat(id.home);
    let realHome = id.home;
    if (target.kind === 'denied') {
      notes.push({ level: 'info', msg: `${id.home} exists but root cannot look into it (a root-squashed mount?); leaving it to the user` });
    } else if (target.kind === 'missing') {
      if (movesTemplate(ctx.fs, id)) {
        ops.push({
          kind: 'move-dir', from: id.templateHome, to: id.home, ...(!chown && { copy: false }),
          why: `${id.name}'s home is ${id.home}; the image's files come along${chown ? '' : ' (linked where it cannot be renamed: a copy would need CAP_CHOWN to keep the owners)'}`,
        });
      } else {
        if (ctx.fs.lstat('/home').kind === 'missing') {
          ops.push({ kind: 'mkdir', path: '/home', mode: 0o755, uid: 0, gid: 0, why: 'parent of the home' });
        }
        ops.push({ kind: 'mkdir', path: id.home, mode: 0o755, uid: id.uid, gid: id.gid, why: `${id.name}'s home` });
      }
    } else if (target.kind === 'link') {
      realHome = ctx.fs.readlink(id.home) ?? id.home;
    }

    const changed = id.uid !== id.was.uid || id.gid !== id.was.gid;
    if (changed && target.kind !== 'denied' && id.entry !== 'root' && !chown) {
      notes.push({
        level: 'warn',
        msg: `without CAP_CHOWN the files in ${realHome} keep their owner ${id.was.uid}:${id.was.gid} instead of following ${id.name} to ${id.uid}:${id.gid} (add CHOWN to the container's capabilities)`,
      });
    } else if (changed && target.kind !== 'denied' && id.entry !== 'root') {
      ops.push({
        kind: 'chown-tree', path: realHome, uid: id.uid, gid: id.gid, recursive: true,
        only: { uid: id.was.uid, gid: id.was.gid },
        why: `files of ${id.was.uid}:${id.was.gid} in the home follow the user to ${id.uid}:${id.gid}, as usermod does`,
      });
    }

    return { ops: [...ops, ...follow], notes };
  },
};
