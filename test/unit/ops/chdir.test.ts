// Op chdir: where the command starts; nbstart itself does not move until just before execve.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChdir, describeChdir } from '../../../src/ops/chdir.ts';
import { applyContext } from './apply-context.ts';

test('records the directory for the command; the process stays where it is (the path need not exist yet)', () => {
  const before = process.cwd();
  const { ctx, msgs } = applyContext('', {}, '/home/jovyan');
  applyChdir({ kind: 'chdir', path: '/home/alice/not-yet', why: 'the command starts in /home/<user>' }, ctx);
  assert.equal(ctx.state.cwd, '/home/alice/not-yet');
  assert.equal(process.cwd(), before);
  assert.deepEqual(msgs('debug'), ['working directory /home/alice/not-yet']);
  assert.equal(describeChdir({ kind: 'chdir', path: '/x', why: '' }), 'cd /x');
});
