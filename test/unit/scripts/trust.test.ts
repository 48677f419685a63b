// What root may run: every directory from / down and the file itself root's alone, links counted
// only when root's in a directory of root's alone. Trees are built inline; `owner` stands in for root
// where the test does not run as root (files are then the test user's).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRootProgram, notRootsAlone } from '../../../src/scripts/trust.ts';
import { readFs } from '../../../src/system/read-fs.ts';
import { testdir } from '../helpers.ts';

const me = process.getuid!();
const isRoot = me === 0;

/** A merged-/usr tree: /bin -> usr/bin, bash and a script in it, /opt/conda/bin group-writable. */
function tree(): string {
  const root = testdir({ 'usr/bin/bash': '#!', 'usr/bin/plain': 'x', 'opt/conda/bin/python': '#!', 'etc/hooks/10.sh': 'echo\n', 'srv/open/x.sh': '' });
  fs.chmodSync(root, 0o755);
  fs.chmodSync(path.join(root, 'usr/bin/bash'), 0o755);
  fs.chmodSync(path.join(root, 'opt/conda/bin/python'), 0o755);
  fs.chmodSync(path.join(root, 'opt/conda/bin'), 0o775);
  fs.chmodSync(path.join(root, 'srv/open'), 0o777);
  fs.symlinkSync('usr/bin', path.join(root, 'bin'));
  return root;
}

test('files and directories of root\'s alone, all the way down, are root\'s alone', () => {
  const f = readFs(tree());
  for (const p of ['/', '/usr/bin/bash', '/etc/hooks', '/etc/hooks/10.sh', '/usr/bin/../bin/bash', '/./usr//bin/bash']) assert.equal(notRootsAlone(f, p, me), undefined, p);
});

test('a root-owned link in a directory of root\'s alone is followed (merged /usr), relative or absolute', () => {
  const root = tree();
  fs.symlinkSync('/usr/bin', path.join(root, 'etc/bin-abs'));
  const f = readFs(root);
  assert.equal(notRootsAlone(f, '/bin/bash', me), undefined);
  assert.equal(notRootsAlone(f, '/etc/bin-abs/bash', me), undefined);
  // As the kernel resolves it: ".." after a link is the parent of where the link led (/usr), not /.
  assert.equal(notRootsAlone(f, '/bin/../bin/bash', me), undefined);
  assert.equal(notRootsAlone(f, '/bin/../opt', me), '/usr/opt does not exist');
});

test('what someone else could change is named: group- or other-writable on the way, the file itself, through a link', () => {
  const root = tree();
  const f = readFs(root);
  const gid = fs.statSync(path.join(root, 'opt/conda/bin')).gid;
  assert.equal(notRootsAlone(f, '/opt/conda/bin/python', me), `/opt/conda/bin is writable by group ${gid} (mode 775)`);
  assert.equal(notRootsAlone(f, '/srv/open/x.sh', me), '/srv/open is writable by others (mode 777)');
  fs.chmodSync(path.join(root, 'etc/hooks/10.sh'), 0o666);
  assert.equal(notRootsAlone(f, '/etc/hooks/10.sh', me), '/etc/hooks/10.sh is writable by others (mode 666)');
  fs.symlinkSync('/opt/conda/bin', path.join(root, 'etc/conda-bin'));
  assert.equal(notRootsAlone(f, '/etc/conda-bin/python', me), `/opt/conda/bin is writable by group ${gid} (mode 775)`);
  fs.chmodSync(root, 0o1777);
  assert.equal(notRootsAlone(f, '/usr/bin/bash', me), '/ is writable by others (mode 1777)');
});

test('missing, relative, and looping paths are refused with their reason', () => {
  const root = tree();
  const f = readFs(root);
  assert.equal(notRootsAlone(f, '/usr/bin/none', me), '/usr/bin/none does not exist');
  assert.equal(notRootsAlone(f, 'usr/bin/bash', me), 'usr/bin/bash is not an absolute path');
  fs.symlinkSync('loop-b', path.join(root, 'etc/loop-a'));
  fs.symlinkSync('loop-a', path.join(root, 'etc/loop-b'));
  assert.equal(notRootsAlone(f, '/etc/loop-a/x', me), '/etc/loop-a/x has more than 40 symbolic links on the way');
  fs.symlinkSync('/nonexistent', path.join(root, 'etc/dangling'));
  assert.equal(notRootsAlone(f, '/etc/dangling', me), '/nonexistent does not exist');
});

test('an owner other than root (or its stand-in) is refused, for a file, a directory or a link', () => {
  const root = tree();
  const f = readFs(root);
  if (isRoot) {
    fs.lchownSync(path.join(root, 'etc/hooks/10.sh'), 1010, 0);
    assert.equal(notRootsAlone(f, '/etc/hooks/10.sh'), '/etc/hooks/10.sh belongs to uid 1010, not root');
    fs.lchownSync(path.join(root, 'etc'), 1010, 0);
    assert.equal(notRootsAlone(f, '/etc/hooks'), '/etc belongs to uid 1010, not root');
    fs.lchownSync(path.join(root, 'bin'), 1010, 0);
    assert.equal(notRootsAlone(f, '/bin/bash'), '/bin belongs to uid 1010, not root');
  } else {
    // Not root: the test user's files are refused for root itself (owner 0).
    assert.equal(notRootsAlone(f, '/usr/bin/bash'), `/ belongs to uid ${me}, not root`);
  }
});

test('findRootProgram: the first executable file on the list that root alone can change, by absolute path', () => {
  const root = tree();
  const f = readFs(root);
  assert.equal(findRootProgram(f, 'bash', ['/opt/conda/bin', '/nonexistent', '/bin/'], me), '/bin/bash');
  assert.equal(findRootProgram(f, 'python', ['/opt/conda/bin', '/usr/bin'], me), undefined, 'only in a group-writable directory');
  assert.equal(findRootProgram(f, 'plain', ['/usr/bin'], me), undefined, 'not executable');
  assert.equal(findRootProgram(f, 'bin', ['/usr'], me), undefined, 'a directory');
  fs.copyFileSync(path.join(root, 'usr/bin/bash'), path.join(root, 'opt/conda/bin/bash'));
  fs.chmodSync(path.join(root, 'opt/conda/bin/bash'), 0o755);
  assert.equal(findRootProgram(f, 'bash', ['/opt/conda/bin', '/usr/bin'], me), '/usr/bin/bash', 'an untrusted directory first on PATH is passed over');
});
