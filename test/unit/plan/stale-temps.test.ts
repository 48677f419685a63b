// Temp files an interrupted start left beside files nbstart writes: planned away when they are files
// or links, never when they are directories or on a read-only filesystem.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { staleTemps } from '../../../src/plan/stale-temps.ts';
import { parseMountinfo } from '../../../src/system/mounts.ts';
import { readFs } from '../../../src/system/read-fs.ts';
import { fixture, testdir } from '../helpers.ts';

test('a leftover file or link is removed; a directory, a missing one and the target itself are not', () => {
  const root = testdir({ 'etc/.passwd.nbstart-tmp': 'half', 'etc/.shadow.nbstart-tmp/': '', 'etc/group': 'g', 'tmp/x/.passwd.nbstart-tmp': 'half' });
  fs.symlinkSync('/etc/shadow', path.join(root, 'etc/.group.nbstart-tmp'));
  const ops = staleTemps(readFs(root), undefined, ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow', '/tmp/x/passwd']);
  assert.deepEqual(ops, [
    { kind: 'remove', path: '/etc/.passwd.nbstart-tmp', why: 'left behind by an interrupted earlier start' },
    { kind: 'remove', path: '/etc/.group.nbstart-tmp', why: 'left behind by an interrupted earlier start' },
    { kind: 'remove', path: '/tmp/x/.passwd.nbstart-tmp', why: 'left behind by an interrupted earlier start' },
  ]);
});

test('on a read-only filesystem nothing is planned there (it could not be removed); writable mounts still are', () => {
  const root = testdir({ 'etc/.passwd.nbstart-tmp': 'half', 'tmp/.passwd.nbstart-tmp': 'half' });
  const mounts = parseMountinfo(fixture('podman/mountinfo-read-only'));
  assert.deepEqual(staleTemps(readFs(root), mounts, ['/etc/passwd', '/tmp/passwd']).map((o) => o.kind === 'remove' && o.path), ['/tmp/.passwd.nbstart-tmp']);
});
