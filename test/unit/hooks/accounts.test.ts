import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { accounts } from '../../../src/hooks/accounts.ts';
import { parseRefitRecord, REFIT_RECORD } from '../../../src/identity/entry.ts';
import { fileWrites, rootOnly } from '../helpers.ts';
import { rootContext } from './context.ts';

test('defaults plan no writes at all', { skip: rootOnly('account files of root\'s (others are rewritten root\'s)') }, async () => {
  assert.deepEqual((await accounts.plan(rootContext({}))).ops, []);
});

test('a refit writes passwd, group, shadow and gshadow once each, keeping their modes', async () => {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' });
  const ops = (await accounts.plan(ctx)).ops;
  assert.deepEqual(ops.map((o) => o.kind), ['write-files'], 'all four as one step');
  assert.deepEqual(fileWrites(ops).map((f) => f.path), ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow', '/etc/nbstart-user']);
  assert.match(fileWrites(ops)[0]!.summary, /^1 line changed, 0 added; user alice 1010:1020 \(was jovyan 1000:100\)$/);
});

test('only a uid change leaves group files alone', { skip: rootOnly('account files of root\'s (others are rewritten root\'s)') }, async () => {
  const ops = (await accounts.plan(rootContext({ NB_UID: '1010' }))).ops;
  assert.deepEqual(fileWrites(ops).map((f) => f.path), ['/etc/passwd']);
});

test('a group-writable /etc/passwd (docker-stacks\' chmod g+w) is rewritten 0644 root:root and the start says so', async () => {
  const ctx = rootContext({});
  if (process.getuid?.() !== 0) return; // the tree must be root's for the modes to mean anything
  chmodSync(ctx.fs.real('/etc/passwd'), 0o664);
  const plan = await accounts.plan(ctx);
  const w = fileWrites(plan.ops);
  assert.deepEqual(w.map((f) => [f.path, f.mode, f.uid, f.gid]), [['/etc/passwd', 0o644, 0, 0]]);
  assert.deepEqual(plan.notes.filter((n) => n.level === 'warn').map((n) => n.msg), ['/etc/passwd was mode 0664 0:0; rewritten 0644 0:0']);
});

test('the shadow files are kept 0640 root:shadow whatever mode they had', async () => {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010' });
  if (process.getuid?.() !== 0) return;
  chmodSync(ctx.fs.real('/etc/shadow'), 0o644);
  const w = fileWrites((await accounts.plan(ctx)).ops).find((f) => f.path === '/etc/shadow')!;
  assert.deepEqual([w.mode, w.uid, w.gid], [0o640, 0, 42]);
});

test('a rename records which entry the template became, in the same step; a restart with it refits that entry only', async () => {
  const first = await accounts.plan(rootContext({ NB_USER: 'alice', NB_UID: '1010' }));
  const record = fileWrites(first.ops).find((f) => f.path === REFIT_RECORD)!;
  assert.equal(parseRefitRecord(record.content, 'jovyan'), 'alice');
  assert.equal(first.ops.filter((o) => o.kind === 'write-files').length, 1, 'with the account files, as one step');
  assert.equal(parseRefitRecord(record.content, 'other'), undefined, 'a record is about one template');
});
