// Op `remove`: deletes one file or link (never a directory tree, never following a link).

import * as fs from 'node:fs';
import { realPath, type ApplyContext } from './context.ts';

export interface RemoveOp {
  readonly kind: 'remove';
  readonly path: string;
  readonly why: string;
}

export function describeRemove(op: RemoveOp): string {
  return `remove ${op.path}`;
}

/** rm -f of a file or link; unlink does not follow a final link. */
export function applyRemove(op: RemoveOp, ctx: ApplyContext): void {
  fs.rmSync(realPath(ctx, op.path), { force: true });
  ctx.log.info({ path: op.path, why: op.why }, `removed ${op.path}`);
}
