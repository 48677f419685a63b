// The hostile input corpus shared by test/unit/hostile/*: strings that try to break a line, hide in
// one or reinterpret a field, and the assertion every refusal must pass (one line, setting and value
// named, the value JSON-quoted so it can be read back exactly).

import assert from 'node:assert/strict';
import { formatProblem, quote, visible, type Problem, type ProblemList } from '../../../src/config/problems.ts';

/** Each is placed inside an otherwise good value, so a value holding one is never valid. */
export const INJECTIONS: readonly (readonly [label: string, text: string])[] = [
  ['colon', ':'],
  ['comma', ','],
  ['newline', '\n'],
  ['carriage return', '\r'],
  ['NUL', '\0'],
  ['tab', '\t'],
  ['ESC sequence', '\x1b[31m'],
  ['DEL', '\x7f'],
  ['NEL U+0085', '\u0085'],
  ['CSI U+009B', '\u009b'],
  ['line separator U+2028', '\u2028'],
  ['paragraph separator U+2029', '\u2029'],
  ['RTL override U+202E', '\u202e'],
  ['RTL isolate U+2067', '\u2067'],
  ['zero-width space U+200B', '\u200b'],
  ['BOM U+FEFF', '\ufeff'],
  ['lone surrogate', '\ud800'],
  ['tag character U+E0041', '\u{E0041}'],
];

/** What must never appear raw in a message: anything that breaks a line or hides in it. */
export const NOT_ONE_LINE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** Integers as people and programs mistype them; none is a canonical decimal id. */
export const NOT_IDS: readonly string[] = [
  '1e3', '-0', '0x10', '1.0', '-1', '+5', '4294967295', '4294967296', '99999999999', '18446744073709551615',
  '9007199254740993', 'Infinity', 'NaN', '0b11', '0o17', '1_000', '1,000', '10 10', 'abc', '12ab', '\u0661\u0660',
  '\uff11\uff10', 'true', '[]', '{}', 'null',
];

/** `value` as a JSON-quoted ini value (whole, with U+2028 and friends escaped too, so the line stays one). */
export function iniQuoted(value: string): string {
  return visible(JSON.stringify(value));
}

/** Asserts every problem prints as one visible line with its value JSON-quoted. */
export function assertOneLine(problems: readonly Problem[]): void {
  for (const p of problems) {
    const line = formatProblem(p);
    assert.doesNotMatch(line, NOT_ONE_LINE, `not one visible line: ${JSON.stringify(line)}`);
    assert.ok(line.includes(`, got ${quote(p.value)}; fix: `), line);
    if (p.value.length <= 200) assert.equal(JSON.parse(quote(p.value)), p.value, 'the quoted value reads back exactly');
  }
}

/**
 * Asserts `problems` holds an error that names `setting` (as given, or matched) and shows `value`,
 * and that every problem is one line. Returns that error's line.
 */
export function assertRefused(problems: ProblemList, setting: string | RegExp, value: string): string {
  assertOneLine(problems.items);
  const lines = problems.errors.map(formatProblem);
  const line = lines.find((l) => (typeof setting === 'string' ? l.startsWith(`${visible(setting)}: `) : setting.test(l)) && l.includes(`got ${quote(value)}`));
  assert.ok(line, `no error naming ${String(setting)} with value ${quote(value)} among:\n${lines.join('\n')}`);
  return line;
}

/** Asserts there are no errors (warnings are fine, but must be one line too). */
export function assertNoErrors(problems: ProblemList): void {
  assertOneLine(problems.items);
  assert.deepEqual(problems.errors.map(formatProblem), []);
}

/** A small deterministic PRNG (mulberry32), for generated cases that reproduce from their seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for generated tests: NBSTART_TEST_SEED to replay a failure, else a fixed one. */
export function testSeed(fallback: number): number {
  const s = process.env['NBSTART_TEST_SEED'];
  return s !== undefined && /^[0-9]+$/.test(s) ? Number(s) : fallback;
}
