import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spliceBlock } from '../../../src/system/marked-block.ts';

const ADMIN = '# site keys\n|1|hashed= ssh-ed25519 AAAA\nother ssh-rsa BBBB\n';

test('a new block goes at the end; removing it gives back the original bytes', () => {
  const withBlock = spliceBlock(ADMIN, ['x key']);
  assert.equal(withBlock, `${ADMIN}# nbstart begin\nx key\n# nbstart end\n`);
  assert.equal(spliceBlock(withBlock, undefined), ADMIN);
  assert.equal(spliceBlock(withBlock, ['x key']), withBlock, 'the same input changes nothing');
});

test('a block is replaced where it is; lines around it keep their bytes, final newline or not', () => {
  const text = 'a\n# nbstart begin: note\nold\n# nbstart end\nc';
  assert.equal(spliceBlock(text, ['new1', 'new2'], ': note'), 'a\n# nbstart begin: note\nnew1\nnew2\n# nbstart end\nc');
  assert.equal(spliceBlock(text, undefined), 'a\nc');
});

test('empty and absent files', () => {
  assert.equal(spliceBlock('', ['k']), '# nbstart begin\nk\n# nbstart end\n');
  assert.equal(spliceBlock('# nbstart begin\nk\n# nbstart end\n', undefined), '');
  assert.equal(spliceBlock('', undefined), '');
  assert.equal(spliceBlock('no-newline', ['k']), 'no-newline\n# nbstart begin\nk\n# nbstart end\n');
});

test('unbalanced markers are refused, not guessed at', () => {
  assert.throws(() => spliceBlock('a\n# nbstart begin\nk\n', ['k']), /line 2: "# nbstart begin" has no "# nbstart end" after it/);
  assert.throws(() => spliceBlock('# nbstart end\n', undefined), /line 1: "# nbstart end" without/);
  assert.throws(() => spliceBlock('# nbstart begin\n# nbstart begin\n# nbstart end\n', undefined), /line 2: .* inside the block opened on line 1/);
});
