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
