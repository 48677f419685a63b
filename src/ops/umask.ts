// Op `umask` (NB_UMASK): this process's umask, inherited by the scripts it starts and the command.

import type { ApplyContext } from './context.ts';

export interface UmaskOp {
  readonly kind: 'umask';
  readonly mask: number;
  readonly why: string;
}

export function describeUmask(op: UmaskOp): string {
  return `umask ${op.mask.toString(8).padStart(3, '0')}`;
}

export function applyUmask(op: UmaskOp, ctx: ApplyContext): void {
  process.umask(op.mask);
  ctx.log.debug({ umask: op.mask.toString(8), why: op.why }, 'umask set');
}
