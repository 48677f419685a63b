// Op set-env: a variable of the command's environment.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySetEnv, describeSetEnv } from '../../../src/ops/set-env.ts';
import { applyContext } from './apply-context.ts';

test('sets (or replaces) the variable in the state the command inherits; the value is not logged', () => {
  const { ctx, lines } = applyContext('', { HOME: '/home/jovyan', KEEP: 'k' });
  applySetEnv({ kind: 'set-env', name: 'HOME', value: '/home/alice', why: 'HOME of alice' }, ctx);
  applySetEnv({ kind: 'set-env', name: 'NEW', value: 'secret-value', why: 'w' }, ctx);
  assert.deepEqual(ctx.state.env, { HOME: '/home/alice', KEEP: 'k', NEW: 'secret-value' });
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l['name'], l['why']]), [['debug', 'set HOME', 'HOME', 'HOME of alice'], ['debug', 'set NEW', 'NEW', 'w']]);
  assert.ok(!JSON.stringify(lines).includes('secret-value'));
  assert.equal(process.env['NEW'], undefined, 'nbstart\'s own environment is not changed');
  assert.equal(describeSetEnv({ kind: 'set-env', name: 'A', value: 'b c', why: '' }), 'set A=b c');
});
