// Copies a directory tree keeping modes, owners, times and symbolic links as they are (cp -a), for a
// template home that cannot be renamed: overlayfs without redirect_dir refuses to rename a directory
// of a lower image layer (EXDEV), which is the usual case in Docker and Podman.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** Counts entries under `top`, giving up (undefined) past `limit`. */
export function countEntries(top: string, limit: number): number | undefined {
  let n = 0;
  const stack = [top];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (++n > limit) return undefined;
      if (e.isDirectory()) stack.push(path.join(dir, e.name));
    }
  }
  return n;
}

/** cp -a from `src` to `dst` (which must not exist); never follows symbolic links. */
export function copyTree(src: string, dst: string): void {
  const st = fs.lstatSync(src);
  if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(src), dst);
  } else if (st.isDirectory()) {
    fs.mkdirSync(dst, { mode: 0o700 });
    for (const name of fs.readdirSync(src)) copyTree(path.join(src, name), path.join(dst, name));
  } else if (st.isFile()) {
    fs.copyFileSync(src, dst, fs.constants.COPYFILE_EXCL);
  } else {
    return; // sockets, fifos and devices do not belong in a template home
  }
  fs.lchownSync(dst, st.uid, st.gid);
  if (!st.isSymbolicLink()) {
    fs.chmodSync(dst, st.mode & 0o7777);
    fs.utimesSync(dst, st.atime, st.mtime);
  }
}
