// Hook user-dirs: after the drop, as the person, in the home: first the root_dirs scripts named in
// [hooks] as_user (only after a root start), then the user_dirs scripts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunScriptsOp } from '../../../src/ops/run-scripts.ts';
import { userDirs } from '../../../src/hooks/user-dirs.ts';
import { runs, scriptsContext } from './script-dirs.ts';

test('after a root start: the as_user scripts of root_dirs, then user_dirs, as the person, in the home, in their world', async () => {
  const plan = await userDirs.plan(scriptsContext());
  assert.deepEqual(runs(plan.ops), [['/hooks/before.d', 'alice', ['10activate-conda-env.sh']], ['/hooks/user.d', 'alice', ['10-user.sh']]]);
  for (const op of plan.ops as RunScriptsOp[]) {
    assert.equal(op.cwd, '/home/alice');
    assert.equal(op.world, undefined);
    assert.equal(op.bash, 'bash');
  }
  assert.match((plan.ops[0] as RunScriptsOp).why, /^\[hooks\] as_user: /);
  assert.deepEqual(plan.notes, []);
});

test('after a start that was not root\'s, root_dirs ran whole in the root phase: only user_dirs here', async () => {
  const plan = await userDirs.plan(scriptsContext({}, false));
  assert.deepEqual(runs(plan.ops), [['/hooks/user.d', 'alice', ['10-user.sh']]]);
});

test('no as_user script in root_dirs and no user_dirs: nothing', async () => {
  assert.deepEqual(await userDirs.plan(scriptsContext({ NBSTART_HOOKS_AS_USER: 'absent.sh', NBSTART_USER_DIRS: '/nonexistent' })), { ops: [], notes: [] });
  assert.equal(userDirs.phase, 'user');
});
