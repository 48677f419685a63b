import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
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

test('copies files, modes and times; links are copied as links, never read through', () => {
  const root = testdir({ 'home/jovyan/.bashrc': 'alias ll=ls\n', 'home/jovyan/work/nb.ipynb': '{}', 'etc/shadow': 'root:secret:' });
  fs.chmodSync(`${root}/home/jovyan/work/nb.ipynb`, 0o640);
  fs.utimesSync(`${root}/home/jovyan/.bashrc`, 1_000_000, 1_000_000);
  fs.symlinkSync(`${root}/etc/shadow`, `${root}/home/jovyan/shadow-link`);
  fs.symlinkSync(`${root}/etc`, `${root}/home/jovyan/etc-link`);
  copyTree(`${root}/home/jovyan`, `${root}/home/alice`);
  assert.equal(fs.readFileSync(`${root}/home/alice/.bashrc`, 'utf8'), 'alias ll=ls\n');
  assert.equal(fs.statSync(`${root}/home/alice/.bashrc`).mtimeMs, 1_000_000_000);
  assert.equal(fs.statSync(`${root}/home/alice/work/nb.ipynb`).mode & 0o777, 0o640);
  assert.equal(fs.readlinkSync(`${root}/home/alice/shadow-link`), `${root}/etc/shadow`);
  assert.equal(fs.readlinkSync(`${root}/home/alice/etc-link`), `${root}/etc`);
  assert.deepEqual(fs.readdirSync(`${root}/home/alice`).sort(), ['.bashrc', 'etc-link', 'shadow-link', 'work']);
});

test('fifos, sockets and devices are left out (a fifo would block the open)', () => {
  const root = testdir({ 'home/jovyan/f': 'x' });
  execFileSync('mkfifo', [`${root}/home/jovyan/pipe`]);
  copyTree(`${root}/home/jovyan`, `${root}/home/alice`);
  assert.deepEqual(fs.readdirSync(`${root}/home/alice`), ['f']);
});

test('a template home that is a link planted in a directory others can write is not copied through', () => {
  const root = testdir({ 'home/': '', 'etc/shadow': 'root:secret:' });
  fs.chmodSync(`${root}/home`, 0o777);
  fs.symlinkSync(`${root}/etc`, `${root}/home/jovyan`);
  copyTree(`${root}/home/jovyan`, `${root}/home/alice`); // the link itself is copied, as cp -a does
  assert.equal(fs.readlinkSync(`${root}/home/alice`), `${root}/etc`);
});
