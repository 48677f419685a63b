import { test } from 'node:test';
import assert from 'node:assert/strict';
import { followDir, home } from '../../../src/hooks/home.ts';
import { rootContext } from './context.ts';

test('a new name moves the template home and the working directory follows', async () => {
  const ctx = rootContext({ NB_USER: 'alice' }, {}, '/home/jovyan/work');
  const plan = await home.plan(ctx);
  assert.deepEqual(plan.ops.map((o) => o.kind), ['move-dir', 'chdir']);
  assert.deepEqual(plan.ops[1], { kind: 'chdir', path: '/home/alice/work', why: 'the working directory follows the home' });
});

test('an existing /home/<user> is left as it is (restart)', async () => {
  const plan = await home.plan(rootContext({ NB_USER: 'alice' }, { 'home/alice/': '' }, '/'));
  assert.deepEqual(plan.ops, []);
});

test('a uid change refits only files that followed the old ids', async () => {
  const plan = await home.plan(rootContext({ NB_UID: '1010' }));
  assert.deepEqual(plan.ops, [{
    kind: 'chown-tree', path: '/home/jovyan', uid: 1010, gid: 100, recursive: true, only: { uid: 1000, gid: 100 },
    why: 'files of 1000:100 in the home follow the user to 1010:100, as usermod does',
  }]);
});

test('root triplet gets /home/root as a fresh directory', async () => {
  const plan = await home.plan(rootContext({ NB_USER: 'root', NB_UID: '0', NB_GID: '0' }, {}, '/'));
  assert.deepEqual(plan.ops.map((o) => [o.kind, 'path' in o ? o.path : '']), [['mkdir', '/home/root']]);
});

test('followDir maps only paths inside the old home', () => {
  assert.equal(followDir('/home/jovyan', '/home/jovyan', '/home/a'), '/home/a');
  assert.equal(followDir('/home/jovyanx', '/home/jovyan', '/home/a'), undefined);
  assert.equal(followDir('/srv', '/home/jovyan', '/home/a'), undefined);
});
