import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyTree } from '../../../src/system/copy-tree.ts';
import { testdir } from '../helpers.ts';

test('copyTree keeps bytes, modes, times and links, and never overwrites', () => {
  const root = testdir({ 'src/.bashrc': 'x'.repeat(200_000), 'src/.config/a': 'a' });
  const src = path.join(root, 'src');
  fs.symlinkSync('.config/a', path.join(src, 'link'));
  fs.chmodSync(path.join(src, '.bashrc'), 0o640);
  fs.chmodSync(path.join(src, '.config'), 0o2750);
  fs.utimesSync(path.join(src, '.bashrc'), 1_000_000, 1_000_000);
  const dst = path.join(root, 'dst');
  copyTree(src, dst);
  assert.equal(fs.readFileSync(path.join(dst, '.bashrc'), 'utf8'), 'x'.repeat(200_000));
  assert.equal(fs.statSync(path.join(dst, '.bashrc')).mode & 0o7777, 0o640);
  assert.equal(fs.statSync(path.join(dst, '.config')).mode & 0o7777, 0o2750);
  assert.equal(fs.statSync(path.join(dst, '.bashrc')).mtimeMs, 1_000_000_000);
  assert.equal(fs.readlinkSync(path.join(dst, 'link')), '.config/a');
  assert.throws(() => copyTree(src, dst), /EEXIST/);
});
