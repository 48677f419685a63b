// Runs one image-author script. A binary cannot `source`, so a *.sh runs in bash with an EXIT trap
// that writes the environment it leaves (NUL-separated) to fd 3; nbstart carries that environment
// into later hooks and the command. Each script gets its own process group, so a timeout or a signal
// to nbstart ends the script and everything it started.

import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from '../log.ts';
import { killGroup, track, untrack } from './children.ts';

export interface HookRunOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** 0: no limit. */
  readonly timeoutMs: number;
  readonly log: Logger;
}

export interface HookRunResult {
  /** Exit status, or undefined when killed by a signal. */
  readonly code: number | undefined;
  readonly signal: string | undefined;
  readonly timedOut: boolean;
  /** A sourced script that ran `exit` (instead of `return`) or stopped under `set -e`. */
  readonly exited: boolean;
  /** The environment a sourced script left, when it could be captured. */
  readonly env: Record<string, string> | undefined;
}

// $1 is the script; positional parameters are cleared so it sees none (start.sh passed its own).
const SOURCE_WRAPPER = [
  '__nbstart_f=$1; shift',
  '__nbstart_done=0',
  'trap \'__nbstart_rc=$?; env -0 >&3; printf "__NBSTART_RESULT__=%s:%s" "$__nbstart_done" "$__nbstart_rc" >&3\' EXIT',
  '. "$__nbstart_f"',
  '__nbstart_rc=$?',
  '__nbstart_done=1',
  'exit $__nbstart_rc',
].join('\n');

/** Variables bash itself sets or changes; never taken as the hook's doing. */
const SHELL_NOISE = new Set(['SHLVL', '_', 'PWD', 'OLDPWD']);

/** Bytes of a hook's output that reach the log; the rest is counted and dropped. */
const LOG_CAP = 256 * 1024;
/** Characters of one output line that reach the log. */
const LINE_CAP = 2000;

/** Parses the fd-3 dump: NUL-separated NAME=value entries, then the result marker. */
export function parseEnvDump(dump: string): { env: Record<string, string>; done: boolean; rc: number } | undefined {
  const marker = dump.lastIndexOf('__NBSTART_RESULT__=');
  if (marker < 0) return undefined;
  const [done, rc] = dump.slice(marker + '__NBSTART_RESULT__='.length).split(':');
  const env: Record<string, string> = {};
  for (const entry of dump.slice(0, marker).split('\0')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const name = entry.slice(0, eq);
    if (SHELL_NOISE.has(name) || name.startsWith('BASH_FUNC_')) continue;
    env[name] = entry.slice(eq + 1);
  }
  return { env, done: done === '1', rc: Number(rc) };
}

/** Runs `path` (sourced in bash, or executed) and reports how it ended; never throws for hook failures. */
export async function runHookScript(path: string, mode: 'source' | 'exec', opts: HookRunOptions): Promise<HookRunResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;
  env['PWD'] = opts.cwd; // as a shell would: `pwd` then shows /home/<user>, not where a link points
  const [file, args] = mode === 'source' ? ['bash', ['-c', SOURCE_WRAPPER, 'nbstart-hook', path]] : [path, []];
  // Loaded on first use: most starts run no hook script, and evaluating execa costs start-up time.
  const { execa } = await import('execa');
  const sub = execa(file, args, {
    env,
    extendEnv: false,
    cwd: opts.cwd,
    detached: true,
    reject: false,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    buffer: { stdout: false, stderr: false, fd3: true },
    maxBuffer: { fd3: 512 * 1024 * 1024 },
    encoding: 'utf8',
    stripFinalNewline: false,
  });
  if (sub.pid !== undefined) track(sub.pid);
  let logged = 0;
  let dropped = 0;
  const pipeLines = (stream: Readable | null, level: 'info' | 'warn'): Promise<void> => {
    if (!stream) return Promise.resolve();
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', (line) => {
      if (logged + line.length <= LOG_CAP) {
        logged += line.length + 1;
        const shown = line.length > LINE_CAP ? `${line.slice(0, LINE_CAP)}…(${line.length - LINE_CAP} more characters)` : line;
        opts.log[level]({ stream: level === 'info' ? 'stdout' : 'stderr' }, shown);
      } else dropped += line.length + 1;
    });
    return new Promise((resolve) => rl.once('close', () => resolve()));
  };
  const draining = Promise.all([pipeLines(sub.stdout, 'info'), pipeLines(sub.stderr, 'warn')]);
  let timedOut = false;
  const timer = opts.timeoutMs > 0 && sub.pid !== undefined
    ? setTimeout(() => {
        timedOut = true;
        killGroup(sub.pid!);
      }, opts.timeoutMs)
    : undefined;
  const result = await sub;
  if (timer) clearTimeout(timer);
  if (sub.pid !== undefined) {
    // Anything the script left running in its group goes with it: hooks must not outlive start-up.
    killGroup(sub.pid, 'SIGKILL');
    untrack(sub.pid);
  }
  await draining;
  if (dropped > 0) opts.log.warn({ dropped }, `${dropped} more bytes of output not logged`);
  const failedToStart = result.failed && result.exitCode === undefined && !result.signal && !timedOut;
  if (failedToStart) opts.log.error({ err: result.shortMessage }, `cannot run ${path}: ${result.originalMessage ?? result.shortMessage}`);
  const dump = mode === 'source' ? parseEnvDump(String(result.stdio[3] ?? '')) : undefined;
  return {
    code: failedToStart ? 126 : (result.exitCode ?? undefined),
    signal: result.signal ?? undefined,
    timedOut,
    exited: dump !== undefined && !dump.done,
    env: dump?.env,
  };
}
