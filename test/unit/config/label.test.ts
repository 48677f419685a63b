import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { formatProblem } from '../../../src/config/problems.ts';
import { LABEL_MAX_CHARS, parseLabelColor } from '../../../src/config/label.ts';
import { testdir } from '../helpers.ts';

const load = (env: Record<string, string>, ini?: string) =>
  loadConfig({ env, flags: {}, strict: true, root: testdir(ini === undefined ? {} : { 'etc/nbstart/nbstart.ini': ini }) });

test('label text and colour from env and ini; env wins', () => {
  const ini = load({}, '[label]\ntext = From ini\ncolor = teal\n');
  assert.deepEqual(ini.config.label, { text: 'From ini', color: '#008080' });
  const env = load({ NBSTART_LABEL: '  Course 101  ', NBSTART_LABEL_COLOR: '#ABC' }, '[label]\ntext = From ini\n');
  assert.deepEqual(env.config.label, { text: 'Course 101', color: '#aabbcc' });
  assert.equal(env.problems.items.length, 0);
});

test('no label by default; blank text means no label, not an error', () => {
  assert.deepEqual(load({}).config.label, { color: '#f37726' });
  const blank = load({ NBSTART_LABEL: '   ' });
  assert.equal(blank.config.label.text, undefined);
  assert.equal(blank.problems.items.length, 0);
});

test('a huge label is an error naming the setting and the limit', () => {
  const r = load({ NBSTART_LABEL: 'x'.repeat(10_000) });
  assert.equal(r.config.label.text, undefined);
  const line = formatProblem(r.problems.errors[0]!);
  assert.match(line, /^NBSTART_LABEL: the label must be at most 64 characters \(it has 10000\), got "x{200}…\(10000 chars\)"; fix: /);
  assert.equal(load({ NBSTART_LABEL: 'é'.repeat(LABEL_MAX_CHARS) }).problems.items.length, 0, 'characters, not bytes');
  assert.equal(load({ NBSTART_LABEL: '😀'.repeat(LABEL_MAX_CHARS) }).problems.items.length, 0, 'code points, not UTF-16 units');
});

test('control and text-direction characters are refused; HTML/CSS characters are allowed (they are escaped)', () => {
  for (const bad of ['a\nb', 'a\u0000b', 'tab\there', 'evil\u202Egnp.exe', 'a\u2066b']) {
    const r = load({ NBSTART_LABEL: bad });
    assert.match(r.problems.errors[0]?.message ?? '', /control or text-direction characters \(found U\+/, JSON.stringify(bad));
  }
  assert.equal(load({ NBSTART_LABEL: '</style><script>alert("x")</script>' }).problems.items.length, 0);
});

test('colours: #rgb, #rrggbb and the listed names only', () => {
  assert.equal(parseLabelColor('#FFF'), '#ffffff');
  assert.equal(parseLabelColor(' Navy '), '#000080');
  for (const bad of ['#ffff', 'rgb(1,2,3)', 'red; background: url(x)', 'expression(alert(1))', '#12345g', 'constructor', 'toString', '']) {
    assert.equal(parseLabelColor(bad), undefined, bad);
  }
  const r = load({ NBSTART_LABEL_COLOR: 'red;}body{display:none' });
  assert.match(formatProblem(r.problems.errors[0]!), /^NBSTART_LABEL_COLOR: expected #rgb, #rrggbb or one of black, .*; fix: set NBSTART_LABEL_COLOR to e\.g\. #1565c0 or teal$/);
  assert.equal(r.config.label.color, '#f37726');
});
