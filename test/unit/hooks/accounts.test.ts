import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accounts } from '../../../src/hooks/accounts.ts';
import { rootContext } from './context.ts';

test('defaults plan no writes at all', async () => {
  assert.deepEqual((await accounts.plan(rootContext({}))).ops, []);
});

test('a refit writes passwd, group, shadow and gshadow once each, keeping their modes', async () => {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' });
  const ops = (await accounts.plan(ctx)).ops;
  assert.deepEqual(ops.map((o) => (o.kind === 'write-file' ? o.path : o.kind)), ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow']);
  const passwd = ops[0]!;
  assert.ok(passwd.kind === 'write-file' && passwd.summary === '1 line changed, 0 added');
});

test('only a uid change leaves group files alone', async () => {
  const ops = (await accounts.plan(rootContext({ NB_UID: '1010' }))).ops;
  assert.deepEqual(ops.map((o) => (o.kind === 'write-file' ? o.path : o.kind)), ['/etc/passwd']);
});
