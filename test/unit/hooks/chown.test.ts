// Hook chown (CHOWN_HOME, CHOWN_EXTRA): what it needs, what asks for it, the ops it plans, and
// (as root) what applying them does to a tree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chown } from '../../../src/hooks/chown.ts';
import { apply } from '../../../src/plan/apply.ts';
import { captureLog } from '../helpers.ts';
import { rootContext } from './context.ts';

test('needs root and CAP_CHOWN; asked for by CHOWN_HOME and CHOWN_EXTRA, named in the sentence', () => {
  const asked = (env: Record<string, string>) => chown.asked(rootContext(env));
  assert.deepEqual(chown.needs(rootContext({})), { root: true, caps: ['CAP_CHOWN'] });
  assert.equal(asked({}), undefined);
  assert.equal(asked({ CHOWN_HOME: 'no', CHOWN_EXTRA: '' }), undefined);
  assert.equal(asked({ CHOWN_HOME: 'yes' }), 'CHOWN_HOME is set');
  assert.equal(asked({ CHOWN_EXTRA: '/opt/conda' }), 'CHOWN_EXTRA is set');
  assert.equal(asked({ CHOWN_HOME: '1', CHOWN_EXTRA: '/opt/conda' }), 'CHOWN_HOME and CHOWN_EXTRA are set');
});

test('one chown-tree op for the home and one per CHOWN_EXTRA path, each with its own -R', async () => {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020', CHOWN_HOME: 'yes', CHOWN_HOME_OPTS: '-R', CHOWN_EXTRA: '/opt/conda,/srv/data' });
  assert.deepEqual(await chown.plan(ctx), { notes: [], ops: [
    { kind: 'chown-tree', path: '/home/alice', uid: 1010, gid: 1020, recursive: true, why: 'CHOWN_HOME is set' },
    { kind: 'chown-tree', path: '/opt/conda', uid: 1010, gid: 1020, recursive: false, why: 'listed in CHOWN_EXTRA' },
    { kind: 'chown-tree', path: '/srv/data', uid: 1010, gid: 1020, recursive: false, why: 'listed in CHOWN_EXTRA' },
  ] });
  assert.deepEqual(await chown.plan(rootContext({})), { ops: [], notes: [] });
});

test('as root, applied to a tree: CHOWN_EXTRA without -R gives the top only, with -R the whole tree', { skip: process.getuid!() !== 0 && 'needs root to change owners' }, async () => {
  for (const [opts, want] of [['', [1010, 0, 0]], ['-R', [1010, 1010, 1010]]] as const) {
    const ctx = rootContext({ NB_UID: '1010', CHOWN_EXTRA: '/srv/data', CHOWN_EXTRA_OPTS: opts }, { 'srv/data/a': 'a', 'srv/data/sub/b': 'b' });
    await apply((await chown.plan(ctx)).ops, { root: ctx.fs.root, state: { env: {}, cwd: '/' }, log: captureLog().log, scripts: { timeoutMs: 0, onFailure: () => 'continue' } });
    assert.deepEqual(['srv/data', 'srv/data/a', 'srv/data/sub/b'].map((p) => fs.lstatSync(path.join(ctx.fs.root, p)).uid), [...want], opts);
  }
});
