// The one executor: applies operations in order, each by its kind's executor in src/ops/. It only
// dispatches; everything nbstart changes goes through here.

import { applyChdir } from '../ops/chdir.ts';
import { applyChownTree } from '../ops/chown-tree.ts';
import type { ApplyContext } from '../ops/context.ts';
import { applyMkdir } from '../ops/mkdir.ts';
import { applyMoveDir } from '../ops/move-dir.ts';
import { applyRemove } from '../ops/remove.ts';
import { applyRunScripts, ScriptsStopped } from '../ops/run-scripts.ts';
import { applySetEnv } from '../ops/set-env.ts';
import { applySymlink } from '../ops/symlink.ts';
import { applyUmask } from '../ops/umask.ts';
import { applyUnsetEnv } from '../ops/unset-env.ts';
import { applyWriteFiles } from '../ops/write-files.ts';
import { describeOp, type Op } from './ops.ts';

export type { ApplyContext, ExecState } from '../ops/context.ts';

/** Raised when an operation fails; names the op so the log says exactly what was not done. */
export class ApplyError extends Error {
  constructor(op: Op, cause: unknown) {
    // write-files names the one file that failed itself: the op may list four.
    super(op.kind === 'write-files' ? (cause as Error).message : `${describeOp(op)}: ${(cause as Error).message}`, { cause });
    this.name = 'ApplyError';
  }
}

/** Applies ops in order; stops at the first failure (earlier ops stay applied; each is atomic). */
export async function apply(ops: readonly Op[], ctx: ApplyContext): Promise<void> {
  for (const op of ops) {
    try {
      await applyOne(op, ctx);
    } catch (err) {
      if (err instanceof ScriptsStopped) throw err;
      throw new ApplyError(op, err);
    }
  }
}

async function applyOne(op: Op, ctx: ApplyContext): Promise<void> {
  switch (op.kind) {
    case 'write-files': return applyWriteFiles(op, ctx);
    case 'remove': return applyRemove(op, ctx);
    case 'mkdir': return applyMkdir(op, ctx);
    case 'symlink': return applySymlink(op, ctx);
    case 'move-dir': return applyMoveDir(op, ctx);
    case 'chown-tree': return applyChownTree(op, ctx);
    case 'set-env': return applySetEnv(op, ctx);
    case 'unset-env': return applyUnsetEnv(op, ctx);
    case 'chdir': return applyChdir(op, ctx);
    case 'umask': return applyUmask(op, ctx);
    case 'run-scripts': return applyRunScripts(op, ctx);
  }
}
