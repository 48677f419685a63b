// pino, synchronous, to fd 2 only: buffered lines would be lost at execve, and stdout is the command's.
// Human-readable by default (coloured on a terminal); one JSON object a line with NBSTART_LOG_FORMAT=json.
// The human form is what pino-pretty printed for us (`[HH:MM:ss.l] LEVEL: [hook] message`, local
// time, no fields), made by prettyLine below: building a pino-pretty stream cost ~15 ms of a start.

import { isatty } from 'node:tty';
import pino, { type Logger } from 'pino';
import type { LogFormat, LogLevel } from './config/types.ts';

export type { Logger };

const LABELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino-pretty's colours: gray, blue, green, yellow, red, red background; the message in cyan. */
const COLOURS: Readonly<Record<number, readonly [string, string]>> = {
  10: ['\x1b[90m', '\x1b[39m'], 20: ['\x1b[34m', '\x1b[39m'], 30: ['\x1b[32m', '\x1b[39m'],
  40: ['\x1b[33m', '\x1b[39m'], 50: ['\x1b[31m', '\x1b[39m'], 60: ['\x1b[41m', '\x1b[49m'],
};

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

/** A logger writing synchronously to stderr in the given format. */
export function createLogger(level: LogLevel, format: LogFormat): Logger {
  const opts = { level, base: { name: 'nbstart' } };
  const dest = pino.destination({ fd: 2, sync: true });
  if (format === 'json') return pino(opts, dest);
  const colour = isatty(2);
  return pino(opts, { write: (line: string) => dest.write(prettyLine(line, colour)) });
}

/** Whatever the configured format, a first logger before config is read (it may be invalid). */
export function bootLogger(env: Readonly<Record<string, string | undefined>>): Logger {
  const format: LogFormat = env['NBSTART_LOG_FORMAT']?.trim().toLowerCase() === 'json' ? 'json' : 'pretty';
  return createLogger('info', format);
}
