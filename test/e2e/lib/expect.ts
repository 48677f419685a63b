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
  /**
   * nbstart's WARNING lines, in order and exactly as many: a string is the whole message (after
   * "WARNING[date time] "), a pattern must match it.
   */
  readonly warnings?: readonly (string | RegExp)[];
}

/** nbstart's warnings (docker-stacks' default format or JSON), each with its "WARNING[...] " prefix. */
export function warnLines(r: Result): string[] {
  return r.stderr.split('\n').filter((l) => /^WARNING\[|"level":40/.test(l));
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
  if (e.warnings) {
    const got = warnLines(r).map((l) => l.replace(/^WARNING\[[^\]]*\] /, ''));
    assert.equal(got.length, e.warnings.length, `${e.warnings.length} warnings\n${show(r)}`);
    e.warnings.forEach((w, i) => {
      if (typeof w === 'string') assert.equal(got[i], w, show(r));
      else assert.match(got[i]!, w, show(r));
    });
  }
}
