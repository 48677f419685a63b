// Root writes files only where the person could not have placed a link or swapped a directory: every
// directory on the way must be a real directory, owned by root (by the running uid in tests), not
// writable by others, and writable by its group only when the person is not in that group (Ubuntu's
// /var/log is root:syslog 0775). Missing directories are fine: root creates them.

import * as path from 'node:path';
import type { ReadFs } from './read-fs.ts';

/**
 * Why root must not write `target` (an image path), or undefined when every existing ancestor is safe.
 * `personGids` are the gids the person will have (primary and supplementary).
 */
export function unsafeAncestor(fs: ReadFs, target: string, personGids: readonly number[], owner = process.geteuid?.() ?? 0): string | undefined {
  const parts = path.posix.normalize(target).split('/').filter((p) => p !== '');
  let dir = '/';
  for (let i = 0; i < parts.length; i++) {
    const st = fs.lstat(dir);
    if (st.kind === 'missing') return undefined;
    if (st.kind === 'denied') return `${dir} cannot be looked at`;
    if (st.kind === 'link') return `${dir} is a symbolic link`;
    if (st.kind !== 'dir') return `${dir} is not a directory`;
    if (st.uid !== owner && st.uid !== 0) return `${dir} belongs to uid ${st.uid}, not root`;
    if ((st.mode & 0o002) !== 0) return `${dir} is writable by others (mode ${st.mode.toString(8)})`;
    if ((st.mode & 0o020) !== 0 && personGids.includes(st.gid)) return `${dir} is writable by group ${st.gid}, which the user is in (mode ${st.mode.toString(8)})`;
    dir = path.posix.join(dir, parts[i]!);
  }
  return undefined;
}

/** The ancestors of `target` (shortest first, `/` excluded, `target` included) that do not exist yet. */
export function missingDirs(fs: ReadFs, target: string): string[] {
  const parts = path.posix.normalize(target).split('/').filter((p) => p !== '');
  const out: string[] = [];
  let dir = '';
  for (const part of parts) {
    dir = `${dir}/${part}`;
    if (out.length > 0 || fs.lstat(dir).kind === 'missing') out.push(dir);
  }
  return out;
}
