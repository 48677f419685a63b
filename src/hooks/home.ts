// Hook `home` — phase root, as root. Touches /home/<user> (the local directory only, never inside a
// mounted home): moves or links the template home to it, gives files that followed the old uid/gid
// to the new ones (as usermod does), and moves the working directory along.

import type { Op, Plan, Note } from '../plan/ops.ts';
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
    const target = ctx.fs.lstat(id.home);
    const tmpl = ctx.fs.lstat(id.templateHome);
    let realHome = id.home;
    if (target.kind === 'denied') {
      notes.push({ level: 'info', msg: `${id.home} exists but root cannot look into it (a root-squashed mount?); leaving it to the user` });
    } else if (target.kind === 'missing') {
      if (id.home !== id.templateHome && id.entry !== 'root' && tmpl.kind === 'dir') {
        ops.push({ kind: 'move-dir', from: id.templateHome, to: id.home, why: `${id.name}'s home is ${id.home}; the image's files come along` });
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
    if (changed && target.kind !== 'denied' && id.entry !== 'root') {
      ops.push({
        kind: 'chown-tree', path: realHome, uid: id.uid, gid: id.gid, recursive: true,
        only: { uid: id.was.uid, gid: id.was.gid },
        why: `files of ${id.was.uid}:${id.was.gid} in the home follow the user to ${id.uid}:${id.gid}, as usermod does`,
      });
    }

    const cwd = followDir(ctx.cwd, id.templateHome, id.home);
    if (cwd !== undefined && cwd !== ctx.cwd) ops.push({ kind: 'chdir', path: cwd, why: 'the working directory follows the home' });
    return { ops, notes };
  },
};
