// Op `move-dir`: the template home becomes /home/<user>, the way the plan chose (src/hooks/home.ts):
//   rename  rename(from, to), and `from` left as a link to `to`;
//   copy    cp -a through directory fds into a temp name, renamed into place (overlayfs cannot
//           rename a directory of a lower image layer: EXDEV), `from` left as it is;
//   link    `to` a link to `from` (a volume mounted at the template home, a tree too large to copy,
//           or no CAP_CHOWN to keep the copy's owners).
// The plan decided from the mount table and the tree's size; when the kernel still refuses a rename
// (EXDEV) the op's `orElse` is done instead, and a copy that outgrows its limits (the tree changed
// since the plan) becomes a link. Both say so in the log.

import * as fs from 'node:fs';
import { tempPathFor } from '../system/atomic-write.ts';
import { copyTree, TooLarge, type CopyLimits } from '../system/copy-tree.ts';
import { realPath, type ApplyContext } from './context.ts';

export type MoveHow = 'rename' | 'copy' | 'link';

export interface MoveDirOp {
  readonly kind: 'move-dir';
  readonly from: string;
  readonly to: string;
  readonly how: MoveHow;
  /** What a rename becomes when the filesystem refuses it. */
  readonly orElse?: Exclude<MoveHow, 'rename'>;
  /** Bounds of a copy. */
  readonly limits: CopyLimits;
  readonly why: string;
}

export function describeMoveDir(op: MoveDirOp): string {
  const verb = { rename: 'move', copy: 'copy', link: 'link' }[op.how];
  const main = op.how === 'link' ? `link ${op.to} -> ${op.from}` : `${verb} ${op.from} to ${op.to}`;
  return op.orElse ? `${main} (${op.orElse} where the filesystem refuses the rename)` : main;
}

export function applyMoveDir(op: MoveDirOp, ctx: ApplyContext): void {
  const from = realPath(ctx, op.from);
  const to = realPath(ctx, op.to);
  const { log } = ctx;
  let how: MoveHow = op.how;
  if (how === 'rename') {
    try {
      fs.renameSync(from, to);
      fs.symlinkSync(op.to, from);
      log.info({ from: op.from, to: op.to, why: op.why }, `moved ${op.from} to ${op.to} (and linked the old path)`);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV' || !op.orElse) throw err;
      log.info(`${op.from} cannot be renamed on this filesystem (EXDEV): ${op.orElse === 'copy' ? 'copying' : 'linking'} instead`);
      how = op.orElse;
    }
  }
  if (how === 'copy') {
    // Under a temp name first: a start killed halfway leaves no partial home that the next start
    // would take for the real one.
    const tmp = tempPathFor(to);
    fs.rmSync(tmp, { recursive: true, force: true });
    try {
      const used = copyTree(from, tmp, op.limits);
      fs.renameSync(tmp, to);
      log.info({ from: op.from, to: op.to, ...used, why: op.why }, `copied ${op.from} to ${op.to} (${used.entries} entries, ${used.bytes} bytes)`);
      return;
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!(err instanceof TooLarge)) throw err;
      log.warn({ from: op.from, to: op.to }, `${op.from} grew to ${err.what} since the plan; linking ${op.to} to it instead of copying`);
    }
  }
  fs.symlinkSync(op.from, to);
  log.info({ from: op.from, to: op.to, why: op.why }, `linked ${op.to} -> ${op.from}`);
}
