// The read-only view planners read through: every path under the root prefix, missing and denied
// as values rather than exceptions, and nothing that can write.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFs } from '../../../src/system/read-fs.ts';
import { testdir } from '../helpers.ts';

function tree(): string {
  const root = testdir({ 'etc/passwd': 'root:x:0:0::/root:/bin/sh\n', 'home/jovyan/b': 'bb', 'home/jovyan/a/': '', 'home/jovyan/c': '' });
  fs.chmodSync(path.join(root, 'etc/passwd'), 0o4644);
  fs.symlinkSync('passwd', path.join(root, 'etc/link'));
  fs.symlinkSync('/nonexistent', path.join(root, 'etc/dangling'));
  return root;
}

test('paths are read under the prefix; real() says where', () => {
  const root = tree();
  const f = readFs(root);
  assert.equal(f.root, root);
  assert.equal(f.real('/etc/passwd'), path.join(root, 'etc/passwd'));
  assert.equal(readFs('').real('/etc/passwd'), '/etc/passwd');
  assert.equal(f.readText('/etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
  assert.equal(f.readText('/etc/none'), undefined);
  assert.throws(() => f.readText('/etc'), { code: 'EISDIR' }, 'other errors are thrown');
});

test('lstat and stat: kinds, owner, mode (with setuid bits, without the type), size; missing for ENOENT and ENOTDIR', () => {
  const f = readFs(tree());
  const p = f.lstat('/etc/passwd');
  const real = fs.statSync(f.real('/etc/passwd'));
  assert.deepEqual(p, { kind: 'file', uid: real.uid, gid: real.gid, mode: 0o4644, dev: real.dev, size: 26 });
  assert.equal(f.lstat('/etc/link').kind, 'link');
  assert.deepEqual(f.stat('/etc/link'), p, 'stat follows the link');
  assert.equal(f.lstat('/etc/dangling').kind, 'link');
  assert.equal(f.stat('/etc/dangling').kind, 'missing');
  assert.equal(f.lstat('/home/jovyan/a').kind, 'dir');
  assert.deepEqual(f.lstat('/nonexistent'), { kind: 'missing' });
  assert.deepEqual(f.lstat('/etc/passwd/below'), { kind: 'missing' }, 'ENOTDIR');
});

test('other kinds: a FIFO is "other"', { skip: spawnSync('mkfifo', ['--version']).status !== 0 && 'no mkfifo' }, () => {
  const root = tree();
  spawnSync('mkfifo', [path.join(root, 'etc/fifo')]);
  assert.equal(readFs(root).lstat('/etc/fifo').kind, 'other');
});

test('denied for EACCES: a directory the process may not search', { skip: process.getuid!() === 0 && 'root may search any directory' }, () => {
  const root = tree();
  fs.chmodSync(path.join(root, 'home/jovyan'), 0o000);
  try {
    assert.deepEqual(readFs(root).lstat('/home/jovyan/b'), { kind: 'denied' });
    assert.deepEqual(readFs(root).stat('/home/jovyan/b'), { kind: 'denied' });
    assert.equal(readFs(root).access('/home/jovyan/b', fs.constants.R_OK), false);
  } finally {
    fs.chmodSync(path.join(root, 'home/jovyan'), 0o755);
  }
});

test('readdir: sorted names, undefined when missing, an error for a file; readlink: the target or undefined', () => {
  const f = readFs(tree());
  assert.deepEqual(f.readdir('/home/jovyan'), ['a', 'b', 'c']);
  assert.equal(f.readdir('/home/none'), undefined);
  assert.throws(() => f.readdir('/etc/passwd'), { code: 'ENOTDIR' });
  assert.equal(f.readlink('/etc/link'), 'passwd');
  assert.equal(f.readlink('/etc/passwd'), undefined);
  assert.equal(f.readlink('/none'), undefined);
});

test('access as the current process', () => {
  const f = readFs(tree());
  assert.equal(f.access('/etc/passwd', fs.constants.R_OK), true);
  assert.equal(f.access('/etc/passwd', fs.constants.X_OK), false);
  assert.equal(f.access('/none', fs.constants.F_OK), false);
});

test('tree: entries and bytes below a path, complete within the limits, incomplete past them or when unreadable', () => {
  const f = readFs(tree());
  const all = f.tree('/home/jovyan', { entries: 100, bytes: 100 });
  assert.deepEqual(all, { entries: 3, bytes: 2, complete: true });
  assert.equal(f.tree('/home/jovyan', { entries: 2, bytes: 100 }).complete, false);
  assert.equal(f.tree('/home/jovyan', { entries: 100, bytes: 1 }).complete, false);
  assert.deepEqual(f.tree('/nonexistent', { entries: 100, bytes: 100 }).complete, false);
});

test('the view has no method that writes', () => {
  assert.deepEqual(Object.keys(readFs('/')).sort(), ['access', 'readText', 'readdir', 'readlink', 'real', 'root', 'lstat', 'stat', 'tree'].sort());
});
