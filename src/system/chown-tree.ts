// Gives a tree to a user the cheap way: lstat every entry and lchown only those whose owner or group
// differ. `chown -R` rewrites every inode, which on overlayfs copies every file up from the image.
// Symbolic links are never followed (lchown, and no descent), the walk stays on one filesystem, and
// it goes through directory fds (no-follow.ts), so a user who swaps a directory for a link to /etc
// while root walks their home makes root skip it, not chown /etc. A regular file with more than one
// link is not given away either (unless it already belongs to the old uid of a refit): it may be a hard
// link the person made to a root-owned file elsewhere on the filesystem, such as a group-writable file
// in /etc, and an inode has one owner.

import * as fs from 'node:fs';
import { anchor, openDir, under, type Anchored } from './no-follow.ts';

export interface ChownSpec {
  readonly uid: number;
  readonly gid: number;
  readonly recursive: boolean;
  /** When set, only the uid `only.uid` becomes `uid` and the gid `only.gid` becomes `gid`. */
  readonly only?: { readonly uid: number; readonly gid: number };
}

export interface ChownResult {
  visited: number;
  changed: number;
  /** Entries that could not be read or changed (EACCES on a root-squashed mount, vanished files). */
  skipped: number;
  /** Why the top itself was not walked (a symbolic link on the way root does not follow), if so. */
  refused?: string;
  /** Files with more than one link that were left as they are: the first few paths, and how many. */
  hardLinks: string[];
  hardLinkCount: number;
}

/** How many hard-linked paths a result names (the rest are counted). */
export const HARD_LINKS_NAMED = 10;

/** The owner an entry should have under `spec`, or undefined when it already has it. */
export function wantedOwner(st: { readonly uid: number; readonly gid: number }, spec: ChownSpec): { uid: number; gid: number } | undefined {
  const uid = spec.only ? (st.uid === spec.only.uid ? spec.uid : st.uid) : spec.uid;
  const gid = spec.only ? (st.gid === spec.only.gid ? spec.gid : st.gid) : spec.gid;
  return uid !== st.uid || gid !== st.gid ? { uid, gid } : undefined;
}

export const PROGRESS_EVERY = 10_000;

/** Walks `top` (an absolute path) and fixes ownership; `progress` is called every 10,000 entries. */
export function chownTree(top: string, spec: ChownSpec, progress?: (r: ChownResult) => void): ChownResult {
  const result: ChownResult = { visited: 0, changed: 0, skipped: 0, hardLinks: [], hardLinkCount: 0 };
  let a;
  try {
    a = anchor(top);
  } catch (err) {
    return { ...result, skipped: 1, refused: `${top} cannot be opened (${(err as NodeJS.ErrnoException).code})` };
  }
  if (!a.ok) return { ...result, skipped: 1, refused: a.why };
  try {
    walk(a.at, spec, result, progress);
  } finally {
    fs.closeSync(a.at.dirFd);
  }
  return result;
}

/** One entry (`shown` is its path, for messages): fix its owner; returns its stats when it is a directory to descend into. */
function visit(dirFd: number, name: string, shown: string, spec: ChownSpec, r: ChownResult, progress?: (r: ChownResult) => void): fs.Stats | undefined {
  const p = under(dirFd, name);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    r.skipped++;
    return undefined;
  }
  r.visited++;
  if (progress && r.visited % PROGRESS_EVERY === 0) progress(r);
  let want = wantedOwner(st, spec);
  if (want && st.isFile() && st.nlink > 1 && !(spec.only && st.uid === spec.only.uid)) {
    if (r.hardLinks.length < HARD_LINKS_NAMED) r.hardLinks.push(shown);
    r.hardLinkCount++;
    want = undefined;
  }
  if (want) {
    try {
      fs.lchownSync(p, want.uid, want.gid);
      r.changed++;
    } catch {
      r.skipped++;
    }
  }
  return spec.recursive && st.isDirectory() ? st : undefined;
}

/** Depth first with an explicit stack of open directories (one fd per level). */
function walk(top: Anchored, spec: ChownSpec, r: ChownResult, progress?: (r: ChownResult) => void): void {
  const topSt = visit(top.dirFd, top.name, top.resolved, spec, r, progress);
  if (!topSt) return;
  const dev = topSt.dev;
  const stack: { fd: number; names: string[]; path: string }[] = [];
  const enter = (dirFd: number, name: string, st: fs.Stats, shown: string): void => {
    let fd: number;
    try {
      fd = openDir(under(dirFd, name), st);
    } catch {
      r.skipped++; // swapped for a link or another directory since lstat, or unreadable
      return;
    }
    try {
      stack.push({ fd, names: fs.readdirSync(under(fd, '.')), path: shown });
    } catch {
      fs.closeSync(fd);
      r.skipped++;
    }
  };
  enter(top.dirFd, top.name, topSt, top.resolved);
  while (stack.length > 0) {
    const dir = stack.at(-1)!;
    const name = dir.names.pop();
    if (name === undefined) {
      fs.closeSync(dir.fd);
      stack.pop();
      continue;
    }
    const shown = `${dir.path}/${name}`;
    const st = visit(dir.fd, name, shown, spec, r, progress);
    if (st && st.dev === dev) enter(dir.fd, name, st, shown);
  }
}
