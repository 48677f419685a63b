// Renders planned hooks for `nbstart plan`: text for people, one JSON document for tools.

import type { Identity } from '../identity/identity.ts';
import type { Planned } from '../pipeline.ts';
import { describeOp, type Op } from './ops.ts';

export interface PlanReport {
  readonly identity: Identity;
  readonly privileged: boolean;
  /** The uid nbstart runs as. */
  readonly euid: number;
  readonly planned: readonly Planned[];
  readonly command: readonly string[];
  readonly cwd: string;
  /** Where the person's name came from (`JUPYTERHUB_USER (JupyterHub's username)`, `NB_USER`, ...). */
  readonly nameFrom?: string;
}

/** Human-readable plan. */
export function planText(r: PlanReport): string {
  const id = r.identity;
  const groups = [id.primary, ...id.groups].map((g) => `${g.name}(${g.gid})${g.exists ? '' : ' new'}`).join(', ');
  const lines = [
    `nbstart plan (nothing is changed): started ${r.privileged ? 'as root' : `as uid ${r.euid}`}`,
    `person: ${id.name} uid=${id.uid} gid=${id.gid} groups: ${groups}`,
    `name from: ${r.nameFrom ?? 'the template user (no NB_USER, auth_state or JupyterHub username)'}`,
    `home: ${id.home}  shell: ${id.shell}`,
  ];
  for (const { hook, plan } of r.planned) {
    if (plan.ops.length === 0 && plan.notes.length === 0) continue;
    lines.push(`[${hook.name}] (${hook.phase} phase) ${hook.summary}`);
    for (const op of plan.ops) lines.push(`  - ${describeOp(op)}  # ${op.why}`);
    for (const n of plan.notes) lines.push(`  ${n.level === 'info' ? '· ' : '! '}${n.msg}`);
  }
  lines.push(`exec: ${r.command.join(' ')} as ${id.name} (${id.uid}:${id.gid}) in ${r.cwd}`);
  return `${lines.join('\n')}\n`;
}

/** Ops without file contents (they can be secret or megabytes). */
function opJson(op: Op): Record<string, unknown> {
  if (op.kind !== 'write-files') return { ...op };
  return { ...op, files: op.files.map(({ content, ...rest }) => ({ ...rest, bytes: Buffer.byteLength(content) })) };
}

/** One JSON document. */
export function planJson(r: PlanReport): string {
  return `${JSON.stringify({
    privileged: r.privileged,
    identity: r.identity,
    nameFrom: r.nameFrom ?? null,
    hooks: r.planned.map(({ hook, plan }) => ({ name: hook.name, phase: hook.phase, ops: plan.ops.map(opJson), notes: plan.notes })),
    exec: { command: r.command, user: r.identity.name, uid: r.identity.uid, gid: r.identity.gid, cwd: r.cwd },
  }, null, 2)}\n`;
}
