import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { missingDirs, unsafeAncestor } from '../../../src/system/system-dir.ts';
import { readFs } from '../../../src/system/read-fs.ts';
import { testdir } from '../helpers.ts';

const PERSON = [100, 1010];

test('root-owned 0755 directories are safe, missing ones are created', () => {
  const root = testdir({ 'var/log/': '' });
  const rfs = readFs(root);
  assert.equal(unsafeAncestor(rfs, '/var/log/nbstart/cells.jsonl', PERSON), undefined);
  assert.deepEqual(missingDirs(rfs, '/var/log/nbstart/x'), ['/var/log/nbstart', '/var/log/nbstart/x']);
  assert.deepEqual(missingDirs(rfs, '/var/log'), []);
});

test('group-writable: fine for a group the person is not in (Ubuntu\'s root:syslog 0775 /var/log), refused otherwise', () => {
  const root = testdir({ 'var/log/': '' });
  const log = path.join(root, 'var/log');
  fs.chmodSync(log, 0o775);
  if (process.geteuid?.() === 0) {
    fs.chownSync(log, 0, 102);
    assert.equal(unsafeAncestor(readFs(root), '/var/log/nbstart', PERSON), undefined);
    fs.chownSync(log, 0, 100);
    assert.equal(unsafeAncestor(readFs(root), '/var/log/nbstart', PERSON), '/var/log is writable by group 100, which the user is in (mode 775)');
  }
  fs.chmodSync(log, 0o1777);
  assert.match(unsafeAncestor(readFs(root), '/var/log/nbstart', PERSON) ?? '', /^\/var\/log is writable by others \(mode 1777\)$/);
});

test('links and foreign owners on the way are refused', () => {
  const root = testdir({ 'real/': '', 'usr/': '' });
  fs.symlinkSync('../real', path.join(root, 'usr/local'));
  assert.equal(unsafeAncestor(readFs(root), '/usr/local/share/x', PERSON), '/usr/local is a symbolic link');
  if (process.geteuid?.() === 0) {
    fs.chownSync(path.join(root, 'real'), 1010, 100);
    assert.equal(unsafeAncestor(readFs(root), '/real/x', PERSON), '/real belongs to uid 1010, not root');
  }
});
