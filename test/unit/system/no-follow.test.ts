import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { anchor, linkFollowable, openDir, under } from '../../../src/system/no-follow.ts';
import { testdir } from '../helpers.ts';

const ME = process.geteuid!();

/** The anchored entry as a path again, and its fd closed. */
function resolved(p: string): string {
  const a = anchor(p);
  assert.ok(a.ok, a.ok ? '' : a.why);
  fs.closeSync(a.at.dirFd);
  return a.at.resolved;
}

test('linkFollowable: only links root (or the walker) made, in directories nobody else can write', () => {
  const other = ME === 0 ? 1010 : ME + 1;
  const cases: [number, number, number, boolean][] = [
    // link uid, dir uid, dir mode, followable
    [0, 0, 0o755, true],
    [ME, ME, 0o700, true],
    [0, 0, 0o775, false], // group-writable directory: a group member could have swapped it
    [0, 0, 0o1777, false], // /tmp: sticky, yet anyone can make names there
    [other, 0, 0o755, false], // a user's link in root's directory (made before a chown?)
    [0, other, 0o755, false], // root's link in a user's directory: the user can replace it
    [other, other, 0o700, false],
  ];
  for (const [linkUid, dirUid, mode, want] of cases) {
    assert.equal(linkFollowable({ uid: linkUid }, { uid: dirUid, mode }, ME), want, `${linkUid} ${dirUid} ${mode.toString(8)}`);
  }
});

test('anchor: plain directories, and a final name that does not exist yet', () => {
  const root = testdir({ 'a/b/c': 'x' });
  assert.equal(resolved(`${root}/a/b/c`), `${root}/a/b/c`);
  assert.equal(resolved(`${root}/a/./b//c`), `${root}/a/b/c`);
  assert.equal(resolved(`${root}/a/missing`), `${root}/a/missing`);
  assert.equal(resolved('/'), '/');
});

test('anchor: a final symbolic link is returned itself, never followed, whoever made it', () => {
  const root = testdir({ 'home/jovyan/': '', 'etc/shadow': 'secret' });
  fs.symlinkSync(`${root}/etc`, `${root}/home/jovyan/link`);
  fs.chmodSync(`${root}/home/jovyan`, 0o777);
  const a = anchor(`${root}/home/jovyan/link`);
  assert.ok(a.ok);
  assert.equal(a.at.name, 'link');
  assert.ok(fs.lstatSync(under(a.at.dirFd, a.at.name)).isSymbolicLink());
  fs.closeSync(a.at.dirFd);
});

test('anchor: a symbolic link on the way in a directory others can write stops the walk', () => {
  const root = testdir({ 'home/jovyan/': '', 'etc/ssh/ssh_config': 'x' });
  fs.symlinkSync(`${root}/etc`, `${root}/home/jovyan/work`);
  fs.chmodSync(`${root}/home/jovyan`, 0o777);
  const a = anchor(`${root}/home/jovyan/work/ssh`);
  assert.equal(a.ok, false);
  assert.match(a.ok ? '' : a.why, /\/home\/jovyan\/work is a symbolic link in a directory others can write .*root does not follow it/);
});

test('anchor: links made by root (or the walker) in private directories are followed, on the way and at the end', () => {
  const root = testdir({ 'home/jovyan/data/f': 'x', 'opt/': '' });
  fs.chmodSync(`${root}/opt`, 0o755);
  fs.symlinkSync(`${root}/home/jovyan`, `${root}/opt/home`);
  fs.symlinkSync('home/data', `${root}/opt/rel`);
  assert.equal(resolved(`${root}/opt/home`), `${root}/home/jovyan`);
  assert.equal(resolved(`${root}/opt/home/data/f`), `${root}/home/jovyan/data/f`);
  assert.equal(resolved(`${root}/opt/rel/f`), `${root}/home/jovyan/data/f`);
  // ...unless the link's directory may be written by others
  fs.chmodSync(`${root}/opt`, 0o777);
  assert.equal(anchor(`${root}/opt/home/data`).ok, false);
});

test('anchor: loops and relative paths are refused', () => {
  const root = testdir({ 'd/': '' });
  fs.symlinkSync('b', `${root}/d/a`);
  fs.symlinkSync('a', `${root}/d/b`);
  assert.match(String((anchor(`${root}/d/a/x`) as { why: string }).why), /more than 40 symbolic links/);
  assert.equal(anchor('relative/path').ok, false);
});

test('openDir: a directory swapped for another, or for a link, after lstat is refused', () => {
  const root = testdir({ 'home/d/f': 'x', 'elsewhere/g': 'y' });
  const st = fs.lstatSync(`${root}/home/d`);
  fs.renameSync(`${root}/home/d`, `${root}/home/old`);
  fs.renameSync(`${root}/elsewhere`, `${root}/home/d`);
  assert.throws(() => openDir(`${root}/home/d`, st), { code: 'ESTALE' });
  fs.rmSync(`${root}/home/d`, { recursive: true });
  fs.symlinkSync(`${root}/home/old`, `${root}/home/d`);
  assert.throws(() => openDir(`${root}/home/d`), { code: 'ENOTDIR' });
});

test('under: entries of an open directory stay there when its name is swapped for a link', () => {
  const root = testdir({ 'home/d/f': 'mine', 'etc/f': 'root-only' });
  const fd = openDir(`${root}/home/d`);
  fs.renameSync(`${root}/home/d`, `${root}/home/moved`);
  fs.symlinkSync(`${root}/etc`, `${root}/home/d`);
  assert.equal(fs.readFileSync(under(fd, 'f'), 'utf8'), 'mine');
  assert.equal(fs.readFileSync(path.join(root, 'home/d/f'), 'utf8'), 'root-only'); // what a path-based walker would read
  fs.closeSync(fd);
});

test('anchor needs only search permission on the way, as a path lookup does (root without CAP_DAC_READ_SEARCH)', () => {
  const root = testdir({ 'a/b/c': 'x' });
  fs.chmodSync(`${root}/a`, 0o111);
  try {
    assert.equal(resolved(`${root}/a/b/c`), `${root}/a/b/c`);
  } finally {
    fs.chmodSync(`${root}/a`, 0o755);
  }
});
