import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '../../../src/log.ts';
import { applySymlink } from '../../../src/ops/symlink.ts';
import { testdir } from '../helpers.ts';

const ctx = (root: string) => ({ root, state: { env: {}, cwd: '/' }, log: createLogger('silent', 'json'), scripts: { timeoutMs: 0, onFailure: () => 'continue' as const } });
const op = { kind: 'symlink', path: '/home/jovyan/work', target: '/mnt/home/jovyan/work', replaceEmptyDir: true, why: 'w' } as const;

test('an empty directory the plan gave up is replaced by the link', () => {
  const root = testdir({ 'home/jovyan/work/': '' });
  applySymlink(op, ctx(root));
  assert.equal(fs.readlinkSync(path.join(root, 'home/jovyan/work')), '/mnt/home/jovyan/work');
});

test('a file that arrived in it since the plan keeps the directory (and its file)', () => {
  const root = testdir({ 'home/jovyan/work/late.txt': 'x' });
  assert.throws(() => applySymlink(op, ctx(root)), /ENOTEMPTY/);
  assert.equal(fs.readFileSync(path.join(root, 'home/jovyan/work/late.txt'), 'utf8'), 'x');
});

test('without replaceEmptyDir a real directory is never replaced', () => {
  const root = testdir({ 'home/jovyan/work/': '' });
  assert.throws(() => applySymlink({ ...op, replaceEmptyDir: false }, ctx(root)), /is a real directory; left alone/);
  assert.ok(fs.lstatSync(path.join(root, 'home/jovyan/work')).isDirectory());
});
