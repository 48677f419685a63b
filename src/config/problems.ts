// A user mistake in configuration: named setting, offending value, what to do about it.

export type Severity = 'error' | 'warning';

export interface Problem {
  readonly severity: Severity;
  /** Where the value came from: `NB_UID`, `[user] uid in /etc/nbstart/nbstart.ini`, `--log-level`. */
  readonly setting: string;
  readonly value: string;
  /** What is wrong, e.g. `expected an integer from 0 to 4294967294`. */
  readonly message: string;
  /** What to do instead. */
  readonly fix: string;
}

/**
 * Characters that are never part of a real name or path and that break a log line or fool its
 * reader: C0 and C1 controls (NEL U+0085, CSI U+009B), DEL, line and paragraph separators
 * (U+2028/U+2029), format characters (bidi overrides such as U+202E, zero-width spaces, BOM) and
 * lone surrogates (which UTF-8 cannot carry: they would be written as U+FFFD).
 */
export const INVISIBLE_CHAR = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE_CHAR.source, 'gu');
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every INVISIBLE_CHAR written as a JSON escape (\n, \u2028, \u202e). */
export function visible(text: string): string {
  return text.replace(INVISIBLE_ALL, (c) => SHORT_ESCAPES[c] ?? c.split('').map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''));
}

/** One line, safe for any value, setting or message (see INVISIBLE_CHAR). */
export function formatProblem(p: Problem): string {
  return `${visible(p.setting)}: ${visible(p.message)}, got ${quote(p.value)}; fix: ${visible(p.fix)}`;
}

/**
 * JSON-style quoting keeps newlines, NULs and control characters visible on one line; what JSON
 * leaves raw (U+2028, bidi overrides, C1 controls) is escaped too, and the result is still JSON.
 */
export function quote(value: string): string {
  const max = 200;
  const shown = value.length > max ? `${value.slice(0, max)}…(${value.length} chars)` : value;
  return visible(JSON.stringify(shown));
}

/** Collects problems while a validator runs. */
export class ProblemList {
  readonly items: Problem[] = [];
  /** Adds an error. */
  error(setting: string, value: string, message: string, fix: string): void {
    this.items.push({ severity: 'error', setting, value, message, fix });
  }
  /** Adds a warning. */
  warn(setting: string, value: string, message: string, fix: string): void {
    this.items.push({ severity: 'warning', setting, value, message, fix });
  }
  get errors(): Problem[] {
    return this.items.filter((p) => p.severity === 'error');
  }
}

/** Thrown (only by main's callees) when configuration or identity cannot be used; exit code 1. */
export class ConfigError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
