// Operations: the only things the executor does. Each kind's type, description and executor live
// in src/ops/<kind>.ts; this file names them all. Paths are as seen inside the image; the executor
// maps them through the root prefix.

import { describeChdir, type ChdirOp } from '../ops/chdir.ts';
import { describeChownTree, type ChownTreeOp } from '../ops/chown-tree.ts';
import { describeMkdir, type MkdirOp } from '../ops/mkdir.ts';
import { describeMoveDir, type MoveDirOp } from '../ops/move-dir.ts';
import { describeRemove, type RemoveOp } from '../ops/remove.ts';
import { describeRunScripts, type RunScriptsOp } from '../ops/run-scripts.ts';
import { describeSetEnv, type SetEnvOp } from '../ops/set-env.ts';
import { describeSymlink, type SymlinkOp } from '../ops/symlink.ts';
import { describeUmask, type UmaskOp } from '../ops/umask.ts';
import { describeUnsetEnv, type UnsetEnvOp } from '../ops/unset-env.ts';
import { describeWriteFiles, type WriteFilesOp } from '../ops/write-files.ts';

export type { FileWrite } from '../ops/write-files.ts';

export type Op =
  | WriteFilesOp | RemoveOp | MkdirOp | SymlinkOp | MoveDirOp | ChownTreeOp
  | SetEnvOp | UnsetEnvOp | ChdirOp | UmaskOp | RunScriptsOp;

export interface Plan {
  readonly ops: readonly Op[];
  /** Things worth saying that are not operations (warnings, decisions). */
  readonly notes: readonly Note[];
  /** Said once the ops are applied (what start.sh reports after the fact: src/start-sh-lines.ts). */
  readonly done?: readonly Note[];
}

export interface Note {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
}

export const EMPTY_PLAN: Plan = { ops: [], notes: [] };

/** A one-line human description of an op, for `plan` and logs. */
export function describeOp(op: Op): string {
  switch (op.kind) {
    case 'write-files': return describeWriteFiles(op);
    case 'remove': return describeRemove(op);
    case 'mkdir': return describeMkdir(op);
    case 'symlink': return describeSymlink(op);
    case 'move-dir': return describeMoveDir(op);
    case 'chown-tree': return describeChownTree(op);
    case 'set-env': return describeSetEnv(op);
    case 'unset-env': return describeUnsetEnv(op);
    case 'chdir': return describeChdir(op);
    case 'umask': return describeUmask(op);
    case 'run-scripts': return describeRunScripts(op);
  }
}
