// Op write-files: whole files as one step, all or none (the four account files together:
// test/unit/plan/apply.test.ts); modes, owners, the log, and errors that say what was left as it was.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyWriteFiles, type FileWrite } from '../../../src/ops/write-files.ts';
import { testdir } from '../helpers.ts';
import { applyContext } from './apply-context.ts';

const isRoot = process.getuid!() === 0;
const file = (p: string, content: string, over: Partial<FileWrite> = {}): FileWrite => ({
  path: p, content, mode: 0o640, uid: process.getuid!(), gid: process.getgid!(), summary: '1 line', ...over,
});

test('each file replaces its target with the content and mode given; one info line each', () => {
  const root = testdir({ 'etc/passwd': 'old\n' });
  fs.chmodSync(path.join(root, 'etc/passwd'), 0o666);
  const { ctx, lines } = applyContext(root);
  applyWriteFiles({ kind: 'write-files', why: 'alice', files: [file('/etc/passwd', 'new\n', { mode: 0o644 }), file('/etc/nbstart-user', 'jovyan:alice\n', { summary: 'the record' })] }, ctx);
  assert.equal(fs.readFileSync(path.join(root, 'etc/passwd'), 'utf8'), 'new\n');
  assert.equal(fs.statSync(path.join(root, 'etc/passwd')).mode & 0o7777, 0o644);
  assert.equal(fs.statSync(path.join(root, 'etc/nbstart-user')).mode & 0o7777, 0o640);
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l['how'], l['why']]), [
    ['info', 'wrote /etc/passwd (1 line)', 'replaced', 'alice'], ['info', 'wrote /etc/nbstart-user (the record)', 'replaced', 'alice'],
  ]);
  assert.deepEqual(fs.readdirSync(path.join(root, 'etc')).sort(), ['nbstart-user', 'passwd'], 'no temp file left');
});

test('as root, the owner is the file\'s', { skip: !isRoot && 'needs root to give files away' }, () => {
  const root = testdir({ 'etc/': '' });
  applyWriteFiles({ kind: 'write-files', why: 'w', files: [file('/etc/shadow', 's\n', { uid: 0, gid: 42 })] }, applyContext(root).ctx);
  const st = fs.statSync(path.join(root, 'etc/shadow'));
  assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [0, 42, 0o640]);
});

test('a file that cannot be staged: one error naming it; a single file "is as it was", several "nothing written"', () => {
  const root = testdir({ 'etc/passwd': 'old\n' });
  assert.throws(() => applyWriteFiles({ kind: 'write-files', why: 'w', files: [file('/nodir/x', 'x')] }, applyContext(root).ctx),
    /^Error: write \/nodir\/x: ENOENT.* \(the file is as it was\)$/);
  assert.throws(() => applyWriteFiles({ kind: 'write-files', why: 'w', files: [file('/etc/passwd', 'new\n'), file('/nodir/group', 'g')] }, applyContext(root).ctx),
    /^Error: write \/nodir\/group: ENOENT.* \(nothing written: \/etc\/passwd, \/nodir\/group are as they were\)$/);
  assert.equal(fs.readFileSync(path.join(root, 'etc/passwd'), 'utf8'), 'old\n');
  assert.deepEqual(fs.readdirSync(path.join(root, 'etc')), ['passwd'], 'the first file\'s staged temp file is gone');
});

test('a guarded write (root writing a system file) refuses a directory others can write, before anything is written', () => {
  const root = testdir({ 'etc/ssh/': '' });
  fs.chmodSync(path.join(root, 'etc/ssh'), 0o777);
  assert.throws(() => applyWriteFiles({ kind: 'write-files', why: 'w', files: [file('/etc/ssh/ssh_known_hosts', 'k\n', { guard: [100] })] }, applyContext(root).ctx),
    (err: Error) => /^write \/etc\/ssh\/ssh_known_hosts: root will not write .*\/etc\/ssh\/ssh_known_hosts: .*\/etc\/ssh is writable by others \(mode 777\) \(the file is as it was\)$/.test(err.message));
  assert.deepEqual(fs.readdirSync(path.join(root, 'etc/ssh')), []);
});

test('a validator that refuses the new file: the target stays as it was', () => {
  const root = testdir({ 'etc/sudoers.d/nbstart': 'old\n' });
  assert.throws(() => applyWriteFiles({ kind: 'write-files', why: 'w', files: [file('/etc/sudoers.d/nbstart', 'broken\n', { validate: ['/bin/false'] })] }, applyContext(root).ctx),
    /write \/etc\/sudoers.d\/nbstart: \/bin\/false rejected the new file.*\(the file is as it was\)/);
  assert.equal(fs.readFileSync(path.join(root, 'etc/sudoers.d/nbstart'), 'utf8'), 'old\n');
});
