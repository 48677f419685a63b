// Op `set-env`: a variable of the environment the command (and later scripts) inherit.

import type { ApplyContext } from './context.ts';

export interface SetEnvOp {
  readonly kind: 'set-env';
  readonly name: string;
  readonly value: string;
  readonly why: string;
}

export function describeSetEnv(op: SetEnvOp): string {
  return `set ${op.name}=${op.value}`;
}

export function applySetEnv(op: SetEnvOp, ctx: ApplyContext): void {
  ctx.state.env[op.name] = op.value;
  ctx.log.debug({ name: op.name, why: op.why }, `set ${op.name}`);
}
