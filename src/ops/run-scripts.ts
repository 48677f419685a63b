// Op `run-scripts`: the image author's scripts of one directory ([hooks] start_dirs, root_dirs,
// user_dirs), as docker-stacks' run-hooks.sh runs them: one bash for the whole directory, in the plan's order, `*.sh` sourced into it (the
// variables and functions of one are seen by the next; `set +e` after each), executables run as its
// children; their stdout and stderr are the container's. What the sourced scripts leave in the
// environment reaches later hooks and the command.
//
// The bash is driven over fd 3, a socket: before each script it sends "S<file>" or "X<file>" and
// waits for nbstart's answer, so nbstart's log line comes before the script's output; after each it
// sends "R<status>"; at the end "D" and its environment (`env -0`). A sourced script that exits the
// shell (`exit N`, or a failure under its own `set -e`) ends the bash before "D": start-up stops
// with that status, as it stops start.sh. fd 3 is closed for the scripts themselves, so what they
// start in the background keeps running, as with start.sh; a subshell they fork still holds bash's
// saved copy of it, so the end is an empty entry after the environment, not end-of-file. The bash
// has start.sh's log functions (_log, _log_info, ...: src/scripts/log-functions.ts).

import type { Duplex } from 'node:stream';
import { blockingStdio } from '../exec.ts';
import { DEFAULT_LOG_FORMAT } from '../log.ts';
import { logFunctions } from '../scripts/log-functions.ts';
import { track, untrack } from '../system/children.ts';
import type { ApplyContext } from './context.ts';

export interface ScriptFile {
  readonly path: string;
  /** ignore: neither *.sh nor executable; only named, in its place among the others. */
  readonly mode: 'source' | 'exec' | 'ignore';
}

/** What the scripts see instead of the person's environment (root phase: src/hooks/root-world.ts). */
export interface ScriptWorld {
  readonly set: Readonly<Record<string, string>>;
  readonly unset: readonly string[];
  readonly cwd: string;
}

export interface RunScriptsOp {
  readonly kind: 'run-scripts';
  /** The script directory, for the log. */
  readonly dir: string;
  readonly files: readonly ScriptFile[];
  /** bash by absolute path (found on the root-phase PATH when root runs it). */
  readonly bash: string;
  /** Who runs them, for plan output: root, the starting user, or the person. */
  readonly as: string;
  readonly world?: ScriptWorld;
  /** Working directory when there is no world; the current one when absent. */
  readonly cwd?: string;
  readonly why: string;
}

/** Start-up stops here: a sourced script exited the shell, or [hooks] on_failure = abort. */
export class ScriptsStopped extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'ScriptsStopped';
    this.status = status;
  }
}

export function describeRunScripts(op: RunScriptsOp): string {
  const each = op.files.map((f) => `${{ source: 'source', exec: 'run', ignore: 'ignore' }[f.mode]} ${f.path}`).join(', ');
  const world = op.world ? ` (PATH ${op.world.set['PATH'] ?? ''}, HOME ${op.world.set['HOME'] ?? ''}, cwd ${op.world.cwd})` : '';
  return `scripts of ${op.dir} as ${op.as}, in one ${op.bash}${world}: ${each || 'none'}`;
}

// $@ is the list of `S:file` / `X:file` / `I:file`; positional parameters are cleared so scripts see none.
const WRAPPER = [
  '__nbstart_list=("$@"); set --',
  '__nbstart_ev() { printf "%s\\0" "$1" >&3; IFS= read -r -d "" -u 3 __nbstart_ack; }',
  'for __nbstart_f in "${__nbstart_list[@]}"; do',
  '  __nbstart_m=${__nbstart_f%%:*}; __nbstart_f=${__nbstart_f#*:}',
  '  if [ "$__nbstart_m" = I ]; then __nbstart_ev "I$__nbstart_f"; continue; fi',
  '  if [ "$__nbstart_m" = S ]; then',
  '    __nbstart_ev "S$__nbstart_f"; source "$__nbstart_f" 3>&-; __nbstart_rc=$?; set +e',
  '  else',
  '    __nbstart_ev "X$__nbstart_f"; "$__nbstart_f" 3>&-; __nbstart_rc=$?',
  '  fi',
  '  __nbstart_ev "R$__nbstart_rc"',
  'done',
  'printf "D\\0" >&3; env -0 >&3; printf "\\0" >&3',
].join('\n');

/** Variables bash itself sets or changes; never taken as the scripts' doing. */
const SHELL_NOISE = new Set(['SHLVL', '_', 'PWD', 'OLDPWD']);
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Runs the directory's scripts; resolves when they are done, rejects with ScriptsStopped to stop start-up. */
export async function applyRunScripts(op: RunScriptsOp, ctx: ApplyContext): Promise<void> {
  const { log, state } = ctx;
  const cwd = op.world?.cwd ?? op.cwd ?? state.cwd;
  log.info({ dir: op.dir }, `Running hooks in: ${op.dir} as uid: ${process.getuid?.()} gid: ${process.getgid?.()}`);
  if (op.files.every((f) => f.mode === 'ignore')) {
    for (const f of op.files) log.info({ script: f.path }, `Ignoring non-executable: ${f.path}`);
  } else {
    const given = scriptEnv(state.env, op.world, cwd);
    const left = await drive(op, given, cwd, ctx);
    // A bash that was killed or never started left no environment: the command keeps the one it had.
    if (left) mergeEnv(state.env, given, left, op.world);
  }
  log.info({ dir: op.dir }, `Done running hooks in: ${op.dir}`);
}

/** The environment the scripts start with. */
export function scriptEnv(env: Readonly<Record<string, string | undefined>>, world: ScriptWorld | undefined, cwd: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !world?.unset.includes(k)) out[k] = v;
  Object.assign(out, world?.set ?? {});
  out['PWD'] = cwd; // as a shell would: `pwd` then shows the logical directory
  return out;
}

/**
 * Carries what the scripts changed into the command's environment. A variable they left as given
 * changes nothing (root's PATH and HOME stay root's); one they changed is taken, and where a
 * `:`-list still holds what they were given (PATH=/opt/x/bin:$PATH), that part is the person's own
 * value again. One they unset is removed.
 */
export function mergeEnv(env: Record<string, string | undefined>, given: Readonly<Record<string, string>>, left: Readonly<Record<string, string>>, world?: ScriptWorld): void {
  for (const [k, v] of Object.entries(left)) {
    if (given[k] === v) continue;
    const orig = env[k];
    const was = given[k];
    env[k] = world?.set[k] !== undefined && was !== undefined && orig !== undefined ? reexpand(v, was, orig) : v;
  }
  for (const k of Object.keys(given)) if (SHELL_NAME.test(k) && !SHELL_NOISE.has(k) && !(k in left)) delete env[k];
}

function reexpand(value: string, given: string, person: string): string {
  const parts = value.split(':');
  const g = given.split(':');
  for (let i = 0; i + g.length <= parts.length; i++) {
    if (g.every((x, j) => parts[i + j] === x)) return [...parts.slice(0, i), person, ...parts.slice(i + g.length)].join(':');
  }
  return value;
}

/** Runs the bash and answers its events; returns the environment it left (none when it did not get to the end). */
async function drive(op: RunScriptsOp, env: Record<string, string>, cwd: string, ctx: ApplyContext): Promise<Record<string, string> | undefined> {
  const { log } = ctx;
  blockingStdio(); // the scripts write to the container's stdout and stderr directly
  // Loaded on first use: most starts run no script, and evaluating execa costs start-up time.
  const { execa } = await import('execa');
  const args = op.files.map((f) => `${{ source: 'S', exec: 'X', ignore: 'I' }[f.mode]}:${f.path}`);
  const sub = execa(op.bash, ['-c', `${logFunctions(ctx.scripts.logFormat ?? DEFAULT_LOG_FORMAT)}\n${WRAPPER}`, 'nbstart-scripts', ...args], {
    env, extendEnv: false, cwd, detached: true, reject: false, buffer: false,
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'], forceKillAfterDelay: 2000,
  });
  if (sub.pid !== undefined) track(sub.pid);
  const channel = sub.stdio[3] as unknown as Duplex; // a socket: it carries the answers too
  let current: string | undefined;
  let dumping = false;
  let dump = '';
  let pending = '';
  let stopped: ScriptsStopped | undefined;
  let timer: NodeJS.Timeout | undefined;
  let timedOut: string | undefined;
  const killAll = (signal: NodeJS.Signals): void => {
    if (sub.pid !== undefined) {
      try {
        process.kill(-sub.pid, signal);
      } catch {
        // the group is gone
      }
    }
  };
  const fail = (kind: 'failed' | 'timed-out' | 'signal', detail: string): void => {
    const file = current ?? op.dir;
    if (ctx.scripts.onFailure({ file, kind, detail }) === 'abort') {
      log.error({ file }, `${file} has failed (${detail}); stopping start-up ([hooks] on_failure = abort)`);
      stopped = new ScriptsStopped(`${file} ${detail} ([hooks] on_failure = abort)`, 1);
      killAll('SIGKILL');
      return;
    }
    log.error({ file, detail }, `${file} has failed, continuing execution (${detail})`);
  };
  const onEvent = (ev: string): void => {
    const tag = ev[0];
    const rest = ev.slice(1);
    if (tag === 'I') {
      log.info({ script: rest }, `Ignoring non-executable: ${rest}`);
      channel.write('k\0');
    } else if (tag === 'S' || tag === 'X') {
      current = rest;
      log.info({ script: rest }, tag === 'S' ? `Sourcing shell script: ${rest}` : `Running executable: ${rest}`);
      if (ctx.scripts.timeoutMs > 0) {
        timer = setTimeout(() => {
          timedOut = rest;
          killAll('SIGTERM');
          sub.kill();
        }, ctx.scripts.timeoutMs);
      }
      channel.write('k\0');
    } else if (tag === 'R') {
      clearTimeout(timer);
      if (rest !== '0') fail('failed', `exit status ${rest}`);
      if (!stopped) channel.write('k\0');
      current = undefined;
    } else if (tag === 'D') {
      dumping = true;
    }
  };
  // Done once bash has exited and, if it got there, its environment is in: what the scripts left
  // running may hold the socket open for as long as it lives.
  const finish = (): void => {
    if (!dumping || dump.endsWith('\0\0')) channel.destroy();
  };
  sub.once('exit', () => setImmediate(finish));
  channel.on('data', (chunk: Buffer) => {
    if (dumping) {
      dump += chunk.toString('utf8');
      if (dump.endsWith('\0\0')) channel.destroy();
      return;
    }
    pending += chunk.toString('utf8');
    let nul: number;
    while (!dumping && (nul = pending.indexOf('\0')) >= 0) {
      const ev = pending.slice(0, nul);
      pending = pending.slice(nul + 1);
      onEvent(ev);
    }
    if (dumping) {
      dump += pending;
      pending = '';
      if (dump.endsWith('\0\0')) channel.destroy();
    }
  });
  const result = await sub;
  clearTimeout(timer);
  if (sub.pid !== undefined) untrack(sub.pid);
  if (timedOut !== undefined || stopped) killAll('SIGKILL');
  if (stopped) throw stopped;
  if (timedOut !== undefined) {
    current = timedOut;
    fail('timed-out', `timed out after ${ctx.scripts.timeoutMs / 1000}s; killed with its process group`);
    if (stopped) throw stopped;
    return undefined;
  }
  if (result.failed && result.exitCode === undefined && !result.signal) {
    fail('failed', `${op.bash} could not be started: ${result.shortMessage}`);
    if (stopped) throw stopped;
    return undefined;
  }
  if (!dumping || !dump.endsWith('\0\0')) {
    if (result.signal) {
      fail('signal', `killed by ${result.signal}`);
      if (stopped) throw stopped;
      return undefined;
    }
    const status = result.exitCode ?? 1;
    const who = current ?? op.dir;
    log.error({ script: who, status }, `${who} exited the shell with status ${status}: start-up stops, as with start.sh`);
    throw new ScriptsStopped(`${who} exited the shell with status ${status}`, status);
  }
  return parseEnvDump(dump);
}

/** NUL-separated NAME=value entries (what `env -0` prints), without bash's own variables. */
export function parseEnvDump(dump: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of dump.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (SHELL_NOISE.has(name) || name.startsWith('BASH_FUNC_')) continue;
    env[name] = entry.slice(eq + 1);
  }
  return env;
}
