// pino, synchronous, to fd 2 only: buffered lines would be lost at execve, and stdout is the command's.
// Human-readable by default (coloured on a terminal); one JSON object a line with NBSTART_LOG_FORMAT=json.

import { isatty } from 'node:tty';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from './config/validate.ts';

export type { Logger };

/** A logger writing synchronously to stderr in the given format. */
export function createLogger(level: LogLevel, format: LogFormat): Logger {
  const opts = { level, base: { name: 'nbstart' } };
  if (format === 'json') return pino(opts, pino.destination({ fd: 2, sync: true }));
  const stream = pretty({
    destination: 2,
    sync: true,
    colorize: isatty(2),
    ignore: 'pid,hostname,name',
    translateTime: 'SYS:HH:MM:ss.l',
    messageFormat: '{if hook}[{hook}] {end}{msg}',
    // Data fields are for JSON shippers; the human line is the message itself.
    hideObject: true,
  });
  return pino(opts, stream);
}

/** Whatever the configured format, a first logger before config is read (it may be invalid). */
export function bootLogger(env: Readonly<Record<string, string | undefined>>): Logger {
  const format: LogFormat = env['NBSTART_LOG_FORMAT']?.trim().toLowerCase() === 'json' ? 'json' : 'pretty';
  return createLogger('info', format);
}
