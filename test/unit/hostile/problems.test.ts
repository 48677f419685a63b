// The one-line guarantee itself (config/problems.ts): whatever the setting, message, value or fix
// hold, a problem prints as one line whose value is JSON that reads back exactly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem, quote, visible } from '../../../src/config/problems.ts';
import { INJECTIONS, NOT_ONE_LINE, prng, testSeed } from './corpus.ts';

test('every injection, in every part of a problem, prints as one visible line', () => {
  for (const [label, inj] of INJECTIONS) {
    const line = formatProblem({ severity: 'error', setting: `S${inj}`, value: `v${inj}`, message: `m${inj}`, fix: `f${inj}` });
    assert.doesNotMatch(line, NOT_ONE_LINE, label);
    assert.ok(line.includes(`got ${quote(`v${inj}`)}`), label);
    assert.equal(JSON.parse(quote(`v${inj}`)), `v${inj}`, label);
  }
});

test('quote: JSON that reads back exactly, with what JSON.stringify leaves raw escaped', () => {
  assert.equal(quote('a\u2028b\u202ec\u0085d\x7fe\u{E0041}'), '"a\\u2028b\\u202ec\\u0085d\\u007fe\\udb40\\udc41"');
  assert.equal(quote('plain "quoted" \\ path/é ✓'), JSON.stringify('plain "quoted" \\ path/é ✓'));
  assert.equal(visible('a\nb\tc\rd'), 'a\\nb\\tc\\rd');
});

test('long values are cut at 200 characters with their length; a cut surrogate pair stays visible', () => {
  const v = `${'a'.repeat(199)}😀${'b'.repeat(1000)}`;
  const q = quote(v);
  assert.match(q, /^"a{199}\\ud83d…\(1201 chars\)"$/);
  assert.doesNotMatch(q, NOT_ONE_LINE);
});

test('random UTF-16 (lone surrogates included): always one visible line that parses back (seeded)', () => {
  const seed = testSeed(424242);
  const rnd = prng(seed);
  for (let i = 0; i < 2000; i++) {
    const units = Array.from({ length: Math.floor(rnd() * 40) }, () => {
      const r = rnd();
      return r < 0.3 ? Math.floor(rnd() * 0x100) : r < 0.5 ? 0x2000 + Math.floor(rnd() * 0x80) : r < 0.6 ? 0xd800 + Math.floor(rnd() * 0x800) : Math.floor(rnd() * 0x10000);
    });
    const value = String.fromCharCode(...units);
    const line = formatProblem({ severity: 'error', setting: value, value, message: value, fix: value });
    assert.doesNotMatch(line, NOT_ONE_LINE, `seed ${seed} case ${i} (NBSTART_TEST_SEED=${seed} replays it)`);
    assert.equal(JSON.parse(quote(value)), value, `seed ${seed} case ${i}`);
  }
});
