// Op mkdir: one directory with its owner and mode; an existing directory is accepted (a private one
// only when it is the owner's and closed to others), a file or a link in its place never is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyMkdir, type MkdirOp } from '../../../src/ops/mkdir.ts';
import { testdir } from '../helpers.ts';
import { applyContext } from './apply-context.ts';

const me = process.getuid!();
const isRoot = me === 0;
const op = (p: string, over: Partial<MkdirOp> = {}): MkdirOp => ({ kind: 'mkdir', path: p, mode: 0o775, uid: 1010, gid: 1020, why: 'w', ...over });

test('a new directory gets the mode exactly (whatever the umask) and, as root, the owner', () => {
  const root = testdir({ 'home/': '' });
  const { ctx, lines } = applyContext(root);
  const old = process.umask(0o077);
  try {
    applyMkdir(op('/home/alice'), ctx);
  } finally {
    process.umask(old);
  }
  const st = fs.lstatSync(path.join(root, 'home/alice'));
  assert.ok(st.isDirectory());
  assert.equal(st.mode & 0o7777, 0o775);
  if (isRoot) assert.deepEqual([st.uid, st.gid], [1010, 1020]);
  else assert.equal(st.uid, me, 'not root: it stays the test user\'s');
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l['why']]), [['info', 'created /home/alice', 'w']]);
});

test('an existing directory is accepted as it is (mode and owner unchanged)', () => {
  const root = testdir({ 'home/alice/': '' });
  fs.chmodSync(path.join(root, 'home/alice'), 0o700);
  applyMkdir(op('/home/alice', { uid: me, gid: process.getgid!() }), applyContext(root).ctx);
  assert.equal(fs.statSync(path.join(root, 'home/alice')).mode & 0o7777, 0o700);
});

test('a file or a symbolic link in its place is refused, and left as it is', () => {
  const root = testdir({ 'home/alice': 'a file', 'elsewhere/': '' });
  fs.symlinkSync(path.join(root, 'elsewhere'), path.join(root, 'home/bob'));
  assert.throws(() => applyMkdir(op('/home/alice'), applyContext(root).ctx), { message: `${root}/home/alice exists and is not a directory` });
  assert.throws(() => applyMkdir(op('/home/bob'), applyContext(root).ctx), { message: `${root}/home/bob exists and is not a directory` });
  assert.equal(fs.readFileSync(path.join(root, 'home/alice'), 'utf8'), 'a file');
  assert.ok(fs.lstatSync(path.join(root, 'home/bob')).isSymbolicLink());
});

test('a missing parent is an error (parents are planned as ops of their own)', () => {
  assert.throws(() => applyMkdir(op('/no/such/dir'), applyContext(testdir({})).ctx), /ENOENT/);
});

test('private: an existing directory must be the owner\'s and closed to others', () => {
  const root = testdir({ 'tmp/open/': '', 'tmp/mine/': '' });
  fs.chmodSync(path.join(root, 'tmp/open'), 0o755);
  fs.chmodSync(path.join(root, 'tmp/mine'), 0o700);
  const mine = { uid: me, gid: process.getgid!(), mode: 0o700, private: true };
  assert.throws(() => applyMkdir(op('/tmp/open', mine), applyContext(root).ctx), { message: `${root}/tmp/open exists and is open to others (mode 755): not used` });
  applyMkdir(op('/tmp/mine', mine), applyContext(root).ctx);
  const fresh = path.join(root, 'tmp/fresh');
  applyMkdir(op('/tmp/fresh', mine), applyContext(root).ctx);
  assert.equal(fs.statSync(fresh).mode & 0o7777, 0o700);
});

test('private, as root: a directory of another uid is not used, even closed', { skip: !isRoot && 'needs root to make a directory of another uid' }, () => {
  const root = testdir({ 'tmp/nbstart-nss-1010/': '' });
  const d = path.join(root, 'tmp/nbstart-nss-1010');
  fs.chmodSync(d, 0o700);
  fs.chownSync(d, 2000, 2000);
  assert.throws(() => applyMkdir(op('/tmp/nbstart-nss-1010', { uid: 1010, mode: 0o700, private: true }), applyContext(root).ctx),
    { message: `${d} exists and is a directory of uid 2000: not used` });
});

test('not root: an existing directory of someone else is refused (the person could not use it)', { skip: isRoot && 'as root any owner is accepted' }, () => {
  assert.throws(() => applyMkdir(op('/tmp'), applyContext('').ctx), { message: '/tmp exists and belongs to uid 0' });
});
