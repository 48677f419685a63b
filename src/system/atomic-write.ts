// Writes a whole file so that no crash, kill or full disk leaves it half-written: a temp file in the
// same directory, fsync, rename over the target, fsync the directory. When the target cannot be
// replaced (a bind-mounted /etc/passwd gives EBUSY on rename; a read-only /etc refuses the temp file)
// but the file itself is writable, it is rewritten in place instead, which is the best that can be done.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

export interface WriteOptions {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Checker command run on the temp file (path appended); non-zero exit aborts the write. */
  readonly validate?: readonly string[];
}

export type WriteResult = 'replaced' | 'in-place';

/** The temp file name used for `target`; a leftover one is stale and safe to remove. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.nbstart-tmp`);
}

const FALLBACK_CODES = new Set(['EBUSY', 'EXDEV', 'EROFS', 'EACCES', 'EPERM']);

/** Writes `content` to `target` atomically (or in place when only that is possible). */
export function writeFileAtomic(target: string, content: string, opts: WriteOptions): WriteResult {
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fs.rmSync(tmp, { force: true });
    fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    if (!FALLBACK_CODES.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    return writeInPlace(target, content, opts);
  }
  try {
    writeAll(fd, content);
    if (process.geteuid?.() === 0) fs.fchownSync(fd, opts.uid, opts.gid);
    fs.fchmodSync(fd, opts.mode);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    if (opts.validate) runValidator(opts.validate, tmp);
    try {
      fs.renameSync(tmp, target);
    } catch (err) {
      if (!FALLBACK_CODES.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      fs.rmSync(tmp, { force: true });
      return writeInPlace(target, content, opts);
    }
    fsyncDir(path.dirname(target));
    return 'replaced';
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

function writeAll(fd: number, content: string): void {
  const buf = Buffer.from(content, 'utf8');
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
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
