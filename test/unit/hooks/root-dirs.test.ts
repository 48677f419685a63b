// Hook root-dirs: before-notebook.d just before the drop, as root in root's world, the [hooks]
// as_user scripts left to the person; in a start that is not root's, all of them as that uid.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunScriptsOp } from '../../../src/ops/run-scripts.ts';
import { rootDirs } from '../../../src/hooks/root-dirs.ts';
import { runs, scriptsContext } from './script-dirs.ts';

const isRoot = process.getuid!() === 0;

test('as root: the root_dirs scripts but the as_user ones (named in a note), in root\'s world', { skip: !isRoot && 'root\'s scripts must be root\'s' }, async () => {
  const plan = await rootDirs.plan(scriptsContext());
  assert.deepEqual(runs(plan.ops), [['/hooks/before.d', 'root', ['20-root.sh']]]);
  assert.deepEqual(plan.notes, [{ level: 'info', msg: '/hooks/before.d/10activate-conda-env.sh: runs after the drop, as alice ([hooks] as_user)' }]);
  const op = plan.ops[0] as RunScriptsOp;
  assert.equal(op.bash, '/usr/bin/bash');
  assert.equal(op.world?.cwd, '/');
});

test('a start that is not root\'s: every script of root_dirs, as that uid, in the current directory', async () => {
  const plan = await rootDirs.plan(scriptsContext({}, false));
  assert.deepEqual(runs(plan.ops), [['/hooks/before.d', 'uid 1010', ['10activate-conda-env.sh', '20-root.sh']]]);
  const op = plan.ops[0] as RunScriptsOp;
  assert.equal(op.world, undefined);
  assert.equal(op.bash, 'bash');
  assert.deepEqual(plan.notes, []);
});

test('root-dirs asks for nothing and needs nothing (the scripts decide)', () => {
  const ctx = scriptsContext();
  assert.deepEqual(rootDirs.needs(ctx), {});
  assert.equal(rootDirs.asked(ctx), undefined);
  assert.equal(rootDirs.phase, 'root');
});
