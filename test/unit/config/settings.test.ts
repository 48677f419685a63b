// The settings table itself: one row per key, each env var and flag in one row only, every row that
// can be set has a parser, and each typed default is what the shown default means.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INVALID } from '../../../src/config/parsers.ts';
import { ProblemList } from '../../../src/config/problems.ts';
import { OTHER_ENV, SETTINGS, STRICT_SECTIONS, type Setting } from '../../../src/config/settings.ts';
import { HOOK_NAMES } from '../../../src/hooks/index.ts';

const ROWS = SETTINGS as readonly Setting[];

test('keys, environment variables and flags are each in one row only; other env vars are not settings', () => {
  const dupes = (xs: readonly string[]): string[] => xs.filter((x, i) => xs.indexOf(x) !== i);
  assert.deepEqual(dupes(ROWS.map((s) => s.key)), []);
  const envs = ROWS.flatMap((s) => s.env ?? []);
  assert.deepEqual(dupes(envs), []);
  assert.deepEqual(dupes(ROWS.flatMap((s) => (s.flag ? [s.flag] : []))), []);
  for (const o of OTHER_ENV) assert.ok(!envs.includes(o.name), `${o.name} is both a setting and another variable`);
});

test('every key is section.key (or ssh.*.key), in snake case', () => {
  for (const s of ROWS) assert.match(s.key, /^[a-z_]+\.(\*\.)?[a-z_]+$/, s.key);
  for (const section of STRICT_SECTIONS) assert.ok(ROWS.some((s) => s.key.startsWith(`${section}.`)), section);
});

test('every row with an environment variable or a flag has a parser; only [ssh.*] rows go without one', () => {
  for (const s of ROWS) {
    if (s.env?.length || s.flag) assert.equal(typeof s.parse, 'function', `${s.key} can be set but has no parser`);
    if (!s.parse) assert.match(s.key, /^ssh\.\*\./, `${s.key} has no parser`);
    assert.notEqual(s.doc.trim(), '', `${s.key} has no help`);
    assert.notEqual(s.default.trim(), '', `${s.key} shows no default`);
  }
  for (const s of ROWS) if (s.flag) assert.match(s.flag, /^--[a-z-]+$/, s.key);
  for (const s of ROWS) for (const e of s.env ?? []) assert.match(e, /^[A-Z][A-Z0-9_]*$/, s.key);
});

test('each typed default is what the shown default means: its parse, or an empty value for "(none)"/"(empty)"', () => {
  const checked: string[] = [];
  for (const s of ROWS) {
    if (!s.parse || s.value === undefined) continue;
    const problems = new ProblemList();
    const shown = s.default.startsWith('(') ? '' : s.default;
    const parsed = s.parse({ value: shown, origin: s.key }, problems, { hookNames: HOOK_NAMES });
    assert.deepEqual(problems.items, [], `${s.key}: its shown default ${JSON.stringify(s.default)} does not parse`);
    assert.notEqual(parsed, INVALID, s.key);
    assert.deepEqual(parsed, s.value, `${s.key}: shown ${JSON.stringify(s.default)}, typed ${JSON.stringify(s.value)}`);
    checked.push(s.key);
  }
  // The rows whose typed default is a real value, not just "unset": most of the table.
  assert.ok(checked.length >= 30, `only ${checked.length} defaults checked`);
  for (const k of ['hooks.timeout', 'home.copy_limit', 'exec.command', 'log.level', 'metrics.formats', 'label.color', 'user.template']) assert.ok(checked.includes(k), k);
});

test('rows without a typed default are the optional ones (unset means "not given")', () => {
  const optional = ROWS.filter((s) => s.parse && s.value === undefined).map((s) => s.key);
  assert.deepEqual(optional, [
    'user.name', 'user.uid', 'user.gid', 'user.group', 'user.shell',
    'auth_state.preset', 'auth_state.name', 'auth_state.uid', 'auth_state.gid', 'auth_state.group', 'auth_state.groups',
    'auth_state.group_name', 'auth_state.group_gid', 'auth_state.home',
    'home.source', 'exec.umask', 'label.text',
  ]);
});
