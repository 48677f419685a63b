// Mirrored group names made groupadd-safe, deterministically, and kept distinct.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distinctGroupName, sanitizeGroupName } from '../../../src/identity/group-names.ts';

const GROUPADD = /^[a-z_][a-z0-9_-]{0,31}$/;

test('sanitizeGroupName: lower case, what groupadd refuses replaced, a leading letter or _, at most 32 characters', () => {
  const cases: [string, string][] = [
    ['physics', 'physics'], ['Data Science', 'data_science'], ['1lab', '_1lab'], ['-lead', '_-lead'], ['Ωmega', '_mega'],
    ['a.b@c', 'a_b_c'], ['_ok-1', '_ok-1'], ['x'.repeat(40), 'x'.repeat(32)], ['9'.repeat(40), `_${'9'.repeat(31)}`],
  ];
  for (const [raw, want] of cases) {
    assert.equal(sanitizeGroupName(raw), want, raw);
    assert.match(sanitizeGroupName(raw), GROUPADD, raw);
  }
  assert.equal(sanitizeGroupName('Data Science'), sanitizeGroupName('Data Science'), 'deterministic');
});

test('distinctGroupName: _<gid>, then _<gid>_<n>, cut to fit 32 characters', () => {
  assert.equal(distinctGroupName('physics', 3000, () => false), 'physics_3000');
  const taken = new Set(['physics_3000', 'physics_3000_1']);
  assert.equal(distinctGroupName('physics', 3000, (n) => taken.has(n)), 'physics_3000_2');
  const long = 'a'.repeat(32);
  const name = distinctGroupName(long, 4294967294, () => false);
  assert.equal(name, `${'a'.repeat(21)}_4294967294`);
  assert.equal(name.length, 32);
  assert.match(distinctGroupName(long, 4294967294, (n) => n === name), /^a+_4294967294_1$/);
  assert.equal(distinctGroupName(long, 4294967294, (n) => n === name).length, 32);
});

test('distinctGroupName gives up loudly rather than loop when every derived name is taken', () => {
  assert.throws(() => distinctGroupName('g', 7, () => true), { message: 'no free group name derived from "g" for gid 7' });
});
