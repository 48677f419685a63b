// The canonical identity (hub/identity.schema.json) as nbstart checks it: the character rules and
// checkCanonical on small documents. The corpus both sides run is test/unit/config/identity-contract.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  asGiven, checkCanonical, codePoints, homeProblem, identityGroupNameProblem, identityNameProblem, schemaId, shown,
} from '../../../src/config/canonical-identity.ts';
import { ProblemList } from '../../../src/config/problems.ts';

test('codePoints counts as JSON Schema and Python do (an astral character is one)', () => {
  assert.equal(codePoints('abc'), 3);
  assert.equal(codePoints('a\u{1F600}b'), 3);
  assert.equal('a\u{1F600}b'.length, 4);
});

test('schemaId: JSON integers from 1 to 4294967294 only (1010.0 is 1010; strings, 0 and fractions are not ids)', () => {
  for (const [v, want] of [[1010, 1010], [1010.0, 1010], [1, 1], [4294967294, 4294967294]] as const) assert.equal(schemaId(v), want);
  for (const v of [0, -1, 4294967295, 1.5, '1010', null, undefined, NaN]) assert.equal(schemaId(v), undefined, String(v));
});

test('identityGroupNameProblem: inside white space is fine; ":", ",", U+FFFD, invisible characters and edge spaces are not', () => {
  assert.equal(identityGroupNameProblem('Data Science'), undefined);
  assert.equal(identityGroupNameProblem('x'.repeat(256)), undefined);
  assert.equal(identityGroupNameProblem(''), 'must not be empty');
  assert.equal(identityGroupNameProblem('a:b'), 'must not contain ":"');
  assert.equal(identityGroupNameProblem('a,b'), 'must not contain ","');
  assert.equal(identityGroupNameProblem('a\ufffdb'), 'must not contain "\ufffd"');
  assert.equal(identityGroupNameProblem('a\u200bb'), 'must not contain "\u200b"');
  assert.equal(identityGroupNameProblem(' lead'), 'must not start or end with white space');
  assert.equal(identityGroupNameProblem('trail '), 'must not start or end with white space');
  assert.equal(identityGroupNameProblem('\u{1F600}'.repeat(257)), 'must be at most 256 characters', 'counted in code points');
});

test('homeProblem: an absolute path without ":", braces, "..", invisible characters or a trailing space', () => {
  assert.equal(homeProblem('/mnt/home/alice'), undefined);
  assert.equal(homeProblem('/mnt/home/a b'), undefined);
  assert.equal(homeProblem('mnt/home'), 'must be an absolute path');
  assert.match(homeProblem('/mnt/a:b') ?? '', /^must not contain ":" /);
  assert.match(homeProblem('/mnt/{user}') ?? '', /^must not contain "\{" \(":" breaks \/etc\/passwd, braces would read as \{user\}\)$/);
  assert.equal(homeProblem('/mnt/../etc'), 'must not contain a ".." component');
  assert.equal(homeProblem('/mnt/..x'), undefined, 'only a whole ".." component');
  assert.equal(homeProblem('/mnt/x '), 'must not end with white space');
  assert.equal(homeProblem(`/${'x'.repeat(4096)}`), 'must be at most 4096 characters');
});

test('identityNameProblem is NB_USER\'s rule with the given length', () => {
  assert.equal(identityNameProblem('alice', 32), undefined);
  assert.equal(identityNameProblem('x'.repeat(33), 32), 'must be at most 32 characters');
  assert.match(identityNameProblem('-x', 256) ?? '', /must not start with "-"/);
});

test('shown and asGiven: JSON for messages; a string as it is for asGiven; a missing value says so', () => {
  assert.equal(shown(undefined), 'missing');
  assert.equal(shown('a'), '"a"');
  assert.equal(shown({ a: [1] }), '{"a":[1]}');
  assert.equal(asGiven('a b'), 'a b');
  assert.equal(asGiven(5), '5');
});

function check(doc: Record<string, unknown>) {
  const problems = new ProblemList();
  const id = checkCanonical(doc, (p) => `F ${p}`, 'FIX', problems);
  return { id, problems: problems.items.map((p) => [p.setting, p.value, p.message]) };
}

test('checkCanonical: a full identity comes back as given', () => {
  const doc = { name: 'alice', uid: 1010, gid: 1020, group: 'science', groups: [{ name: 'Data Science', gid: 3001 }], home: '/mnt/home/alice' };
  assert.deepEqual(check(doc), { id: doc, problems: [] });
  assert.deepEqual(check({ name: 'bob', uid: 1011 }), { id: { name: 'bob', uid: 1011 }, problems: [] });
});

test('checkCanonical: every bad field is named at once, and no identity comes back', () => {
  const r = check({ name: 'a:b', uid: 0, gid: '1', group: 'x'.repeat(33), groups: [{ name: 'ok', gid: 5 }, { name: 'a,b', gid: 0 }, 'str', { name: 'x', gid: 1, extra: true }], home: 'rel' });
  assert.equal(r.id, undefined);
  assert.deepEqual(r.problems, [
    ['F name', 'a:b', 'the user name must not contain ":" (":", ",", "/", whitespace and control characters break /etc/passwd and /etc/group)'],
    ['F uid', '0', 'must be an integer from 1 to 4294967294'],
    ['F gid', '"1"', 'must be an integer from 1 to 4294967294'],
    ['F group', 'x'.repeat(33), 'the group name must be at most 32 characters'],
    ['F groups[1].name', 'a,b', 'must not contain ","'],
    ['F groups[1].gid', '0', 'must be an integer from 1 to 4294967294'],
    ['F groups[2]', '"str"', 'must be an object with exactly "name" and "gid"'],
    ['F groups[3]', '{"name":"x","gid":1,"extra":true}', 'must be an object with exactly "name" and "gid"'],
    ['F home', 'rel', 'must be an absolute path'],
  ]);
});

test('checkCanonical: a field that is not the identity\'s is refused by its kind only (it may be a token)', () => {
  const r = check({ name: 'a', uid: 1010, access_token: 'gho_SECRET', profile: { x: 1 } });
  assert.equal(r.id, undefined);
  assert.deepEqual(r.problems.map(([s, v]) => [s, v]), [['F access_token', 'a string, not shown'], ['F profile', 'an object, not shown']]);
  assert.ok(!JSON.stringify(r.problems).includes('gho_SECRET'));
});

test('checkCanonical: a missing name or uid, and groups that are not a list or too many', () => {
  assert.deepEqual(check({ uid: 1010 }).problems, [['F name', 'missing', 'must be a non-empty string']]);
  assert.deepEqual(check({ name: 'a' }).problems, [['F uid', 'missing', 'must be an integer from 1 to 4294967294']]);
  assert.deepEqual(check({ name: 'a', uid: 1, groups: { physics: 1 } }).problems, [['F groups', '{"physics":1}', 'must be a list of {"name", "gid"}']]);
  const many = check({ name: 'a', uid: 1, groups: Array.from({ length: 65535 }, (_, i) => ({ name: `g${i}`, gid: i + 1 })) });
  assert.deepEqual(many.problems, [['F groups', '65535 groups', 'is more than the kernel allows (65536 per process, with the primary group and users)']]);
});
