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
    copyData(src, dst);
  } else {
    return; // sockets, fifos and devices do not belong in a template home
  }
  // Mode and times while root still owns the copy: afterwards they need CAP_FOWNER, which a pod
  // that adds only SETUID, SETGID and CHOWN does not have.
  if (!st.isSymbolicLink()) {
    fs.chmodSync(dst, st.mode & 0o7777);
    fs.utimesSync(dst, st.atime, st.mtime);
  }
  // (chown then clears set-user-ID and set-group-ID bits of files, which have no business in a home;
  // a directory's setgid bit stays.)
  fs.lchownSync(dst, st.uid, st.gid);
}

/**
 * The bytes of one file into a new one, owned by root until copyTree gives it away. Not
 * fs.copyFileSync: Node 26's copies the owner first and then fails to chmod without CAP_FOWNER.
 */
function copyData(src: string, dst: string): void {
  const from = fs.openSync(src, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const to = fs.openSync(dst, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
    try {
      const buf = Buffer.allocUnsafe(64 * 1024);
      for (let n = fs.readSync(from, buf); n > 0; n = fs.readSync(from, buf)) {
        for (let off = 0; off < n; ) off += fs.writeSync(to, buf, off, n - off);
      }
    } finally {
      fs.closeSync(to);
    }
  } finally {
    fs.closeSync(from);
  }
}
