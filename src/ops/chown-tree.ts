// Op `chown-tree`: gives a tree to a user, touching only entries whose owner or group differ and
// never following a link (src/system/chown-tree.ts walks through directory fds).

import { chownTree } from '../system/chown-tree.ts';
import { realPath, type ApplyContext } from './context.ts';

export interface ChownTreeOp {
  readonly kind: 'chown-tree';
  readonly path: string;
  readonly uid: number;
  readonly gid: number;
  readonly recursive: boolean;
  /** When set, only entries owned by these ids change (the uid `only.uid` becomes `uid`, the gid `only.gid` becomes `gid`). */
  readonly only?: { readonly uid: number; readonly gid: number };
  readonly why: string;
}

export function describeChownTree(op: ChownTreeOp): string {
  return `chown ${op.recursive ? '-R ' : ''}${op.uid}:${op.gid} ${op.path}${op.only ? ` (entries owned by ${op.only.uid}:${op.only.gid})` : ''}`;
}

export function applyChownTree(op: ChownTreeOp, ctx: ApplyContext): void {
  const { log } = ctx;
  const started = Date.now();
  const r = chownTree(realPath(ctx, op.path), op, (p) => log.info({ path: op.path, visited: p.visited, changed: p.changed }, `chown walk in progress (${p.visited} entries)`));
  if (r.refused !== undefined) {
    log.warn({ path: op.path, why: op.why }, `${op.path}: ownership not changed: ${r.refused}`);
    return;
  }
  for (const f of r.hardLinks) log.warn({ path: f }, `${f}: not given to ${op.uid}:${op.gid}: it has more than one link (a hard link to a file elsewhere keeps its owner)`);
  if (r.hardLinkCount > r.hardLinks.length) log.warn({ path: op.path }, `${op.path}: ${r.hardLinkCount - r.hardLinks.length} more files with more than one link were left as they are`);
  const { hardLinks: _named, ...counts } = r;
  log.info({ path: op.path, ...counts, ms: Date.now() - started, why: op.why }, `${op.path}: ${r.changed} of ${r.visited} entries given to ${op.uid}:${op.gid}`);
}
