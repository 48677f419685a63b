// Copies a directory tree keeping modes, owners, times and symbolic links as they are (cp -a), for a
// template home that cannot be renamed: overlayfs without redirect_dir refuses to rename a directory
// of a lower image layer (EXDEV), which is the usual case in Docker and Podman.
//
// The source is the template home, which its user can change, so everything goes through directory
// fds (no-follow.ts): entries are counted and copied through the same descriptors, files are opened
// with O_NOFOLLOW and checked by inode, and a name swapped for a link to /etc between lstat and copy
// is skipped rather than followed. A budget bounds what one copy may take (entries, and bytes it reads
// and writes); holes stay holes, so a 512 MiB sparse file costs nothing.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { anchor, openDir, under } from './no-follow.ts';

export interface CopyLimits {
  readonly entries: number;
  readonly bytes: number;
}

/** Thrown when a tree is larger than its limits; the partial copy is the caller's to remove. */
export class TooLarge extends Error {
  readonly what: string;
  constructor(what: string) {
    super(`more than ${what}`);
    this.name = 'TooLarge';
    this.what = what;
  }
}

export interface CopyResult {
  entries: number;
  bytes: number;
}

// O_NONBLOCK: a name swapped for a FIFO must not make open() wait forever.
const FILE_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
const CHUNK = 64 * 1024;
/** Files this small may keep their data inside the inode (ext4 inline_data, btrfs) with no blocks. */
const INLINE_MAX = CHUNK;

/** The bytes a copy of this file reads (and at most writes): none for a file that is all hole. */
export function dataBytes(st: Pick<fs.Stats, 'size' | 'blocks'>): number {
  return st.size > INLINE_MAX && st.blocks === 0 ? 0 : st.size;
}

/**
 * cp -a from `src` to `dst` (which must not exist); never follows symbolic links. The copy is made in
 * directories only root can write until each is complete (each entry gets its owner last), so nothing
 * can be planted in it while root works. Throws TooLarge past `limits`.
 */
export function copyTree(src: string, dst: string, limits: CopyLimits = { entries: Infinity, bytes: Infinity }): CopyResult {
  const a = anchor(src);
  if (!a.ok) throw new Error(a.why);
  const used: CopyResult = { entries: 0, bytes: 0 };
  try {
    copyEntry(a.at.dirFd, a.at.name, dst, limits, used);
  } finally {
    fs.closeSync(a.at.dirFd);
  }
  return used;
}

/** One more entry against the limits: copyTree and treeSize count alike, so the plan's estimate holds. */
function countEntry(used: CopyResult, limits: CopyLimits): void {
  if (++used.entries > limits.entries) throw new TooLarge(`${limits.entries} entries`);
}

/** A file's data bytes against the limits. */
function countBytes(used: CopyResult, limits: CopyLimits, st: fs.Stats): void {
  used.bytes += dataBytes(st);
  if (used.bytes > limits.bytes) throw new TooLarge(`${limits.bytes} bytes`);
}

function copyEntry(dirFd: number, name: string, dst: string, limits: CopyLimits, used: CopyResult): void {
  const p = under(dirFd, name);
  const st = fs.lstatSync(p);
  if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(p), dst);
  } else if (st.isDirectory()) {
    const fd = openDir(p, st);
    try {
      fs.mkdirSync(dst, { mode: 0o700 });
      for (const n of fs.readdirSync(under(fd, '.'))) {
        countEntry(used, limits);
        copyEntry(fd, n, path.join(dst, n), limits, used);
      }
    } finally {
      fs.closeSync(fd);
    }
  } else if (st.isFile()) {
    const fd = fs.openSync(p, FILE_FLAGS);
    try {
      const now = fs.fstatSync(fd);
      if (!now.isFile() || now.ino !== st.ino || now.dev !== st.dev) return; // changed under us: skipped
      countBytes(used, limits, now);
      copyData(fd, now, dst);
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
 * Node has no lseek(SEEK_DATA), so holes are kept the way cp --sparse=auto keeps them: a file that is
 * all hole is only truncated to its size; in a sparse file, blocks of zeros are skipped, not written.
 */
function copyData(from: number, st: fs.Stats, dst: string): void {
  const to = fs.openSync(dst, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  try {
    if (dataBytes(st) === 0) {
      fs.ftruncateSync(to, st.size);
      return;
    }
    const sparse = st.blocks * 512 < st.size;
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = 0;
    for (let n = fs.readSync(from, buf, 0, CHUNK, null); n > 0; n = fs.readSync(from, buf, 0, CHUNK, null)) {
      if (!sparse || !isZero(buf, n)) {
        for (let off = 0; off < n;) off += fs.writeSync(to, buf, off, n - off, pos + off);
      }
      pos += n;
    }
    if (sparse) fs.ftruncateSync(to, pos);
  } finally {
    fs.closeSync(to);
  }
}

function isZero(buf: Buffer, n: number): boolean {
  for (let i = 0; i < n; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * How much a copy of `top` would take, counted the way copyTree counts (through directory fds,
 * following nothing), stopping past `limits`: the planner's estimate of whether to copy or link.
 */
export function treeSize(top: string, limits: CopyLimits): CopyResult & { readonly complete: boolean } {
  const a = anchor(top);
  if (!a.ok) return { entries: 0, bytes: 0, complete: false };
  const used: CopyResult = { entries: 0, bytes: 0 };
  const walk = (dirFd: number, name: string): void => {
    const p = under(dirFd, name);
    const st = fs.lstatSync(p);
    if (st.isFile()) countBytes(used, limits, st);
    if (!st.isDirectory()) return;
    const fd = openDir(p, st);
    try {
      for (const n of fs.readdirSync(under(fd, '.'))) {
        countEntry(used, limits);
        walk(fd, n);
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  try {
    walk(a.at.dirFd, a.at.name);
    return { ...used, complete: true };
  } catch (err) {
    if (err instanceof TooLarge) return { ...used, complete: false };
    throw err;
  } finally {
    fs.closeSync(a.at.dirFd);
  }
}
