// Problems as lists and lines (hostile input to them: test/unit/hostile/problems.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, formatProblem, ProblemList, quote, visible } from '../../../src/config/problems.ts';

test('ProblemList keeps errors and warnings in order; errors are the errors only', () => {
  const l = new ProblemList();
  l.warn('[user] nmae', 'x', 'is not a known key', 'use name');
  l.error('NB_UID', '12ab', 'expected an integer', 'set NB_UID to a number');
  assert.deepEqual(l.items.map((p) => [p.severity, p.setting]), [['warning', '[user] nmae'], ['error', 'NB_UID']]);
  assert.deepEqual(l.errors.map((p) => p.setting), ['NB_UID']);
});

test('formatProblem: setting, message, the value JSON-quoted, the fix', () => {
  assert.equal(formatProblem({ severity: 'error', setting: 'NB_UID', value: '12ab', message: 'expected an integer from 0 to 4294967294', fix: 'set NB_UID to the numeric user id, e.g. 1000' }),
    'NB_UID: expected an integer from 0 to 4294967294, got "12ab"; fix: set NB_UID to the numeric user id, e.g. 1000');
});

test('visible and quote: what would break or hide in a line is escaped; plain text is as it is', () => {
  assert.equal(visible('plain /etc/passwd é'), 'plain /etc/passwd é');
  assert.equal(visible('a\nb\tc\u202ed'), 'a\\nb\\tc\\u202ed');
  assert.equal(quote('a"b'), '"a\\"b"');
  assert.equal(quote('x'.repeat(201)), `"${'x'.repeat(200)}…(201 chars)"`);
});

test('ConfigError carries the problems and says them one per line', () => {
  const l = new ProblemList();
  l.error('NB_UID', 'a', 'm1', 'f1');
  l.error('NB_GID', 'b', 'm2', 'f2');
  const e = new ConfigError(l.errors);
  assert.equal(e.name, 'ConfigError');
  assert.equal(e.problems.length, 2);
  assert.equal(e.message, 'NB_UID: m1, got "a"; fix: f1\nNB_GID: m2, got "b"; fix: f2');
});
