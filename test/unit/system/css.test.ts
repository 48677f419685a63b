import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cssString, textColorOn } from '../../../src/system/css.ts';

test('letters and digits pass; everything else becomes a six-digit escape', () => {
  assert.equal(cssString('Course 101'), '"Course\\000020101"', 'a space after an escape would be swallowed: it is escaped too');
  assert.equal(cssString('a"b'), '"a\\000022b"');
  assert.equal(cssString('x\\y'), '"x\\00005Cy"');
  assert.equal(cssString('é'), '"\\0000E9"');
  assert.equal(cssString('😀'), '"\\01F600"', 'a code point, not two surrogates');
});

test('injection attempts cannot end the string, the rule or a <style> element', () => {
  const attacks = ['"; } body { display: none } #x::before { content: "', '</style><script>alert(1)</script>', '\\"', 'a\nb', '*/ @import url(x); /*', ');}'];
  for (const a of attacks) {
    const s = cssString(a);
    const inner = s.slice(1, -1);
    assert.doesNotMatch(inner, /["'<>;{}()\n\r/*@]/, `${a} -> ${s}`);
    assert.match(inner, /^(?:[A-Za-z0-9]|\\[0-9A-F]{6})*$/);
  }
});

test('escapes decode back to the text (CSS syntax, six hex digits each)', () => {
  const text = 'Kurs «Daten» & <Analyse> "2025" ½ 😀';
  const inner = cssString(text).slice(1, -1);
  // The CSS tokenizer's rule: up to six hex digits, then one optional white-space character.
  const decoded = inner.replace(/\\([0-9A-F]{1,6})[ \t\n]?/g, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)));
  assert.equal(decoded, text);
});

test('text colour: black on light, white on dark backgrounds', () => {
  assert.equal(textColorOn('#ffffff'), '#000000');
  assert.equal(textColorOn('#ffd700'), '#000000');
  assert.equal(textColorOn('#f37726'), '#000000');
  assert.equal(textColorOn('#000080'), '#ffffff');
  assert.equal(textColorOn('#8b0000'), '#ffffff');
  assert.throws(() => textColorOn('red'));
});
