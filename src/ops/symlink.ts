// Op `symlink`: points a path at a target, replacing a link that points elsewhere atomically; a real
// file or directory in its place is left alone, except an empty directory when the plan says so
// (docker-stacks images ship an empty ~/work that [home] links replaces).

import * as fs from 'node:fs';
import { tempPathFor } from '../system/atomic-write.ts';
import { realPath, type ApplyContext } from './context.ts';

export interface SymlinkOp {
  readonly kind: 'symlink';
  readonly path: string;
  readonly target: string;
  /** An empty directory at `path` is removed first. */
  readonly replaceEmptyDir?: boolean;
  readonly why: string;
}

export function describeSymlink(op: SymlinkOp): string {
  return `link ${op.path} -> ${op.target}${op.replaceEmptyDir ? ' (in place of the empty directory)' : ''}`;
}

export function applySymlink(op: SymlinkOp, ctx: ApplyContext): void {
  const p = realPath(ctx, op.path);
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(p);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory() && op.replaceEmptyDir) {
    fs.rmdirSync(p); // ENOTEMPTY when something arrived since the plan: then it stays
    st = undefined;
  }
  if (st && !st.isSymbolicLink()) throw new Error(`${op.path} is a real ${st.isDirectory() ? 'directory' : 'file'}; left alone`);
  if (st && fs.readlinkSync(p) === op.target) return;
  const tmp = tempPathFor(p);
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(op.target, tmp);
  fs.renameSync(tmp, p);
  ctx.log.info({ path: op.path, target: op.target, why: op.why }, `linked ${op.path} -> ${op.target}`);
}
