// Hook start-dirs: start-notebook.d first, as the starting user (in root's world when that is root).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunScriptsOp } from '../../../src/ops/run-scripts.ts';
import { startDirs } from '../../../src/hooks/start-dirs.ts';
import { runs, scriptsContext } from './script-dirs.ts';

test('as root: start_dirs scripts as root in root\'s world', { skip: process.getuid!() !== 0 && 'root\'s scripts must be root\'s' }, async () => {
  const plan = await startDirs.plan(scriptsContext());
  assert.deepEqual(runs(plan.ops), [['/hooks/start.d', 'root', ['10-start.sh']]]);
  assert.deepEqual((plan.ops[0] as RunScriptsOp).world?.set['HOME'], '/root');
});

test('not root: as the starting uid, without a world; the as_user names are not special here', async () => {
  const plan = await startDirs.plan(scriptsContext({ NBSTART_HOOKS_AS_USER: '10-start.sh' }, false));
  assert.deepEqual(runs(plan.ops), [['/hooks/start.d', 'uid 1010', ['10-start.sh']]]);
  assert.equal((plan.ops[0] as RunScriptsOp).world, undefined);
  assert.equal(startDirs.phase, 'start');
});
