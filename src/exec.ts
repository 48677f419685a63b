// Finding the command on PATH and becoming it with execve: no parent process stays behind.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from './log.ts';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type Resolved =
  | { readonly ok: true; readonly file: string }
  | { readonly ok: false; readonly code: 126 | 127; readonly message: string };

/** Resolves `cmd` as execvp would, checked for execute permission as the current (final) user. */
export function resolveCommand(cmd: string, pathEnv: string | undefined): Resolved {
  const isExec = (p: string): 'yes' | 'no' | 'missing' => {
    try {
      const st = fs.statSync(p);
      if (st.isDirectory()) return 'no';
      fs.accessSync(p, fs.constants.X_OK);
      return 'yes';
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : 'no';
    }
  };
  if (cmd.includes('/')) {
    const r = isExec(cmd);
    if (r === 'yes') return { ok: true, file: cmd };
    if (r === 'missing') return { ok: false, code: 127, message: `${cmd}: no such file` };
    return { ok: false, code: 126, message: `${cmd}: not executable (check its mode, or that it is not a directory)` };
  }
  let denied: string | undefined;
  const dirs = (pathEnv ?? DEFAULT_PATH).split(':');
  for (const dir of dirs) {
    const p = path.join(dir === '' ? '.' : dir, cmd);
    const r = isExec(p);
    if (r === 'yes') return { ok: true, file: p };
    if (r === 'no' && denied === undefined) denied = p;
  }
  if (denied !== undefined) return { ok: false, code: 126, message: `${denied}: not executable by this user` };
  return { ok: false, code: 127, message: `${cmd}: command not found in PATH=${pathEnv ?? DEFAULT_PATH}` };
}

/** Exit code for an execve failure, by errno (as the shell reports them). */
export function execFailureCode(err: unknown): 126 | 127 {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' ? 127 : 126;
}

/** Only string values survive into the new process image. */
export function envForExec(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Finds and becomes the command (PATH from `env`); returns only on failure, with 126 or 127. */
export function execvp(command: readonly string[], env: Readonly<Record<string, string | undefined>>, log: Logger): number {
  const resolved = resolveCommand(command[0]!, env['PATH']);
  if (!resolved.ok) {
    log.error({ command, code: resolved.code }, resolved.message);
    return resolved.code;
  }
  blockingStdio();
  try {
    process.execve!(resolved.file, [...command], envForExec(env));
  } catch (err) {
    const code = execFailureCode(err);
    log.error({ command, file: resolved.file, code }, `cannot execute ${resolved.file}: ${(err as Error).message}`);
    return code;
  }
  return 126; // execve returned without throwing: cannot happen
}

/**
 * libuv puts a stdio pipe or tty in O_NONBLOCK when Node opens it (pino's dependencies touch
 * process.stderr), and that flag lives on the open file description the command inherits: a Python
 * server writing to a full pipe would then get BlockingIOError. Give the command blocking stdio, as
 * the container engine handed it to nbstart.
 */
export function blockingStdio(): void {
  for (const stream of [process.stdout, process.stderr]) {
    (stream as unknown as { _handle?: { setBlocking?: (on: boolean) => number } })._handle?.setBlocking?.(true);
  }
}
