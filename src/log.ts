// pino, synchronous, to fd 2 only: buffered lines would be lost at execve, and stdout is the command's.
// Three formats (NBSTART_LOG_FORMAT):
//   docker-stacks (default)  `LEVEL[YYYY-mm-dd HH:MM:SS] message`, as docker-stacks' start.sh logs, so
//                            that harnesses and people scanning for lines starting with WARNING or
//                            ERROR see nbstart's (src/log-stacks.ts);
//   pretty                   what pino-pretty printed for us (`[HH:MM:ss.l] LEVEL: [hook] message`),
//                            made by prettyLine below: building a pino-pretty stream cost ~15 ms;
//   json                     pino's own lines, one object each, for log shippers.
// The human formats are coloured when stderr is a terminal and NO_COLOR is empty or unset;
// JUPYTER_DOCKER_STACKS_QUIET (any non-empty value, as in docker-stacks) keeps only warnings and errors.

import { isatty } from 'node:tty';
import pino, { type Logger } from 'pino';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './config/types.ts';
import { stacksLine } from './log-stacks.ts';

export type { Logger };

const LABELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino-pretty's colours: gray, blue, green, yellow, red, red background; the message in cyan. */
const COLOURS: Readonly<Record<number, readonly [string, string]>> = {
  10: ['\x1b[90m', '\x1b[39m'], 20: ['\x1b[34m', '\x1b[39m'], 30: ['\x1b[32m', '\x1b[39m'],
  40: ['\x1b[33m', '\x1b[39m'], 50: ['\x1b[31m', '\x1b[39m'], 60: ['\x1b[41m', '\x1b[49m'],
};

export const DEFAULT_LOG_FORMAT: LogFormat = 'docker-stacks';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** One of pino's JSON lines as a human line, with the ANSI colours of a terminal when `colour`. */
export function prettyLine(json: string, colour: boolean): string {
  const o = JSON.parse(json) as { level: number; time: number; msg?: unknown; hook?: unknown };
  const d = new Date(o.time);
  const time = `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(d.getMilliseconds(), 3)}`;
  const label = LABELS[o.level] ?? 'USERLVL';
  const msg = `${o.hook ? `[${String(o.hook)}] ` : ''}${o.msg === undefined ? '' : String(o.msg)}`;
  if (!colour) return `[${time}] ${label}: ${msg}\n`;
  const [on, off] = COLOURS[o.level] ?? ['\x1b[37m', '\x1b[39m'];
  return `[${time}] ${on}${label}${off}: ${msg === '' ? '' : `\x1b[36m${msg}\x1b[39m`}\n`;
}

/** What the environment says about the log: NO_COLOR and docker-stacks' quiet switch. */
export interface LogEnv {
  readonly NO_COLOR?: string | undefined;
  readonly JUPYTER_DOCKER_STACKS_QUIET?: string | undefined;
}

/** True when JUPYTER_DOCKER_STACKS_QUIET asks for warnings and errors only (any non-empty value). */
export function isQuiet(env: LogEnv): boolean {
  return (env.JUPYTER_DOCKER_STACKS_QUIET ?? '') !== '';
}

/** `level`, raised to warn when quiet. */
export function effectiveLevel(level: LogLevel, quiet: boolean): LogLevel {
  return quiet && LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf('warn') ? 'warn' : level;
}

/** A logger writing synchronously to stderr in the given format. */
export function createLogger(level: LogLevel, format: LogFormat, env: LogEnv = {}): Logger {
  const opts = { level: effectiveLevel(level, isQuiet(env)), base: { name: 'nbstart' } };
  const dest = pino.destination({ fd: 2, sync: true });
  if (format === 'json') return pino(opts, dest);
  const colour = isatty(2) && (env.NO_COLOR ?? '') === '';
  const line = format === 'pretty' ? prettyLine : stacksLine;
  return pino(opts, { write: (l: string) => dest.write(line(l, colour)) });
}

/** Whatever the configured level, a first logger before config is read (it may be invalid). */
export function bootLogger(env: Readonly<Record<string, string | undefined>>): Logger {
  const asked = env['NBSTART_LOG_FORMAT']?.trim().toLowerCase();
  const format = (LOG_FORMATS as readonly string[]).includes(asked ?? '') ? (asked as LogFormat) : DEFAULT_LOG_FORMAT;
  return createLogger('info', format, env);
}
