// Writes whole files so that no crash, kill or full disk leaves one half-written: a temp file in the
// same directory, fsync, rename over the target, fsync the directory. Several files are written as
// one step (stageWrite each, then commitWrite each): every temp file is complete, synced and
// validated before the first rename, so a full disk or a refused validation leaves all of them as
// they were. When a target cannot be replaced (a bind-mounted /etc/passwd gives EBUSY on rename; a
// read-only /etc refuses the temp file) but the file itself is writable, it is rewritten in place
// instead, which is the best that can be done.
//
// The directory is opened once and everything happens through that descriptor. With `guard` (root
// writing a system file), every directory on the way is checked where it is opened (no-follow.ts
// openSafeDir), so a directory handed to the person earlier cannot be written through.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { O_PATH, openSafeDir, under } from './no-follow.ts';

export interface WriteOptions {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Checker command run on the temp file (path appended); non-zero exit aborts the write. */
  readonly validate?: readonly string[];
  /** Root writing a system file: the person's gids, for the check of every directory on the way. */
  readonly guard?: readonly number[];
  /** The root prefix (tests): the check starts below it. */
  readonly top?: string;
}

export type WriteResult = 'replaced' | 'in-place';

/** A write prepared by stageWrite: `tmp` holds the complete new file, or undefined when only an in-place rewrite is possible. */
export interface Staged {
  readonly target: string;
  /** O_PATH fd of the target's directory; closed by commitWrite or discardWrite. */
  readonly dirFd: number;
  readonly tmp: string | undefined;
  readonly content: string;
  readonly opts: WriteOptions;
}

/** The temp file name used for `target`; a leftover one is stale and safe to remove. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), tempName(target));
}

const tempName = (target: string): string => `.${path.basename(target)}.nbstart-tmp`;

const FALLBACK_CODES = new Set(['EBUSY', 'EXDEV', 'EROFS', 'EACCES', 'EPERM']);
const fallsBack = (err: unknown): boolean => FALLBACK_CODES.has((err as NodeJS.ErrnoException).code ?? '');

/** Writes `content` to `target` atomically (or in place when only that is possible). */
export function writeFileAtomic(target: string, content: string, opts: WriteOptions): WriteResult {
  return commitWrite(stageWrite(target, content, opts));
}

/** The target's directory, opened (and checked, with a guard) once. */
function openTargetDir(target: string, opts: WriteOptions): number {
  const dir = path.dirname(target);
  if (!opts.guard) return fs.openSync(dir, O_PATH | fs.constants.O_DIRECTORY);
  const r = openSafeDir(dir, opts.guard, process.geteuid?.() ?? 0, opts.top || '/');
  if (!r.ok) throw new Error(`root will not write ${target}: ${r.why}`);
  return r.fd;
}

/**
 * First half of a write: the complete temp file, synced, owned and validated; the target is untouched.
 * On failure nothing is left behind. Follow with commitWrite, or discardWrite to give up.
 */
export function stageWrite(target: string, content: string, opts: WriteOptions): Staged {
  const dirFd = openTargetDir(target, opts);
  const tmp = under(dirFd, tempName(target));
  let fd: number | undefined;
  try {
    fs.rmSync(tmp, { force: true });
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    if (!fallsBack(err)) {
      fs.closeSync(dirFd);
      throw err;
    }
    return { target, dirFd, tmp: undefined, content, opts };
  }
  try {
    writeAll(fd, content);
    if (process.geteuid?.() === 0) giveTo(fd, opts.uid, opts.gid);
    fs.fchmodSync(fd, opts.mode);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    // The checker is another process: it gets the path, which is as safe as the fd once checked.
    if (opts.validate) runValidator(opts.validate, tempPathFor(target));
    return { target, dirFd, tmp, content, opts };
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    fs.closeSync(dirFd);
    throw err;
  }
}

/** Second half: the rename (atomic), or the in-place rewrite when the target cannot be replaced. */
export function commitWrite(s: Staged): WriteResult {
  try {
    const into = under(s.dirFd, path.basename(s.target));
    if (s.tmp === undefined) return writeInPlace(into, s.content, s.opts);
    try {
      fs.renameSync(s.tmp, into);
    } catch (err) {
      fs.rmSync(s.tmp, { force: true });
      if (!fallsBack(err)) throw err;
      return writeInPlace(into, s.content, s.opts);
    }
    fsyncDir(under(s.dirFd, '.'));
    return 'replaced';
  } finally {
    fs.closeSync(s.dirFd);
  }
}

/** Removes a staged temp file that will not be committed. */
export function discardWrite(s: Staged): void {
  if (s.tmp !== undefined) fs.rmSync(s.tmp, { force: true });
  fs.closeSync(s.dirFd);
}

function writeAll(fd: number, content: string): void {
  const buf = Buffer.from(content, 'utf8');
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/**
 * Gives the temp file the target's owner. Without CAP_CHOWN (a pod that drops every capability but
 * SETUID and SETGID) root may still hand its own file to a group it is a member of (chown(2)), so
 * for /etc/shadow (root:shadow) it joins that group with setgroups for the moment it takes.
 */
function giveTo(fd: number, uid: number, gid: number): void {
  const st = fs.fstatSync(fd);
  if (st.uid === uid && st.gid === gid) return;
  try {
    fs.fchownSync(fd, uid, gid);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM' || st.uid !== uid || !process.setgroups || !process.getgroups) {
      throw new Error(`cannot give the new file to ${uid}:${gid} (without CAP_CHOWN only its group can change): ${(err as Error).message}`, { cause: err });
    }
  }
  const groups = process.getgroups();
  try {
    process.setgroups([...groups, gid]);
  } catch (err) {
    throw new Error(`cannot give the new file to group ${gid}: neither CAP_CHOWN nor CAP_SETGID is available`, { cause: err });
  }
  try {
    fs.fchownSync(fd, uid, gid);
  } finally {
    process.setgroups(groups);
  }
}

function runValidator(cmd: readonly string[], file: string): void {
  try {
    execFileSync(cmd[0]!, [...cmd.slice(1), file], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer; stdout?: Buffer };
    if (e.code === 'ENOENT') return; // checker not installed: the content is generated from validated values
    const out = `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`.trim().replace(/\s*\n\s*/g, ' | ');
    throw new Error(`${cmd[0]} rejected the new file: ${out}`, { cause: err });
  }
}

/** Rewrites an existing file through its own inode (bind mounts); never creates or follows links. */
function writeInPlace(target: string, content: string, opts: WriteOptions): WriteResult {
  const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW);
  try {
    const buf = Buffer.from(content, 'utf8');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off, off);
    fs.ftruncateSync(fd, buf.length);
    try {
      fs.fchmodSync(fd, opts.mode);
    } catch {
      // a ConfigMap-style mount may refuse chmod; the content is what matters
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return 'in-place';
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // some filesystems refuse fsync on directories; the rename itself is still atomic
  }
}
