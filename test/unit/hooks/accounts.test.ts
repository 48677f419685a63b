import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accounts } from '../../../src/hooks/accounts.ts';
import { fileWrites } from '../helpers.ts';
import { rootContext } from './context.ts';

test('defaults plan no writes at all', async () => {
  assert.deepEqual((await accounts.plan(rootContext({}))).ops, []);
});

test('a refit writes passwd, group, shadow and gshadow once each, keeping their modes', async () => {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' });
  const ops = (await accounts.plan(ctx)).ops;
  assert.deepEqual(ops.map((o) => o.kind), ['write-files'], 'all four as one step');
  assert.deepEqual(fileWrites(ops).map((f) => f.path), ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow']);
  assert.match(fileWrites(ops)[0]!.summary, /^1 line changed, 0 added; user alice 1010:1020 \(was jovyan 1000:100\)$/);
});

test('only a uid change leaves group files alone', async () => {
  const ops = (await accounts.plan(rootContext({ NB_UID: '1010' }))).ops;
  assert.deepEqual(fileWrites(ops).map((f) => f.path), ['/etc/passwd']);
});
