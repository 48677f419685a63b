// The root prefix every executor maps image paths through.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realPath } from '../../../src/ops/context.ts';

test('realPath: the image path itself in production, under the prefix in tests', () => {
  assert.equal(realPath({ root: '' }, '/etc/passwd'), '/etc/passwd');
  assert.equal(realPath({ root: '/tmp/t' }, '/etc/passwd'), '/tmp/t/etc/passwd');
  assert.equal(realPath({ root: '/tmp/t/' }, '/'), '/tmp/t/');
});
