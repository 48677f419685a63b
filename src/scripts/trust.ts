// What root may run: a program, script or directory that only root can change. Every directory
// from / down, and the file itself, must belong to root and be writable by neither its group nor
// others (sudo's secure_path and OpenSSH's StrictModes idea); a symbolic link on the way counts only
// when it is root's, in a directory that is root's alone (merged-/usr's /bin -> usr/bin).

import * as path from 'node:path';
import type { ReadFs } from '../system/read-fs.ts';

const MAX_LINKS = 40;

/** Why `p` (absolute) is not root's alone, or undefined when it is. `owner` stands in for root in tests. */
export function notRootsAlone(fs: ReadFs, p: string, owner = 0): string | undefined {
  if (!p.startsWith('/')) return `${p} is not an absolute path`;
  let queue = p.split('/').filter((c) => c !== '' && c !== '.');
  let dir = '/';
  let links = 0;
  const check = (where: string): string | undefined => {
    const st = fs.lstat(where);
    if (st.kind === 'missing') return `${where} does not exist`;
    if (st.kind === 'denied') return `${where} cannot be looked at`;
    if (st.uid !== owner && st.uid !== 0) return `${where} belongs to uid ${st.uid}, not root`;
    if (st.kind !== 'link' && (st.mode & 0o022) !== 0) {
      return `${where} is writable by ${(st.mode & 0o002) !== 0 ? 'others' : `group ${st.gid}`} (mode ${st.mode.toString(8)})`;
    }
    return undefined;
  };
  const top = check('/');
  if (top) return top;
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name === '..') {
      dir = path.posix.dirname(dir);
      continue;
    }
    const here = path.posix.join(dir, name);
    const why = check(here);
    if (why) return why;
    if (fs.lstat(here).kind === 'link') {
      if (++links > MAX_LINKS) return `${p} has more than ${MAX_LINKS} symbolic links on the way`;
      const target = fs.readlink(here) ?? '';
      queue = [...target.split('/').filter((c) => c !== '' && c !== '.'), ...queue];
      if (target.startsWith('/')) dir = '/';
      continue;
    }
    dir = here;
  }
  return undefined;
}

/** The first `name` on `dirs` that is an executable file root alone can change, by absolute path. */
export function findRootProgram(fs: ReadFs, name: string, dirs: readonly string[], owner = 0): string | undefined {
  for (const d of dirs) {
    const p = `${d.replace(/\/+$/, '')}/${name}`;
    const st = fs.stat(p);
    if (st.kind === 'file' && (st.mode & 0o111) !== 0 && notRootsAlone(fs, p, owner) === undefined) return p;
  }
  return undefined;
}
