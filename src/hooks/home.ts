// Hook `home` — phase root, as root. Touches /home/<user> (the local directory only, never inside a
// mounted home): makes the template home the person's, by the way the plan chooses and says —
//   a volume mounted at the template home (KubeSpawner's and DockerSpawner's /home/jovyan): link
//     /home/<user> to it, so everything saved lands on the volume;
//   a filesystem that renames directories: rename, the old path left as a link;
//   overlayfs (a directory of the image cannot be renamed): copy, within [home] copy_limit and 20,000
//     entries and with CAP_CHOWN to keep the owners; otherwise link;
// then gives files that followed the old uid/gid to the new ones (as usermod does), and moves the
// working directory along. A home that had to fall back (read-only /home: identity/home-place.ts)
// is announced here; a scratch one is made by the person after the drop (home-links).

import { movesTemplate } from '../identity/home-place.ts';
import type { Identity } from '../identity/identity.ts';
import type { MoveDirOp } from '../ops/move-dir.ts';
import type { Note, Op, Plan } from '../plan/ops.ts';
import { hasCapability } from '../system/capabilities.ts';
import { isMountPoint, mountOf, renamesDirs } from '../system/mounts.ts';
import type { Hook, PlanContext } from './hook.ts';

/** Template homes with more entries than this are linked rather than copied. */
export const COPY_ENTRIES = 20_000;

/** `cwd` re-rooted from `from` to `to` when it is inside `from`. */
export function followDir(cwd: string, from: string, to: string): string | undefined {
  if (cwd === from) return to;
  if (cwd.startsWith(`${from}/`)) return to + cwd.slice(from.length);
  return undefined;
}

/** How the template home becomes the person's home, decided from the mounts, the capabilities and its size. */
export function moveTemplate(ctx: PlanContext, id: Identity): MoveDirOp {
  const limits = { entries: COPY_ENTRIES, bytes: ctx.config.home.copyLimit };
  const base = { kind: 'move-dir', from: id.templateHome, to: id.home, limits } as const;
  const mounts = ctx.facts.mounts;
  const home = `${id.name}'s home is ${id.home}`;
  if (isMountPoint(mounts, id.templateHome)) {
    return { ...base, how: 'link', why: `${home}; ${id.templateHome} is a mounted volume, so ${id.home} links to it and everything saved lands on the volume` };
  }
  const chown = hasCapability(ctx.facts.status, 'CAP_CHOWN');
  const size = ctx.fs.tree(id.templateHome, limits);
  const copyable = chown && size.complete;
  const noCopy = !chown ? 'a copy would need CAP_CHOWN to keep the owners'
    : `${id.templateHome} holds more than ${limits.entries} entries or ${limits.bytes} bytes ([home] copy_limit)`;
  const sameMount = mounts === undefined || mountOf(mounts, id.templateHome) === mountOf(mounts, id.home);
  if (renamesDirs(mounts, id.templateHome) && sameMount) {
    return { ...base, how: 'rename', orElse: copyable ? 'copy' : 'link', why: `${home}; the image's files come along` };
  }
  if (copyable) {
    return { ...base, how: 'copy', why: `${home}; the image's files are copied (${size.entries} entries, ${size.bytes} bytes): this filesystem cannot rename a directory of the image` };
  }
  return { ...base, how: 'link', why: `${home}; linked to ${id.templateHome}, which cannot be renamed here, and not copied: ${noCopy}` };
}

export const home: Hook = {
  name: 'home',
  phase: 'root',
  summary: 'create /home/<user> (moving, copying or linking the template home) and refit its ownership',
  needs: () => ({ root: true }),
  asked: () => undefined,
  async plan(ctx: PlanContext): Promise<Plan> {
    const id = ctx.identity;
    const ops: Op[] = [];
    const notes: Note[] = [];
    const chown = hasCapability(ctx.facts.status, 'CAP_CHOWN');
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
        const move = moveTemplate(ctx, id);
        ops.push(move);
        if (move.how === 'link') realHome = id.templateHome;
        const onVolume = move.how === 'link' && isMountPoint(ctx.facts.mounts, id.templateHome) ? ', a mounted volume: everything saved lands on it' : '';
        notes.push({ level: 'info', msg: `${id.home}: ${move.how === 'rename' ? 'moved from' : move.how === 'copy' ? 'copied from' : 'a link to'} ${id.templateHome}${onVolume}` });
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
        msg: `without CAP_CHOWN the files in ${target.kind === 'missing' ? id.home : realHome} keep their owner ${id.was.uid}:${id.was.gid} instead of following ${id.name} to ${id.uid}:${id.gid} (add CHOWN to the container's capabilities)`,
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
