// chown-tree's decisions and walk, without root: ownership is given to the test's own uid/gid (which
// every user may do), so what is observed is which entries are visited, changed and followed.
// Walks that really change owners are in test/e2e/hostile.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { chownTree, PROGRESS_EVERY, wantedOwner, type ChownResult } from '../../../src/system/chown-tree.ts';
import { testdir } from '../helpers.ts';

const ME = { uid: process.getuid!(), gid: process.getgid!() };

test('wantedOwner: only entries whose owner or group differ are changed', () => {
  const to = { uid: 1010, gid: 1020, recursive: true };
  assert.equal(wantedOwner({ uid: 1010, gid: 1020 }, to), undefined);
  assert.deepEqual(wantedOwner({ uid: 1000, gid: 1020 }, to), { uid: 1010, gid: 1020 });
  assert.deepEqual(wantedOwner({ uid: 1010, gid: 100 }, to), { uid: 1010, gid: 1020 });
  assert.deepEqual(wantedOwner({ uid: 0, gid: 0 }, to), { uid: 1010, gid: 1020 });
});

test('wantedOwner with `only`: files that followed the old ids move, others keep their owner', () => {
  const spec = { uid: 1010, gid: 1020, recursive: true, only: { uid: 1000, gid: 100 } };
  assert.deepEqual(wantedOwner({ uid: 1000, gid: 100 }, spec), { uid: 1010, gid: 1020 });
  assert.deepEqual(wantedOwner({ uid: 1000, gid: 50 }, spec), { uid: 1010, gid: 50 }); // staff-group file keeps its group
  assert.deepEqual(wantedOwner({ uid: 0, gid: 100 }, spec), { uid: 0, gid: 1020 }); // root's file keeps root
  assert.equal(wantedOwner({ uid: 0, gid: 0 }, spec), undefined);
  assert.equal(wantedOwner({ uid: 1010, gid: 1020 }, spec), undefined);
});

test('the walk visits every entry once, changes nothing already right, and never descends a link', () => {
  const root = testdir({ 'home/a/f1': '1', 'home/a/d/f2': '2', 'home/a/d/e/f3': '3', 'outside/x': 'x', 'outside/y/z': 'z' });
  fs.symlinkSync(`${root}/outside`, `${root}/home/a/d/link-to-dir`);
  fs.symlinkSync(`${root}/outside/x`, `${root}/home/a/link-to-file`);
  const r = chownTree(`${root}/home/a`, { ...ME, recursive: true });
  // a, f1, d, f2, e, f3 and the two links themselves
  assert.deepEqual(r, { visited: 8, changed: 0, skipped: 0, hardLinks: [], hardLinkCount: 0 });
});

test('not recursive: the top only', () => {
  const root = testdir({ 'home/a/f1': '1' });
  assert.deepEqual(chownTree(`${root}/home/a`, { ...ME, recursive: false }), { visited: 1, changed: 0, skipped: 0, hardLinks: [], hardLinkCount: 0 });
});

test('a top that is a link a user could have planted: the link only; one root made privately: its target', () => {
  const root = testdir({ 'home/a/': '', 'outside/x': 'x' });
  fs.symlinkSync(`${root}/outside`, `${root}/home/a/link`);
  fs.chmodSync(`${root}/home/a`, 0o777);
  assert.deepEqual(chownTree(`${root}/home/a/link`, { ...ME, recursive: true }), { visited: 1, changed: 0, skipped: 0, hardLinks: [], hardLinkCount: 0 });
  // /home/alice -> /home/jovyan, as move-dir leaves it when the home cannot be moved or copied
  fs.chmodSync(`${root}/home/a`, 0o755);
  assert.deepEqual(chownTree(`${root}/home/a/link`, { ...ME, recursive: true }), { visited: 2, changed: 0, skipped: 0, hardLinks: [], hardLinkCount: 0 });
});

test('a link on the way that others could have planted: nothing is walked, and the reason is given', () => {
  const root = testdir({ 'home/jovyan/': '', 'etc/ssh/ssh_config': 'x' });
  fs.symlinkSync(`${root}/etc`, `${root}/home/jovyan/work`);
  fs.chmodSync(`${root}/home/jovyan`, 0o777);
  const r = chownTree(`${root}/home/jovyan/work/ssh`, { ...ME, recursive: true });
  assert.equal(r.visited, 0);
  assert.match(r.refused!, /work is a symbolic link in a directory others can write/);
});

test('a missing top is skipped, not an error', () => {
  assert.deepEqual(chownTree(`${testdir({})}/nope`, { ...ME, recursive: true }), { visited: 0, changed: 0, skipped: 1, hardLinks: [], hardLinkCount: 0 });
});

test('progress every 10,000 entries: a 25,000-entry tree reports twice', () => {
  const root = testdir({ 'big/': '' });
  for (let d = 0; d < 25; d++) {
    fs.mkdirSync(`${root}/big/d${d}`);
    for (let f = 0; f < 999; f++) fs.writeFileSync(`${root}/big/d${d}/f${f}`, '');
  }
  const seen: number[] = [];
  const r = chownTree(`${root}/big`, { ...ME, recursive: true }, (p: ChownResult) => seen.push(p.visited));
  assert.equal(r.visited, 1 + 25 * 1000);
  assert.deepEqual(seen, [PROGRESS_EVERY, 2 * PROGRESS_EVERY]);
  fs.rmSync(root, { recursive: true, force: true });
});

test('no directory fd is left open after a walk', () => {
  const root = testdir({ 'a/b/c/d': 'x' });
  const before = fs.readdirSync('/proc/self/fd').length;
  chownTree(`${root}/a`, { ...ME, recursive: true });
  chownTree(`${root}/a/b/c/d`, { ...ME, recursive: true });
  assert.equal(fs.readdirSync('/proc/self/fd').length, before);
});

test('a tree below a directory that may be searched but not read is walked', () => {
  const root = testdir({ 'srv/a/b/f': 'x' });
  fs.chmodSync(`${root}/srv`, 0o111);
  try {
    assert.deepEqual(chownTree(`${root}/srv/a`, { ...ME, recursive: true }), { visited: 3, changed: 0, skipped: 0, hardLinks: [], hardLinkCount: 0 });
  } finally {
    fs.chmodSync(`${root}/srv`, 0o755);
  }
});

test('a file with more than one link is not given away (a hard link to a file elsewhere), but named', () => {
  if (process.getuid?.() !== 0) return; // only root can give files to other uids
  const root = testdir({ 'etc/motd': 'root owns this\n', 'home/jovyan/own': 'x' });
  fs.linkSync(`${root}/etc/motd`, `${root}/home/jovyan/motd-link`);
  const r = chownTree(`${root}/home/jovyan`, { uid: 1010, gid: 1010, recursive: true });
  assert.equal(fs.statSync(`${root}/etc/motd`).uid, 0, 'the linked file keeps its owner');
  assert.equal(fs.statSync(`${root}/home/jovyan/own`).uid, 1010);
  assert.deepEqual(r.hardLinks, [`${root}/home/jovyan/motd-link`]);
  assert.equal(r.hardLinkCount, 1);
});

test('...unless the refit moves the old uid\'s own files, which a linked file of that uid is', () => {
  if (process.getuid?.() !== 0) return;
  const root = testdir({ 'home/jovyan/a': 'x' });
  fs.chownSync(`${root}/home/jovyan/a`, 1000, 100);
  fs.linkSync(`${root}/home/jovyan/a`, `${root}/home/jovyan/b`);
  const r = chownTree(`${root}/home/jovyan`, { uid: 1010, gid: 1010, recursive: true, only: { uid: 1000, gid: 100 } });
  assert.equal(fs.statSync(`${root}/home/jovyan/a`).uid, 1010);
  assert.deepEqual(r.hardLinks, []);
});
