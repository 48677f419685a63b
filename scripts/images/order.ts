// Which image folders build on which, and the order to build them in.

import { repositoryOf } from './dockerfile.ts';

/**
 * The folder an image reference names, if any: the reference's last path component equals the
 * folder name, `nbstart-<folder>`, or `<last component of prefix><folder>`.
 */
export function folderForImage(ref: string, folders: readonly string[], prefix: string): string | undefined {
  const last = repositoryOf(ref).split('/').at(-1)!;
  const prefixLast = prefix.split('/').at(-1)!;
  return folders.find((f) => last === f || last === `nbstart-${f}` || (prefixLast !== '' && last === `${prefixLast}${f}`));
}

/** Folders in dependency order (bases first, otherwise alphabetical); throws on a cycle. */
export function buildOrder(deps: ReadonlyMap<string, readonly string[]>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (f: string, chain: string[]): void => {
    const s = state.get(f);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`image folders build on each other in a cycle: ${[...chain.slice(chain.indexOf(f)), f].join(' -> ')}`);
    state.set(f, 'visiting');
    for (const d of [...(deps.get(f) ?? [])].sort()) visit(d, [...chain, f]);
    state.set(f, 'done');
    order.push(f);
  };
  for (const f of [...deps.keys()].sort()) visit(f, []);
  return order;
}

/** `wanted` plus every folder they build on, transitively. */
export function withBases(wanted: readonly string[], deps: ReadonlyMap<string, readonly string[]>): Set<string> {
  const out = new Set<string>();
  const add = (f: string): void => {
    if (out.has(f)) return;
    out.add(f);
    for (const d of deps.get(f) ?? []) add(d);
  };
  for (const f of wanted) add(f);
  return out;
}
