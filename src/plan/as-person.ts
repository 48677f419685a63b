// `nbstart plan` as root shows the user phase as the start will do it: planned by a child nbstart
// that drops to the person (their uid, gid and groups, as the start does) and reads the filesystem
// as they will, through a projection of what the root phase will leave (the template home moved,
// copied or linked to /home/<user>, directories made, owners refitted). A root-squashed home that
// root cannot even stat is then seen as the person sees it, and an image's `work` directory as it
// will be after the move.
//
// Protocol: the parent runs its own executable with USER_PHASE_FLAG as the only argument, writes one
// JSON document (ChildInput) on the child's stdin and reads the planned hooks as JSON on its stdout.

import { spawn } from 'node:child_process';
import type { Config } from '../config/types.ts';
import { readFacts } from '../facts.ts';
import type { Hook, PlanContext } from '../hooks/hook.ts';
import { enabledHooks } from '../hooks/index.ts';
import type { Identity } from '../identity/identity.ts';
import { planHooks, type Planned } from '../pipeline.ts';
import { dropPrivileges } from '../privileges.ts';
import type { ReadFs, Stat } from '../system/read-fs.ts';
import type { Op } from './ops.ts';

/** The child's only argument; not a subcommand a person would type. */
export const USER_PHASE_FLAG = '--nbstart-internal-plan-user-phase';

/** What the root phase will have changed, as far as the user phase can see it. */
export interface Projection {
  /** /home/<user> reads from the template home (moved, copied or linked there). */
  readonly alias?: { readonly path: string; readonly from: string; readonly link: boolean };
  /** Directories the root phase makes. */
  readonly made: readonly { readonly path: string; readonly uid: number; readonly gid: number; readonly mode: number }[];
  /** Owners that follow the person under a path (a uid/gid change). */
  readonly refit?: { readonly under: string; readonly from: { uid: number; gid: number }; readonly to: { uid: number; gid: number } };
}

/** What the planned root-phase ops will leave. */
export function projectRootPhase(ops: readonly Op[]): Projection {
  const move = ops.find((o) => o.kind === 'move-dir');
  const chown = ops.find((o) => o.kind === 'chown-tree' && o.only !== undefined);
  return {
    ...(move && { alias: { path: move.to, from: move.from, link: move.how === 'link' } }),
    made: ops.flatMap((o) => (o.kind === 'mkdir' ? [{ path: o.path, uid: o.uid, gid: o.gid, mode: o.mode }] : [])),
    ...(chown?.kind === 'chown-tree' && chown.only && { refit: { under: chown.path, from: chown.only, to: { uid: chown.uid, gid: chown.gid } } }),
  };
}

const under = (p: string, dir: string): boolean => p === dir || p.startsWith(`${dir}/`);

/** `fs` as the user phase will find it once the root phase has run. */
export function projectedFs(fs: ReadFs, pr: Projection): ReadFs {
  const a = pr.alias;
  const map = (p: string): string => (a && under(p, a.path) ? a.from + p.slice(a.path.length) : p);
  const own = (st: Stat, p: string): Stat => {
    const r = pr.refit;
    if (!r || !('uid' in st) || !(under(p, r.under) || (a && under(p, a.path) && under(a.from, r.under)))) return st;
    return { ...st, uid: st.uid === r.from.uid ? r.to.uid : st.uid, gid: st.gid === r.from.gid ? r.to.gid : st.gid };
  };
  const made = (p: string): Stat | undefined => {
    const m = pr.made.find((d) => d.path === p);
    return m && { kind: 'dir', uid: m.uid, gid: m.gid, mode: m.mode, dev: 0, size: 0 };
  };
  return {
    root: fs.root,
    real: (p) => fs.real(map(p)),
    readText: (p) => fs.readText(map(p)),
    lstat(p) {
      if (a?.link && p === a.path) return { kind: 'link', uid: 0, gid: 0, mode: 0o777, dev: 0, size: a.from.length };
      const st = fs.lstat(map(p));
      return st.kind === 'missing' ? (made(p) ?? st) : own(st, p);
    },
    stat(p) {
      const st = fs.stat(map(p));
      return st.kind === 'missing' ? (made(p) ?? st) : own(st, p);
    },
    readlink: (p) => (a?.link && p === a.path ? a.from : fs.readlink(map(p))),
    readdir: (p) => fs.readdir(map(p)) ?? (made(p) ? [] : undefined),
    access: (p, mode) => fs.access(map(p), mode),
    tree: (p, limits) => fs.tree(map(p), limits),
  };
}

export interface ChildInput {
  readonly config: Omit<Config, 'origins'> & { readonly origins: readonly (readonly [string, string])[] };
  readonly identity: Identity;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly projection: Projection;
}

/** Plans `hooks` in a child that has become the person; its answer, or why there is none. */
export async function planAsPerson(input: Omit<ChildInput, 'config'> & { readonly config: Config }, selfArgs: readonly string[]): Promise<Planned[] | { error: string }> {
  const body: ChildInput = { ...input, config: { ...input.config, origins: [...input.config.origins] } };
  const child = spawn(process.execPath, [...selfArgs, USER_PHASE_FLAG], { stdio: ['pipe', 'pipe', 'pipe'], env: {} });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
  child.stdin.end(JSON.stringify(body));
  const code = await new Promise<number>((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('close', (c) => resolve(c ?? -1));
  });
  if (code !== 0) return { error: err.trim().split('\n').at(-1) || `exit status ${code}` };
  return JSON.parse(out) as Planned[];
}

/** The child's side: become the person, plan the enabled user-phase hooks against the projection, print JSON. */
export async function userPhaseChild(hooks: readonly Hook[], fs: ReadFs, stdin: string): Promise<string> {
  const input = JSON.parse(stdin) as ChildInput;
  const config: Config = { ...input.config, origins: new Map(input.config.origins) };
  if (process.geteuid!() === 0) dropPrivileges(input.identity);
  const view = projectedFs(fs, input.projection);
  const ctx: PlanContext = { fs: view, facts: readFacts(fs), env: input.env, config, identity: input.identity, privileged: true, cwd: input.cwd };
  const planned = await planHooks(enabledHooks(hooks, config), ctx);
  return JSON.stringify(planned.map(({ hook, plan }) => ({ hook: { name: hook.name, phase: hook.phase, summary: hook.summary }, plan })));
}
