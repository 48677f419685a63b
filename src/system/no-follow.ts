// Paths that root walks without following anything a user could have put there. Node has no
// openat(2) or fchownat(2), so directories are held open and their entries reached as
// /proc/self/fd/<fd>/<name>: the kernel resolves the fd to the very directory that was opened, and
// only <name> is looked up, so swapping a checked directory for a symbolic link (or renaming it away)
// between the check and the use changes nothing. Directories are opened with O_NOFOLLOW and compared
// by inode with what lstat saw; libuv adds O_CLOEXEC, so no fd reaches the command.

import * as fs from 'node:fs';
import * as path from 'node:path';

const DIR_FLAGS = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;
// O_PATH (Linux; missing from fs.constants): a directory fd for lookups only. Like a path lookup it
// needs search permission, not read permission, so root without CAP_DAC_READ_SEARCH (a pod that
// adds only SETUID, SETGID and CHOWN) passes a mode 0711 directory on the way as it did before.
export const O_PATH = 0o10000000;
const LOOKUP_FLAGS = O_PATH | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;

/** The path of entry `name` of the open directory `dirFd`; resolving it follows nothing but `name`'s own lookup. */
export function under(dirFd: number, name: string): string {
  return `/proc/self/fd/${dirFd}/${name}`;
}

/** Opens the directory `p` without following a final symbolic link; when `expected` is given, only that inode. */
export function openDir(p: string, expected?: fs.Stats, flags = DIR_FLAGS): number {
  const fd = fs.openSync(p, flags);
  if (expected) {
    const st = fs.fstatSync(fd);
    if (st.ino !== expected.ino || st.dev !== expected.dev) {
      fs.closeSync(fd);
      throw Object.assign(new Error(`${p} changed while it was being looked at`), { code: 'ESTALE' });
    }
  }
  return fd;
}

/**
 * True when root may follow the symbolic link `link` found in directory `dir`: both belong to root
 * (or to `euid`, the walker itself) and nobody else can write the directory. Anything else could
 * have been planted, or swapped, by a user.
 */
export function linkFollowable(link: Pick<fs.Stats, 'uid'>, dir: Pick<fs.Stats, 'uid' | 'mode'>, euid: number): boolean {
  const ours = (uid: number): boolean => uid === 0 || uid === euid;
  return ours(link.uid) && ours(dir.uid) && (dir.mode & 0o022) === 0;
}

/** An entry reached without following anything untrusted: `name` in the open directory `dirFd`. */
export interface Anchored {
  readonly dirFd: number;
  readonly name: string;
  /** The path as actually resolved (trusted links replaced by their targets), for messages. */
  readonly resolved: string;
}

export type AnchorResult = { readonly ok: true; readonly at: Anchored } | { readonly ok: false; readonly why: string };

const MAX_LINKS = 40;

/**
 * Resolves the absolute path `p` one component at a time through directory fds. A symbolic link
 * on the way (or at the end) is followed only when linkFollowable says so; at the end an untrusted
 * link is returned itself (to be lchown'd, never followed); on the way it stops the walk. The caller
 * closes `at.dirFd`, an O_PATH fd: good for lookups through under(), not for reading the directory.
 */
export function anchor(p: string, euid = process.geteuid?.() ?? 0): AnchorResult {
  if (!path.isAbsolute(p)) return { ok: false, why: `${p} is not an absolute path` };
  let queue = p.split('/').filter((c) => c !== '' && c !== '.');
  let fd = openDir('/', undefined, LOOKUP_FLAGS);
  let where = '';
  let links = 0;
  const fail = (why: string): AnchorResult => {
    fs.closeSync(fd);
    return { ok: false, why };
  };
  if (queue.length === 0) return { ok: true, at: { dirFd: fd, name: '.', resolved: '/' } };
  for (;;) {
    const name = queue.shift()!;
    const last = queue.length === 0;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(under(fd, name));
    } catch (err) {
      if (last) return { ok: true, at: { dirFd: fd, name, resolved: `${where}/${name}` } };
      return fail(`${where}/${name} cannot be looked at (${(err as NodeJS.ErrnoException).code})`);
    }
    if (st.isSymbolicLink()) {
      if (!linkFollowable(st, fs.fstatSync(fd), euid)) {
        if (last) return { ok: true, at: { dirFd: fd, name, resolved: `${where}/${name}` } };
        return fail(`${where}/${name} is a symbolic link in a directory others can write (or not made by root): root does not follow it`);
      }
      if (++links > MAX_LINKS) return fail(`${p} has more than ${MAX_LINKS} symbolic links on the way`);
      const target = fs.readlinkSync(under(fd, name));
      queue = [...target.split('/').filter((c) => c !== '' && c !== '.'), ...queue];
      if (target.startsWith('/')) {
        fs.closeSync(fd);
        fd = openDir('/', undefined, LOOKUP_FLAGS);
        where = '';
      }
      if (queue.length === 0) return { ok: true, at: { dirFd: fd, name: '.', resolved: where || '/' } };
      continue;
    }
    if (last) return { ok: true, at: { dirFd: fd, name, resolved: `${where}/${name}` } };
    if (!st.isDirectory()) return fail(`${where}/${name} is not a directory`);
    let next: number;
    try {
      next = openDir(under(fd, name), st, LOOKUP_FLAGS);
    } catch (err) {
      return fail(`${where}/${name} cannot be opened (${(err as NodeJS.ErrnoException).code})`);
    }
    fs.closeSync(fd);
    fd = next;
    where = name === '..' ? path.posix.dirname(where || '/').replace(/^\/$/, '') : `${where}/${name}`;
  }
}

export type SafeDirResult = { readonly ok: true; readonly fd: number } | { readonly ok: false; readonly why: string };

/**
 * Opens the directory `p` (absolute) for writing into, checking every directory from / on the way
 * where it is opened: it must belong to root (or to `euid`, the writer itself), must not be writable
 * by others, and not by its group when that is one of `gids` (the person's); a link on the way counts
 * only when linkFollowable. The returned fd is an O_PATH fd: reach entries with under(fd, name). What
 * was checked cannot change under the writer, since nobody but root can change those directories.
 * `top` (a test's root prefix) is taken as it is, and the walk starts below it.
 */
export function openSafeDir(p: string, gids: readonly number[], euid = process.geteuid?.() ?? 0, top = '/'): SafeDirResult {
  if (!path.isAbsolute(p) || !(p === top || p.startsWith(top.endsWith('/') ? top : `${top}/`))) return { ok: false, why: `${p} is not an absolute path under ${top}` };
  let queue = p.slice(top.length).split('/').filter((c) => c !== '' && c !== '.');
  let fd = openDir(top, undefined, LOOKUP_FLAGS);
  let where = top;
  let links = 0;
  const unsafe = (st: fs.Stats, at: string): string | undefined => {
    if (st.uid !== 0 && st.uid !== euid) return `${at} belongs to uid ${st.uid}, not root`;
    if ((st.mode & 0o002) !== 0) return `${at} is writable by others (mode ${(st.mode & 0o7777).toString(8)})`;
    if ((st.mode & 0o020) !== 0 && gids.includes(st.gid)) return `${at} is writable by group ${st.gid}, which the person is in`;
    return undefined;
  };
  const fail = (why: string): SafeDirResult => {
    fs.closeSync(fd);
    return { ok: false, why };
  };
  const first = top === '/' ? unsafe(fs.fstatSync(fd), '/') : undefined;
  if (first) return fail(first);
  while (queue.length > 0) {
    const name = queue.shift()!;
    const here = name === '..' ? path.posix.dirname(where) : path.posix.join(where, name);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(under(fd, name));
    } catch (err) {
      return fail(`${here} cannot be looked at (${(err as NodeJS.ErrnoException).code})`);
    }
    if (st.isSymbolicLink()) {
      if (!linkFollowable(st, fs.fstatSync(fd), euid)) return fail(`${here} is a symbolic link root did not make: root does not write through it`);
      if (++links > MAX_LINKS) return fail(`${p} has more than ${MAX_LINKS} symbolic links on the way`);
      const target = fs.readlinkSync(under(fd, name));
      queue = [...target.split('/').filter((c) => c !== '' && c !== '.'), ...queue];
      if (target.startsWith('/')) {
        fs.closeSync(fd);
        fd = openDir(top, undefined, LOOKUP_FLAGS);
        where = top;
      }
      continue;
    }
    if (!st.isDirectory()) return fail(`${here} is not a directory`);
    const why = unsafe(st, here);
    if (why) return fail(why);
    let next: number;
    try {
      next = openDir(under(fd, name), st, LOOKUP_FLAGS);
    } catch (err) {
      return fail(`${here} cannot be opened (${(err as NodeJS.ErrnoException).code})`);
    }
    fs.closeSync(fd);
    fd = next;
    where = here;
  }
  return { ok: true, fd };
}
