// Op unset-env: a variable removed from the command's environment.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyUnsetEnv, describeUnsetEnv } from '../../../src/ops/unset-env.ts';
import { applyContext } from './apply-context.ts';

test('removes the variable (a missing one is fine) and logs its name', () => {
  const { ctx, msgs } = applyContext('', { SUDO_USER: 'x', KEEP: 'k' });
  applyUnsetEnv({ kind: 'unset-env', name: 'SUDO_USER', why: 'never passed to the command' }, ctx);
  applyUnsetEnv({ kind: 'unset-env', name: 'ABSENT', why: 'w' }, ctx);
  assert.deepEqual(ctx.state.env, { KEEP: 'k' });
  assert.ok(!('SUDO_USER' in ctx.state.env));
  assert.deepEqual(msgs('debug'), ['unset SUDO_USER', 'unset ABSENT']);
  assert.equal(describeUnsetEnv({ kind: 'unset-env', name: 'X', why: '' }), 'unset X');
});
