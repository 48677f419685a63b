// Op `unset-env`: removes a variable from the environment the command (and later scripts) inherit.

import type { ApplyContext } from './context.ts';

export interface UnsetEnvOp {
  readonly kind: 'unset-env';
  readonly name: string;
  readonly why: string;
}

export function describeUnsetEnv(op: UnsetEnvOp): string {
  return `unset ${op.name}`;
}

export function applyUnsetEnv(op: UnsetEnvOp, ctx: ApplyContext): void {
  delete ctx.state.env[op.name];
  ctx.log.debug({ name: op.name, why: op.why }, `unset ${op.name}`);
}
