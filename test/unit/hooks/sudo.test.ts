import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sudo, sudoersText } from '../../../src/hooks/sudo.ts';
import { fileWrites } from '../helpers.ts';
import { rootContext } from './context.ts';

const SUDOERS = 'Defaults\tenv_reset\nDefaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\n';

test('GRANT_SUDO writes a 0440 drop-in by uid with conda bin first on secure_path', async () => {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010', GRANT_SUDO: 'yes' }, { 'etc/sudoers': SUDOERS, 'etc/sudoers.d/': '' });
  const plan = await sudo.plan(ctx);
  const op = fileWrites(plan.ops)[0]!;
  assert.equal(op.path, '/etc/sudoers.d/nbstart');
  assert.equal(op.mode, 0o440);
  assert.match(op.content, /^Defaults secure_path="\/opt\/conda\/bin:\/usr\/local\/sbin:/m);
  assert.match(op.content, /^#1010 ALL=\(ALL:ALL\) NOPASSWD: ALL$/m);
  assert.equal(op.validate, undefined, 'no visudo in the test tree: the generated file is written unchecked');
});

test('without GRANT_SUDO an earlier drop-in is removed, and nothing is written when absent', async () => {
  const had = await sudo.plan(rootContext({}, { 'etc/sudoers.d/nbstart': 'x' }));
  assert.deepEqual(had.ops.map((o) => o.kind), ['remove']);
  assert.deepEqual((await sudo.plan(rootContext({}, { 'etc/sudoers.d/': '' }))).ops, []);
});

test('an identical drop-in is not rewritten', async () => {
  const content = sudoersText('alice', 1010, '/usr/bin:/bin', '/opt/conda/bin');
  const plan = await sudo.plan(rootContext({ NB_USER: 'alice', NB_UID: '1010', GRANT_SUDO: '1' }, { 'etc/sudoers': 'Defaults secure_path="/usr/bin:/bin"\n', 'etc/sudoers.d/nbstart': content }));
  assert.deepEqual(plan.ops, []);
});

test('an image without sudo gets a warning, not a file', async () => {
  const plan = await sudo.plan(rootContext({ GRANT_SUDO: 'yes', NB_UID: '1010' }));
  assert.deepEqual(plan.ops, []);
  assert.match(plan.notes[0]!.msg, /no sudo/);
});
