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

/** One line, safe for any value (control characters and newlines are escaped). */
export function formatProblem(p: Problem): string {
  return `${p.setting}: ${p.message}, got ${quote(p.value)}; fix: ${p.fix}`;
}

/** JSON-style quoting keeps newlines, NULs and control characters visible on one line. */
export function quote(value: string): string {
  const max = 200;
  const shown = value.length > max ? `${value.slice(0, max)}…(${value.length} chars)` : value;
  return JSON.stringify(shown);
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
