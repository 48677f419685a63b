// The one executor: applies operations in order. Everything nbstart changes goes through here.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../log.ts';
import { chownTree } from '../system/chown-tree.ts';
import { copyTree, countEntries } from '../system/copy-tree.ts';
import { commitWrite, discardWrite, stageWrite, tempPathFor, type Staged } from '../system/atomic-write.ts';
import { runHookScript } from '../system/run-hook.ts';
import { describeOp, type Op } from './ops.ts';

/** What applying changes besides files: the command's environment and working directory. */
export interface ExecState {
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface ApplyContext {
  /** Root prefix ('' in production). */
  readonly root: string;
  readonly state: ExecState;
  readonly log: Logger;
  readonly hooks: { readonly timeoutMs: number; readonly onFailure: 'continue' | 'abort' };
}

/** Raised when an operation fails; names the op so the log says exactly what was not done. */
export class ApplyError extends Error {
  constructor(op: Op, cause: unknown, after = '') {
    super(`${describeOp(op)}: ${(cause as Error).message}${after}`, { cause });
    this.name = 'ApplyError';
  }
}

type WriteOp = Extract<Op, { kind: 'write-file' }>;

/**
 * Applies ops in order; stops at the first failure (earlier ops stay applied; each is atomic).
 * Consecutive file writes (a hook's /etc/passwd, /etc/group, /etc/shadow, /etc/gshadow) are one step:
 * all or none of them is replaced.
 */
export async function apply(ops: readonly Op[], ctx: ApplyContext): Promise<void> {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind === 'write-file') {
      let end = i + 1;
      while (end < ops.length && ops[end]!.kind === 'write-file') end++;
      writeFiles(ops.slice(i, end) as WriteOp[], ctx);
      i = end - 1;
      continue;
    }
    try {
      if (op.kind === 'run-hook') await runHook(op, ctx);
      else applyOne(op, ctx);
    } catch (err) {
      throw new ApplyError(op, err);
    }
  }
}

const realPath = (ctx: ApplyContext, p: string): string => (ctx.root === '' ? p : path.join(ctx.root, p));

/** Writes files as one step: every temp file complete first, then the renames (see atomic-write.ts). */
function writeFiles(ops: readonly WriteOp[], ctx: ApplyContext): void {
  const staged: Staged[] = [];
  for (const op of ops) {
    try {
      staged.push(stageWrite(realPath(ctx, op.path), op.content, op));
    } catch (err) {
      staged.forEach(discardWrite);
      throw new ApplyError(op, err, ops.length > 1 ? ` (nothing written: ${ops.map((o) => o.path).join(', ')} are as they were)` : ' (the file is as it was)');
    }
  }
  ops.forEach((op, i) => {
    let how: string;
    try {
      how = commitWrite(staged[i]!);
    } catch (err) {
      staged.slice(i + 1).forEach(discardWrite);
      throw new ApplyError(op, err);
    }
    ctx.log.info({ path: op.path, how, why: op.why }, `wrote ${op.path} (${op.summary})`);
    if (how === 'in-place') ctx.log.warn({ path: op.path }, `${op.path} could not be replaced atomically (bind mount or read-only /etc); rewrote it in place`);
  });
}

/** A valid shell identifier: only those can have been unset by a sourced script. */
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Runs an image author's script; its failure is logged, and stops start-up only under abort. */
async function runHook(op: Extract<Op, { kind: 'run-hook' }>, ctx: ApplyContext): Promise<void> {
  const log = ctx.log.child({ script: op.path });
  const started = Date.now();
  const r = await runHookScript(op.path, op.mode, { env: ctx.state.env, cwd: op.cwd ?? ctx.state.cwd, timeoutMs: ctx.hooks.timeoutMs, log });
  if (r.env) {
    const env = ctx.state.env;
    for (const [k, v] of Object.entries(r.env)) if (env[k] !== v) env[k] = v;
    for (const k of Object.keys(env)) if (SHELL_NAME.test(k) && !(k in r.env) && k !== 'PWD' && k !== 'OLDPWD') delete env[k];
  }
  const ms = Date.now() - started;
  let failure: string | undefined;
  if (r.timedOut) failure = `timed out after ${ctx.hooks.timeoutMs / 1000}s; killed with its process group`;
  else if (r.signal) failure = `killed by ${r.signal}`;
  else if (r.exited) failure = r.code === 0 ? undefined : `called exit ${r.code} (a sourced hook should return, not exit)`;
  else if (r.code !== 0) failure = `failed with exit status ${r.code}`;
  if (r.exited && r.code === 0) log.warn(`${op.path} called exit 0; a sourced hook should return, not exit (start-up goes on)`);
  if (!failure) {
    log.info({ ms }, `ran ${op.path}${op.mode === 'source' ? ' (sourced)' : ''}`);
    return;
  }
  if (ctx.hooks.onFailure === 'abort') throw new Error(`${op.path} ${failure} ([hooks] on_failure = abort)`);
  log.error({ ms }, `${op.path} ${failure}; start-up goes on ([hooks] on_failure = continue)`);
}

function applyOne(op: Exclude<Op, { kind: 'run-hook' | 'write-file' }>, ctx: ApplyContext): void {
  const real = (p: string): string => realPath(ctx, p);
  const { log, state } = ctx;
  switch (op.kind) {
    case 'remove':
      fs.rmSync(real(op.path), { force: true });
      log.info({ path: op.path, why: op.why }, `removed ${op.path}`);
      return;
    case 'mkdir':
      mkdirOwned(real(op.path), op.mode, op.uid, op.gid);
      log.info({ path: op.path, why: op.why }, `created ${op.path}`);
      return;
    case 'symlink':
      replaceSymlink(real(op.path), op.target);
      log.info({ path: op.path, target: op.target, why: op.why }, `linked ${op.path} -> ${op.target}`);
      return;
    case 'move-dir': {
      moveDir(real(op.from), real(op.to), op, log);
      return;
    }
    case 'chown-tree': {
      const started = Date.now();
      const r = chownTree(real(op.path), op, (p) => log.info({ path: op.path, visited: p.visited, changed: p.changed }, `chown walk in progress (${p.visited} entries)`));
      if (r.refused !== undefined) {
        log.warn({ path: op.path, why: op.why }, `${op.path}: ownership not changed: ${r.refused}`);
        return;
      }
      log.info({ path: op.path, ...r, ms: Date.now() - started, why: op.why }, `${op.path}: ${r.changed} of ${r.visited} entries given to ${op.uid}:${op.gid}`);
      return;
    }
    case 'set-env':
      state.env[op.name] = op.value;
      log.debug({ name: op.name, why: op.why }, `set ${op.name}`);
      return;
    case 'unset-env':
      delete state.env[op.name];
      log.debug({ name: op.name, why: op.why }, `unset ${op.name}`);
      return;
    case 'chdir':
      state.cwd = op.path;
      log.debug({ path: op.path, why: op.why }, `working directory ${op.path}`);
      return;
    case 'umask':
      process.umask(op.mask);
      log.debug({ umask: op.mask.toString(8), why: op.why }, 'umask set');
      return;
  }
}

/** Template homes up to this many entries are copied when they cannot be renamed; larger ones are linked. */
const COPY_LIMIT = 20000;

/**
 * rename(from, to) and leave `from` as a link to `to`. overlayfs cannot rename a directory of a lower
 * layer (EXDEV), so then the tree is copied as cp -a does (start.sh copies too), and only when that
 * is impossible or the tree is huge does `to` become a link to `from`.
 */
function moveDir(from: string, to: string, op: Extract<Op, { kind: 'move-dir' }>, log: Logger): void {
  try {
    fs.renameSync(from, to);
    fs.symlinkSync(op.to, from);
    log.info({ from: op.from, to: op.to, why: op.why }, `moved ${op.from} to ${op.to} (and linked the old path)`);
    return;
  } catch (err) {
    log.debug({ err: (err as Error).message }, 'rename failed; copying');
  }
  const entries = op.copy === false ? undefined : countEntries(from, COPY_LIMIT);
  if (entries !== undefined) {
    // Copied under a temp name and renamed into place: a start killed halfway leaves no partial
    // home that the next start would take for the real one.
    const tmp = tempPathFor(to);
    try {
      fs.rmSync(tmp, { recursive: true, force: true });
      copyTree(from, tmp);
      fs.renameSync(tmp, to);
      log.info({ from: op.from, to: op.to, entries, why: op.why }, `copied ${op.from} to ${op.to} (${entries} entries; it cannot be renamed on this filesystem)`);
      return;
    } catch (err) {
      log.warn({ err: (err as Error).message }, `copying ${op.from} to ${op.to} failed; linking instead`);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  fs.symlinkSync(op.from, to);
  log.info({ from: op.from, to: op.to, why: op.why }, `linked ${op.to} -> ${op.from} (the directory cannot be moved or copied here)`);
}

/** mkdir that accepts an existing directory but never a symlink or a file in its place. */
function mkdirOwned(p: string, mode: number, uid: number, gid: number): void {
  try {
    fs.mkdirSync(p, { mode });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const st = fs.lstatSync(p);
    if (!st.isDirectory()) throw new Error(`${p} exists and is not a directory`, { cause: err });
    if (process.geteuid?.() !== 0 && st.uid !== process.geteuid?.()) throw new Error(`${p} exists and belongs to uid ${st.uid}`, { cause: err });
    return;
  }
  if (process.geteuid?.() === 0) fs.lchownSync(p, uid, gid);
  fs.chmodSync(p, mode);
}

/** Points `p` at `target`, replacing an existing link atomically; never replaces a real file. */
function replaceSymlink(p: string, target: string): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(p);
  } catch {
    st = undefined;
  }
  if (st && !st.isSymbolicLink()) throw new Error(`${p} is a real ${st.isDirectory() ? 'directory' : 'file'}; left alone`);
  if (st && fs.readlinkSync(p) === target) return;
  const tmp = `${p}.nbstart-tmp`;
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(target, tmp);
  fs.renameSync(tmp, p);
}
