// Operations: the only things the executor does. Paths are as seen inside the image; the
// executor maps them through the root prefix.

export type Op =
  | {
      readonly kind: 'write-file';
      readonly path: string;
      readonly content: string;
      readonly mode: number;
      readonly uid: number;
      readonly gid: number;
      /** Lines added/removed, for plan output (content itself may be secret or huge). */
      readonly summary: string;
      /** A checker run on the temp file before it replaces the target (path appended), e.g. visudo. */
      readonly validate?: readonly string[];
      readonly why: string;
    }
  | { readonly kind: 'remove'; readonly path: string; readonly why: string }
  | {
      readonly kind: 'mkdir';
      readonly path: string;
      readonly mode: number;
      readonly uid: number;
      readonly gid: number;
      readonly why: string;
    }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string; readonly why: string }
  | {
      /** rename(from, to) and leave `from` as a link to `to`; else copy the tree (cp -a); else link `to` → `from`. */
      readonly kind: 'move-dir';
      readonly from: string;
      readonly to: string;
      /** false: never copy (a copy keeps the owners only with CAP_CHOWN); link instead. */
      readonly copy?: boolean;
      readonly why: string;
    }
  | {
      /** Walk and lchown entries whose owner differs; `only` limits it to entries owned by those ids. */
      readonly kind: 'chown-tree';
      readonly path: string;
      readonly uid: number;
      readonly gid: number;
      readonly recursive: boolean;
      readonly only?: { readonly uid: number; readonly gid: number };
      readonly why: string;
    }
  | { readonly kind: 'set-env'; readonly name: string; readonly value: string; readonly why: string }
  | { readonly kind: 'unset-env'; readonly name: string; readonly why: string }
  | { readonly kind: 'chdir'; readonly path: string; readonly why: string }
  | { readonly kind: 'umask'; readonly mask: number; readonly why: string }
  | {
      /** An image author's script: `source` runs it in bash and keeps the environment it leaves. */
      readonly kind: 'run-hook';
      readonly path: string;
      readonly mode: 'source' | 'exec';
      /** Who runs it, for plan output: the starting user, root, or the person. */
      readonly as: string;
      /** Working directory; the current one when absent. */
      readonly cwd?: string;
      readonly why: string;
    };

export interface Plan {
  readonly ops: readonly Op[];
  /** Things worth saying that are not operations (warnings, decisions). */
  readonly notes: readonly Note[];
}

export interface Note {
  readonly level: 'info' | 'warn';
  readonly msg: string;
}

export const EMPTY_PLAN: Plan = { ops: [], notes: [] };

/** A one-line human description of an op, for `plan` and logs. */
export function describeOp(op: Op): string {
  switch (op.kind) {
    case 'write-file':
      return `write ${op.path} (${op.summary}; mode ${op.mode.toString(8)}, owner ${op.uid}:${op.gid})`;
    case 'remove':
      return `remove ${op.path}`;
    case 'mkdir':
      return `mkdir ${op.path} (mode ${op.mode.toString(8)}, owner ${op.uid}:${op.gid})`;
    case 'symlink':
      return `link ${op.path} -> ${op.target}`;
    case 'move-dir':
      return `move ${op.from} to ${op.to} (or ${op.copy === false ? 'link' : 'copy'} it where it cannot be renamed)`;
    case 'chown-tree':
      return `chown ${op.recursive ? '-R ' : ''}${op.uid}:${op.gid} ${op.path}${op.only ? ` (entries owned by ${op.only.uid}:${op.only.gid})` : ''}`;
    case 'set-env':
      return `set ${op.name}=${op.value}`;
    case 'unset-env':
      return `unset ${op.name}`;
    case 'chdir':
      return `cd ${op.path}`;
    case 'umask':
      return `umask ${op.mask.toString(8).padStart(3, '0')}`;
    case 'run-hook':
      return `${op.mode === 'source' ? 'source (bash)' : 'run'} ${op.path} as ${op.as}`;
  }
}
