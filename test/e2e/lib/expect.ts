// What a table case of the e2e tests expects of one container run, and the one place that checks
// it: `{user, env, mounts, command} → expected` (gosu's test table, docker-stacks' test_user_options).

import assert from 'node:assert/strict';
import { show, type Result } from './podman.ts';

export interface Expected {
  /** The container's exit status (default 0); 'failure' for any status but 0. */
  readonly code?: number | 'failure';
  /** The whole stdout, or a pattern it must match. */
  readonly stdout?: string | RegExp;
  /** Each must match stderr. */
  readonly stderr?: readonly RegExp[];
  /** None may match stderr. */
  readonly notStderr?: readonly RegExp[];
  /** Each (a global pattern) must occur in stderr exactly this many times. */
  readonly stderrCount?: readonly (readonly [RegExp, number])[];
  /** Each must occur in stdout and stderr together (docker-stacks' tests read both): a string as it is. */
  readonly logs?: readonly (string | RegExp)[];
  /** None may occur in stdout and stderr together. */
  readonly notLogs?: readonly (string | RegExp)[];
  /**
   * The lines that start with WARNING, in order and exactly as many: a string is the whole message
   * (after "WARNING[date time] "), a pattern must match it.
   */
  readonly warnings?: readonly (string | RegExp)[];
  /** The lines that start with ERROR, the same way. */
  readonly errors?: readonly (string | RegExp)[];
  /** Checks of its own after the run. */
  readonly then?: (r: Result) => void;
}

/**
 * The lines of `text` that start with `level` once colours are stripped, split as Python's
 * str.splitlines splits them: how docker-stacks' harness finds WARNING and ERROR lines.
 */
export function linesStarting(text: string, level: 'WARNING' | 'ERROR'): string[] {
  return text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).map((l) => l.replace(/\x1b\[[0-9;]*m/g, '')).filter((l) => l.startsWith(level));
}

const JSON_LEVEL = { WARNING: '"level":40', ERROR: '"level":50' } as const;

/** The `level` lines of both streams as printed (docker-stacks' format), and nbstart's JSON lines at that level. */
export function levelLines(r: Result, level: 'WARNING' | 'ERROR'): string[] {
  return [...linesStarting(r.stdout, level), ...linesStarting(r.stderr, level), ...r.stderr.split('\n').filter((l) => l.includes(JSON_LEVEL[level]))];
}

/** A pattern that matches wherever `text` occurs, as String.includes would. */
export function includes(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
}

/** Asserts everything `e` expects of `r`; every message carries the whole output. */
export function expectResult(r: Result, e: Expected): void {
  if (e.code === 'failure') assert.notEqual(r.code, 0, show(r));
  else assert.equal(r.code, e.code ?? 0, show(r));
  if (typeof e.stdout === 'string') assert.equal(r.stdout, e.stdout, show(r));
  else if (e.stdout) assert.match(r.stdout, e.stdout, show(r));
  for (const re of e.stderr ?? []) assert.match(r.stderr, re, show(r));
  for (const re of e.notStderr ?? []) assert.doesNotMatch(r.stderr, re, show(r));
  for (const [re, n] of e.stderrCount ?? []) assert.equal(r.stderr.match(re)?.length ?? 0, n, `${re} ${n} times\n${show(r)}`);
  const logs = r.stdout + r.stderr;
  for (const l of e.logs ?? []) typeof l === 'string' ? assert.ok(logs.includes(l), `${l}\n${show(r)}`) : assert.match(logs, l, show(r));
  for (const l of e.notLogs ?? []) typeof l === 'string' ? assert.ok(!logs.includes(l), `${l}\n${show(r)}`) : assert.doesNotMatch(logs, l, show(r));
  for (const [level, want] of [['WARNING', e.warnings], ['ERROR', e.errors]] as const) {
    if (!want) continue;
    const got = levelLines(r, level).map((l) => l.replace(new RegExp(`^${level}\\[[^\\]]*\\] `), ''));
    assert.equal(got.length, want.length, `${want.length} ${level} lines: ${JSON.stringify(got)}\n${show(r)}`);
    want.forEach((w, i) => {
      if (typeof w === 'string') assert.equal(got[i], w, show(r));
      else assert.match(got[i]!, w, show(r));
    });
  }
  e.then?.(r);
}
