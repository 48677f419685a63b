import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textColorOn } from '../../../src/system/css.ts';

test('text colour: black on light, white on dark backgrounds', () => {
  assert.equal(textColorOn('#ffffff'), '#000000');
  assert.equal(textColorOn('#ffd700'), '#000000');
  assert.equal(textColorOn('#f37726'), '#000000');
  assert.equal(textColorOn('#000080'), '#ffffff');
  assert.equal(textColorOn('#8b0000'), '#ffffff');
  assert.throws(() => textColorOn('red'));
});
