// Op symlink: points a path at a target; a link pointing elsewhere is replaced atomically, a real
// file or directory is left alone, except an empty directory when the plan says so.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applySymlink, type SymlinkOp } from '../../../src/ops/symlink.ts';
import { testdir } from '../helpers.ts';
import { applyContext } from './apply-context.ts';

const op = (p: string, target: string, replaceEmptyDir?: boolean): SymlinkOp => ({ kind: 'symlink', path: p, target, why: '[home] links', ...(replaceEmptyDir && { replaceEmptyDir }) });

test('a missing path becomes the link (the target as given, an image path); logged', () => {
  const root = testdir({ 'home/alice/': '' });
  const { ctx, lines } = applyContext(root);
  applySymlink(op('/home/alice/work', '/mnt/home/alice/work'), ctx);
  assert.equal(fs.readlinkSync(path.join(root, 'home/alice/work')), '/mnt/home/alice/work');
  assert.deepEqual(lines.map((l) => [l.level, l.msg]), [['info', 'linked /home/alice/work -> /mnt/home/alice/work']]);
});

test('a link that already points there is left as it is, without a word', () => {
  const root = testdir({ 'home/alice/': '' });
  const p = path.join(root, 'home/alice/work');
  fs.symlinkSync('/mnt/home/alice/work', p);
  const ino = fs.lstatSync(p).ino;
  const { ctx, lines } = applyContext(root);
  applySymlink(op('/home/alice/work', '/mnt/home/alice/work'), ctx);
  assert.equal(fs.lstatSync(p).ino, ino);
  assert.deepEqual(lines, []);
});

test('a link that points elsewhere is replaced by a rename (no moment without a link); no temp link stays', () => {
  const root = testdir({ 'home/alice/': '' });
  fs.symlinkSync('/tmp', path.join(root, 'home/alice/work'));
  fs.writeFileSync(path.join(root, 'home/alice/.work.nbstart-tmp'), 'stale');
  applySymlink(op('/home/alice/work', '/mnt/home/alice/work'), applyContext(root).ctx);
  assert.equal(fs.readlinkSync(path.join(root, 'home/alice/work')), '/mnt/home/alice/work');
  assert.deepEqual(fs.readdirSync(path.join(root, 'home/alice')), ['work']);
});

test('a real file or directory is left alone, with an error that says which', () => {
  const root = testdir({ 'home/alice/notes': 'mine', 'home/alice/data/x': 'x', 'home/alice/empty/': '' });
  assert.throws(() => applySymlink(op('/home/alice/notes', '/mnt/n'), applyContext(root).ctx), { message: '/home/alice/notes is a real file; left alone' });
  assert.throws(() => applySymlink(op('/home/alice/data', '/mnt/d'), applyContext(root).ctx), { message: '/home/alice/data is a real directory; left alone' });
  assert.throws(() => applySymlink(op('/home/alice/empty', '/mnt/e'), applyContext(root).ctx), { message: '/home/alice/empty is a real directory; left alone' }, 'empty, but not planned away');
  assert.equal(fs.readFileSync(path.join(root, 'home/alice/notes'), 'utf8'), 'mine');
  assert.ok(fs.lstatSync(path.join(root, 'home/alice/empty')).isDirectory());
});

test('replaceEmptyDir: an empty directory gives way to the link; one that is not empty stays (ENOTEMPTY)', () => {
  const root = testdir({ 'home/alice/work/': '', 'home/alice/data/file': 'f' });
  applySymlink(op('/home/alice/work', '/mnt/home/alice/work', true), applyContext(root).ctx);
  assert.equal(fs.readlinkSync(path.join(root, 'home/alice/work')), '/mnt/home/alice/work');
  assert.throws(() => applySymlink(op('/home/alice/data', '/mnt/home/alice/data', true), applyContext(root).ctx), /ENOTEMPTY/);
  assert.equal(fs.readFileSync(path.join(root, 'home/alice/data/file'), 'utf8'), 'f');
  const root2 = testdir({ 'home/alice/': '' });
  applySymlink(op('/home/alice/work', '/mnt/w', true), applyContext(root2).ctx);
  assert.equal(fs.readlinkSync(path.join(root2, 'home/alice/work')), '/mnt/w', 'nothing there: an ordinary link');
});
