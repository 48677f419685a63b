import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planScriptDirs } from '../../../src/scripts/plan-dirs.ts';
import { rootContext } from '../hooks/context.ts';

const DIR = '/usr/local/bin/before-notebook.d';

test('one run-scripts op per directory, in byte order; a file that is neither *.sh nor executable is named in its place', () => {
  const ctx = rootContext({}, { [`${DIR.slice(1)}/20-tool`]: '#!/bin/sh\n', [`${DIR.slice(1)}/10-a.sh`]: '', [`${DIR.slice(1)}/15-notes.txt`]: '', [`${DIR.slice(1)}/sub/`]: '' }, '/', false);
  fs.chmodSync(path.join(ctx.fs.root, DIR, '20-tool'), 0o755);
  const plan = planScriptDirs(ctx, { dirs: [DIR, '/nowhere'], setting: '[hooks] root_dirs', as: 'uid 1010', asRoot: false });
  assert.deepEqual(plan.notes, []);
  assert.equal(plan.ops.length, 1);
  const op = plan.ops[0]!;
  assert.ok(op.kind === 'run-scripts');
  assert.deepEqual(op.files, [
    { path: `${DIR}/10-a.sh`, mode: 'source' }, { path: `${DIR}/15-notes.txt`, mode: 'ignore' }, { path: `${DIR}/20-tool`, mode: 'exec' },
  ]);
});
