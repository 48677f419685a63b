import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commitWrite, discardWrite, stageWrite, tempPathFor, writeFileAtomic } from '../../../src/system/atomic-write.ts';
import { testdir } from '../helpers.ts';

const me = { mode: 0o644, uid: process.getuid!(), gid: process.getgid!() };

test('a write replaces the file whole and leaves no temp file', () => {
  const root = testdir({ 'etc/passwd': 'old\n' });
  const target = path.join(root, 'etc/passwd');
  assert.equal(writeFileAtomic(target, 'new\n', me), 'replaced');
  assert.equal(fs.readFileSync(target, 'utf8'), 'new\n');
  assert.deepEqual(fs.readdirSync(path.join(root, 'etc')), ['passwd']);
});

test('staging touches no target: a later failure discards every temp file', () => {
  const root = testdir({ 'etc/passwd': 'old passwd\n', 'etc/group': 'old group\n' });
  const a = stageWrite(path.join(root, 'etc/passwd'), 'new passwd\n', me);
  assert.ok(fs.existsSync(tempPathFor(path.join(root, 'etc/passwd'))));
  assert.throws(() => stageWrite(path.join(root, 'etc/group'), 'x', { ...me, validate: ['false'] }), /false rejected the new file/);
  discardWrite(a);
  assert.equal(fs.readFileSync(path.join(root, 'etc/passwd'), 'utf8'), 'old passwd\n');
  assert.deepEqual(fs.readdirSync(path.join(root, 'etc')).sort(), ['group', 'passwd']);
});

test('a stale temp file from a killed start is replaced, not appended to', () => {
  const root = testdir({ 'etc/group': 'old\n', 'etc/.group.nbstart-tmp': 'half-writ' });
  const s = stageWrite(path.join(root, 'etc/group'), 'new\n', me);
  assert.equal(commitWrite(s), 'replaced');
  assert.equal(fs.readFileSync(path.join(root, 'etc/group'), 'utf8'), 'new\n');
  assert.deepEqual(fs.readdirSync(path.join(root, 'etc')), ['group']);
});

test('a guarded write checks every directory where it writes: one the person may write is refused, the file untouched', () => {
  if (process.getuid?.() !== 0) return; // the directories must belong to someone else
  const root = testdir({ 'etc/jupyter/labconfig/page_config.json': 'old\n', 'etc/ok/f': 'old\n' });
  const opts = { mode: 0o644, uid: 0, gid: 0, guard: [100, 1010], top: root };
  fs.chownSync(path.join(root, 'etc/jupyter'), 1010, 100); // handed to the person (CHOWN_EXTRA=/etc/jupyter)
  assert.throws(() => writeFileAtomic(path.join(root, 'etc/jupyter/labconfig/page_config.json'), 'new\n', opts), /root will not write .*etc\/jupyter belongs to uid 1010, not root/);
  fs.chownSync(path.join(root, 'etc/jupyter'), 0, 100);
  fs.chmodSync(path.join(root, 'etc/jupyter'), 0o775);
  assert.throws(() => writeFileAtomic(path.join(root, 'etc/jupyter/labconfig/page_config.json'), 'new\n', opts), /etc\/jupyter is writable by group 100, which the person is in/);
  assert.equal(fs.readFileSync(path.join(root, 'etc/jupyter/labconfig/page_config.json'), 'utf8'), 'old\n');
  assert.equal(writeFileAtomic(path.join(root, 'etc/ok/f'), 'new\n', opts), 'replaced');
  fs.symlinkSync(path.join(root, 'etc/ok'), path.join(root, 'etc/planted'));
  fs.lchownSync(path.join(root, 'etc/planted'), 1010, 1010);
  assert.throws(() => writeFileAtomic(path.join(root, 'etc/planted/f'), 'x\n', opts), /is a symbolic link root did not make/);
});
