// Op `write-files`: whole files written as one step, all or none (src/system/atomic-write.ts): every
// temp file is complete, synced and validated before the first rename, so a full disk or a refused
// validation leaves every target as it was. One op is one step: /etc/passwd, /etc/group,
// /etc/shadow and /etc/gshadow of the accounts hook are one op.

import { commitWrite, discardWrite, stageWrite, type Staged } from '../system/atomic-write.ts';
import { realPath, type ApplyContext } from './context.ts';

export interface FileWrite {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Lines added/removed, for plan output (content itself may be secret or huge). */
  readonly summary: string;
  /** A checker run on the temp file before it replaces the target (absolute program path first, file appended), e.g. visudo. */
  readonly validate?: readonly string[];
  /** Root writing a system file: the person's gids. Every directory on the way is checked where the file is written. */
  readonly guard?: readonly number[];
}

export interface WriteFilesOp {
  readonly kind: 'write-files';
  readonly files: readonly FileWrite[];
  readonly why: string;
}

export function describeWriteFiles(op: WriteFilesOp): string {
  const one = (f: FileWrite): string => `${f.path} (${f.summary}; mode ${f.mode.toString(8)}, owner ${f.uid}:${f.gid})`;
  return op.files.length === 1 ? `write ${one(op.files[0]!)}` : `write as one step: ${op.files.map(one).join(', ')}`;
}

/** Stages every file, then renames each into place; a failure before the first rename changes nothing. */
export function applyWriteFiles(op: WriteFilesOp, ctx: ApplyContext): void {
  const staged: Staged[] = [];
  for (const f of op.files) {
    try {
      staged.push(stageWrite(realPath(ctx, f.path), f.content, { ...f, top: ctx.root }));
    } catch (err) {
      staged.forEach(discardWrite);
      const what = op.files.length > 1 ? `nothing written: ${op.files.map((o) => o.path).join(', ')} are as they were` : 'the file is as it was';
      throw new Error(`write ${f.path}: ${(err as Error).message} (${what})`, { cause: err });
    }
  }
  op.files.forEach((f, i) => {
    let how: string;
    try {
      how = commitWrite(staged[i]!);
    } catch (err) {
      staged.slice(i + 1).forEach(discardWrite);
      throw new Error(`write ${f.path}: ${(err as Error).message}`, { cause: err });
    }
    ctx.log.info({ path: f.path, how, why: op.why }, `wrote ${f.path} (${f.summary})`);
    if (how === 'in-place') ctx.log.warn({ path: f.path }, `${f.path} could not be replaced atomically (bind mount or read-only /etc); rewrote it in place`);
  });
}
