// Op `mkdir`: one directory with its owner and mode; an existing directory is accepted, a link or a
// file in its place never is.

import * as fs from 'node:fs';
import { notPrivate } from '../system/private-dir.ts';
import { realPath, type ApplyContext } from './context.ts';

export interface MkdirOp {
  readonly kind: 'mkdir';
  readonly path: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** A directory of the owner's alone: an existing one must be theirs and closed to others (system/private-dir.ts). */
  readonly private?: boolean;
  readonly why: string;
}

export function describeMkdir(op: MkdirOp): string {
  return `mkdir ${op.path} (mode ${op.mode.toString(8)}, owner ${op.uid}:${op.gid})`;
}

export function applyMkdir(op: MkdirOp, ctx: ApplyContext): void {
  mkdirOwned(realPath(ctx, op.path), op.mode, op.uid, op.gid, op.private === true);
  ctx.log.info({ path: op.path, why: op.why }, `created ${op.path}`);
}

/** mkdir that accepts an existing directory but never a symlink or a file in its place. */
function mkdirOwned(p: string, mode: number, uid: number, gid: number, own: boolean): void {
  const euid = process.geteuid?.() ?? 0;
  try {
    fs.mkdirSync(p, { mode });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const st = fs.lstatSync(p);
    if (!st.isDirectory()) throw new Error(`${p} exists and is not a directory`, { cause: err });
    if (euid !== 0 && st.uid !== euid) throw new Error(`${p} exists and belongs to uid ${st.uid}`, { cause: err });
    const why = own ? notPrivate({ kind: 'dir', uid: st.uid, gid: st.gid, mode: st.mode & 0o7777, dev: st.dev, size: st.size }, uid) : undefined;
    if (why) throw new Error(`${p} exists and is ${why}: not used`, { cause: err });
    return;
  }
  if (euid === 0) fs.lchownSync(p, uid, gid);
  fs.chmodSync(p, mode);
}
