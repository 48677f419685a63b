// Gives a tree to a user the cheap way: lstat every entry and lchown only those whose owner or group
// differ. `chown -R` rewrites every inode, which on overlayfs copies every file up from the image.
// Symbolic links are never followed (lchown, and no descent), and the walk stays on one filesystem.

import * as fs from 'node:fs';
import * as path from 'node:path';

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
}

/** Walks `top` (a real path) and fixes ownership; `progress` is called every 10,000 entries. */
export function chownTree(top: string, spec: ChownSpec, progress?: (r: ChownResult) => void): ChownResult {
  const result: ChownResult = { visited: 0, changed: 0, skipped: 0 };
  let start: fs.Stats;
  try {
    start = fs.lstatSync(top);
  } catch {
    result.skipped++;
    return result;
  }
  const dev = start.dev;
  const stack: string[] = [top];
  while (stack.length > 0) {
    const p = stack.pop()!;
    let st: fs.Stats;
    try {
      st = p === top ? start : fs.lstatSync(p);
    } catch {
      result.skipped++;
      continue;
    }
    result.visited++;
    if (progress && result.visited % 10000 === 0) progress(result);
    const uid = spec.only ? (st.uid === spec.only.uid ? spec.uid : st.uid) : spec.uid;
    const gid = spec.only ? (st.gid === spec.only.gid ? spec.gid : st.gid) : spec.gid;
    if (uid !== st.uid || gid !== st.gid) {
      try {
        fs.lchownSync(p, uid, gid);
        result.changed++;
      } catch {
        result.skipped++;
      }
    }
    if (!spec.recursive || !st.isDirectory() || st.dev !== dev) continue;
    let names: string[];
    try {
      names = fs.readdirSync(p);
    } catch {
      result.skipped++;
      continue;
    }
    for (const n of names) stack.push(path.join(p, n));
  }
  return result;
}
