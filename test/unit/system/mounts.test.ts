import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isReadOnly, mountOf, parseMountinfo } from '../../../src/system/mounts.ts';
import { fixture } from '../helpers.ts';

const RO = fixture('podman/mountinfo-read-only');

test('podman --read-only: / is read-only, /tmp and /run are tmpfs, a :ro file over /etc/passwd is its own mount', () => {
  const mounts = parseMountinfo(RO);
  assert.equal(mountOf(mounts, '/home/alice')?.point, '/');
  assert.equal(mountOf(mounts, '/home/alice')?.readOnly, true);
  assert.equal(mountOf(mounts, '/tmp/nbstart-home-1010')?.fstype, 'tmpfs');
  assert.equal(mountOf(mounts, '/tmp/nbstart-home-1010')?.readOnly, false);
  assert.equal(mountOf(mounts, '/etc/passwd')?.point, '/etc/passwd');
  assert.equal(mountOf(mounts, '/etc/passwdx')?.point, '/', 'a prefix of a name is not a parent');
  assert.equal(mountOf(mounts, '/tmpx')?.point, '/');
});

test('the longest mount point wins, and of two at one point the later (on top)', () => {
  const text = [
    '1 0 0:1 / / rw - ext4 /dev/a rw',
    '2 1 0:2 / /home ro - ext4 /dev/b rw',
    '3 2 0:3 / /home/jovyan rw - ext4 /dev/c rw',
    '4 1 0:4 / /home ro,relatime - nfs srv:/x rw',
    '5 1 0:5 / /with\\040space rw - tmpfs tmpfs ro',
  ].join('\n');
  const mounts = parseMountinfo(text);
  assert.equal(mountOf(mounts, '/home/jovyan/x')?.readOnly, false);
  assert.equal(mountOf(mounts, '/home/alice')?.fstype, 'nfs');
  assert.equal(mountOf(mounts, '/with space/f')?.readOnly, true, 'read-only superblock options count too');
});

test('read through the root prefix; unknown means writable', () => {
  assert.equal(isReadOnly(parseMountinfo(RO), '/etc/group'), true);
  assert.equal(isReadOnly(parseMountinfo(RO), '/tmp/x'), false);
  assert.equal(isReadOnly(undefined, '/etc/group'), false, 'an unknown mount table counts as writable');
});
