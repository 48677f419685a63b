// Op `chdir`: the directory the command starts in (entered only just before execve, as the person).

import type { ApplyContext } from './context.ts';

export interface ChdirOp {
  readonly kind: 'chdir';
  readonly path: string;
  readonly why: string;
}

export function describeChdir(op: ChdirOp): string {
  return `cd ${op.path}`;
}

export function applyChdir(op: ChdirOp, ctx: ApplyContext): void {
  ctx.state.cwd = op.path;
  ctx.log.debug({ path: op.path, why: op.why }, `working directory ${op.path}`);
}
