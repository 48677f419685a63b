// A directory of one uid's own in a shared place: reused only when it is that uid's and closed to
// others; anything else (a link, another uid's, open, a file) is left alone for a fresh name beside it.
// (Moved here from test/unit/hooks/nss-wrapper.test.ts, whose hook uses it.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { notPrivate, privateDir } from '../../../src/system/private-dir.ts';
import { readFs, type ReadFs, type Stat } from '../../../src/system/read-fs.ts';
import { testdir } from '../helpers.ts';

test('privateDir: only a directory of the uid itself, closed to others, is reused', () => {
  const fsWith = (st: Stat): ReadFs => ({ ...readFs('/'), lstat: () => st });
  const dir = '/tmp/nbstart-nss-1010';
  const meta = { dev: 1, size: 0 };
  assert.deepEqual(privateDir(fsWith({ kind: 'missing' }), dir, 1010, 'n0nce', 'nss_wrapper files'), { dir });
  assert.deepEqual(privateDir(fsWith({ kind: 'dir', uid: 1010, gid: 0, mode: 0o700, ...meta }), dir, 1010, 'n0nce', 'nss_wrapper files'), { dir });
  for (const [st, why] of [
    [{ kind: 'dir', uid: 1011, gid: 0, mode: 0o700, ...meta }, 'a directory of uid 1011'],
    [{ kind: 'dir', uid: 0, gid: 0, mode: 0o1777, ...meta }, 'a directory of uid 0'],
    [{ kind: 'dir', uid: 1010, gid: 0, mode: 0o770, ...meta }, 'open to others (mode 770)'],
    [{ kind: 'link', uid: 1010, gid: 0, mode: 0o777, ...meta }, 'a symbolic link'],
    [{ kind: 'file', uid: 1010, gid: 0, mode: 0o600, ...meta }, 'not a directory'],
    [{ kind: 'denied' }, 'not readable'],
  ] as [Stat, string][]) {
    const r = privateDir(fsWith(st), dir, 1010, 'n0nce', 'nss_wrapper files');
    assert.notEqual(r.dir, dir);
    assert.ok(r.note!.includes(`${dir} is ${why}: not used`), String(r.note));
  }
});

test('notPrivate on a real tree: the test user\'s own 0700 directory is private; 0750, a link, a file are not', () => {
  const root = testdir({ 'tmp/mine/': '', 'tmp/shared/': '', 'tmp/file': '' });
  fs.chmodSync(path.join(root, 'tmp/mine'), 0o700);
  fs.chmodSync(path.join(root, 'tmp/shared'), 0o750);
  fs.symlinkSync(path.join(root, 'tmp/mine'), path.join(root, 'tmp/link'));
  const f = readFs(root);
  const me = process.getuid!();
  assert.equal(notPrivate(f.lstat('/tmp/mine'), me), undefined);
  assert.equal(notPrivate(f.lstat('/tmp/missing'), me), undefined, 'missing: it will be made');
  assert.equal(notPrivate(f.lstat('/tmp/shared'), me), 'open to others (mode 750)');
  assert.equal(notPrivate(f.lstat('/tmp/link'), me), 'a symbolic link');
  assert.equal(notPrivate(f.lstat('/tmp/file'), me), 'not a directory');
  assert.equal(notPrivate(f.lstat('/tmp/mine'), me + 1), `a directory of uid ${me}`);
});

test('privateDir: the fresh name is the well-known one with the start\'s nonce; the note agrees with what goes there', () => {
  const root = testdir({ 'tmp/nbstart-home-1010': 'a file' });
  const f = readFs(root);
  assert.deepEqual(privateDir(f, '/tmp/nbstart-home-1010', 1010, 'abc123', 'the scratch home'),
    { dir: '/tmp/nbstart-home-1010-abc123', note: '/tmp/nbstart-home-1010 is not a directory: not used; the scratch home goes to /tmp/nbstart-home-1010-abc123' });
  assert.equal(privateDir(f, '/tmp/nbstart-home-1010', 1010, 'abc123', 'nss_wrapper files').note, '/tmp/nbstart-home-1010 is not a directory: not used; nss_wrapper files go to /tmp/nbstart-home-1010-abc123');
  assert.deepEqual(privateDir(f, '/tmp/nbstart-nss-1010', 1010, 'abc123', 'x'), { dir: '/tmp/nbstart-nss-1010' });
});
