// Op remove: one file or link, never a directory, never following a link.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyRemove } from '../../../src/ops/remove.ts';
import { testdir } from '../helpers.ts';
import { applyContext } from './apply-context.ts';

test('removes a file; a missing one is fine; each is logged', () => {
  const root = testdir({ 'etc/.passwd.nbstart-tmp': 'half' });
  const { ctx, msgs } = applyContext(root);
  applyRemove({ kind: 'remove', path: '/etc/.passwd.nbstart-tmp', why: 'w' }, ctx);
  applyRemove({ kind: 'remove', path: '/etc/.passwd.nbstart-tmp', why: 'w' }, ctx);
  assert.deepEqual(fs.readdirSync(path.join(root, 'etc')), []);
  assert.deepEqual(msgs('info'), ['removed /etc/.passwd.nbstart-tmp', 'removed /etc/.passwd.nbstart-tmp']);
});

test('a link is removed itself; what it points to stays', () => {
  const root = testdir({ 'etc/shadow': 'keep' });
  fs.symlinkSync(path.join(root, 'etc/shadow'), path.join(root, 'etc/.group.nbstart-tmp'));
  applyRemove({ kind: 'remove', path: '/etc/.group.nbstart-tmp', why: 'w' }, applyContext(root).ctx);
  assert.deepEqual(fs.readdirSync(path.join(root, 'etc')), ['shadow']);
  assert.equal(fs.readFileSync(path.join(root, 'etc/shadow'), 'utf8'), 'keep');
});

test('a directory is never removed, empty or not', () => {
  const root = testdir({ 'etc/.x.nbstart-tmp/inner': 'i', 'etc/.y.nbstart-tmp/': '' });
  for (const p of ['/etc/.x.nbstart-tmp', '/etc/.y.nbstart-tmp']) {
    assert.throws(() => applyRemove({ kind: 'remove', path: p, why: 'w' }, applyContext(root).ctx), /directory|EISDIR/);
  }
  assert.equal(fs.readFileSync(path.join(root, 'etc/.x.nbstart-tmp/inner'), 'utf8'), 'i');
  assert.ok(fs.statSync(path.join(root, 'etc/.y.nbstart-tmp')).isDirectory());
});
