// Copies a directory tree keeping modes, owners, times and symbolic links as they are (cp -a), for a
// template home that cannot be renamed: overlayfs without redirect_dir refuses to rename a directory
// of a lower image layer (EXDEV), which is the usual case in Docker and Podman.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { anchor, openDir, under } from './no-follow.ts';

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

/**
 * cp -a from `src` to `dst` (which must not exist); never follows symbolic links. The source is the
 * template home, which its user can change: it is read through directory fds and files are opened
 * with O_NOFOLLOW and checked by inode (no-follow.ts), so a name swapped for a link to /etc/shadow
 * between lstat and copy is skipped rather than copied into a home. The copy is made in directories
 * only root can write until each is complete (each entry gets its owner last), so nothing can be
 * planted in it while root works.
 */
export function copyTree(src: string, dst: string): void {
  const a = anchor(src);
  if (!a.ok) throw new Error(a.why);
  try {
    copyEntry(a.at.dirFd, a.at.name, dst);
  } finally {
    fs.closeSync(a.at.dirFd);
  }
}

// O_NONBLOCK: a name swapped for a FIFO must not make open() wait forever.
const FILE_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

function copyEntry(dirFd: number, name: string, dst: string): void {
  const p = under(dirFd, name);
  const st = fs.lstatSync(p);
  if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(p), dst);
  } else if (st.isDirectory()) {
    const fd = openDir(p, st);
    try {
      fs.mkdirSync(dst, { mode: 0o700 });
      for (const n of fs.readdirSync(under(fd, '.'))) copyEntry(fd, n, path.join(dst, n));
    } finally {
      fs.closeSync(fd);
    }
  } else if (st.isFile()) {
    const fd = fs.openSync(p, FILE_FLAGS);
    try {
      const now = fs.fstatSync(fd);
      if (!now.isFile() || now.ino !== st.ino || now.dev !== st.dev) return; // changed under us: skipped
      copyData(fd, dst);
    } finally {
      fs.closeSync(fd);
    }
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
 * The bytes of the open file `from` into a new file, owned by root until copyTree gives it away. Not
 * fs.copyFileSync: Node 26's copies the owner first and then fails to chmod without CAP_FOWNER.
 */
function copyData(from: number, dst: string): void {
  const to = fs.openSync(dst, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (let n = fs.readSync(from, buf); n > 0; n = fs.readSync(from, buf)) {
      for (let off = 0; off < n;) off += fs.writeSync(to, buf, off, n - off);
    }
  } finally {
    fs.closeSync(to);
  }
}
