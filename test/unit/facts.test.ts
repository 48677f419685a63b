// readFacts: this process, read once: ids, capabilities and no_new_privs, the mount table, the
// working directory, and a fresh nonce.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFacts } from '../../src/facts.ts';
import { readFs } from '../../src/system/read-fs.ts';
import { testdir } from './helpers.ts';

test('the real /proc: the facts are this process\'s', () => {
  const f = readFacts(readFs(''));
  assert.equal(f.euid, process.geteuid!());
  assert.equal(f.uid, process.getuid!());
  assert.equal(f.gid, process.getgid!());
  assert.deepEqual([...f.groups].sort(), [...process.getgroups!()].sort());
  assert.equal(f.cwd, process.cwd());
  assert.equal(typeof f.status.capEff, 'bigint', 'CapEff read from /proc/self/status');
  if (process.geteuid!() === 0) assert.notEqual(f.status.capEff, 0n, 'root here has capabilities');
  else assert.equal(f.status.capEff, 0n, 'another user has none');
  assert.ok(f.mounts && f.mounts.some((m) => m.point === '/'), 'the mount table has /');
  assert.match(f.nonce, /^[0-9a-f]{16}$/);
  assert.notEqual(readFacts(readFs('')).nonce, f.nonce, 'drawn anew each time');
});

test('a tree without /proc: no capabilities known (all assumed), no mount table', () => {
  const f = readFacts(readFs(testdir({})));
  assert.deepEqual(f.status, { noNewPrivs: false });
  assert.equal(f.mounts, undefined);
});

test('planted /proc files are what the facts say', () => {
  const root = testdir({ 'proc/self/status': 'Name:\tx\nCapEff:\t00000000000000c0\nNoNewPrivs:\t1\n', 'proc/self/mountinfo': '1 0 0:1 / / ro,relatime - overlay overlay rw\n' });
  const f = readFacts(readFs(root));
  assert.deepEqual(f.status, { capEff: 0xc0n, noNewPrivs: true });
  assert.equal(f.mounts?.length, 1);
});
