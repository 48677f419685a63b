// The privilege drop as gosu does it, in a child process (it cannot be undone): the person's ids
// and groups, and root cannot come back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Identity } from '../../src/identity/identity.ts';
import { rootOnly, testdir } from './helpers.ts';

const identity = (uid: number, gid: number, groups: number[]): Identity => ({
  entry: 'jovyan', name: 'alice', uid, gid, primary: { name: 'alice', gid, exists: false },
  groups: groups.map((g) => ({ name: `g${g}`, gid: g, exists: true })), home: '/home/alice', shell: '/bin/bash',
  templateHome: '/home/jovyan', was: { uid: 1000, gid: 100, home: '/home/jovyan' },
});

/** Drops to `id` in a child and reports its ids and whether setuid(0) then works. */
function dropIn(id: Identity): { status: number | null; out: Record<string, unknown>; stderr: string } {
  const root = testdir({});
  const file = path.join(root, 'drop.ts');
  fs.writeFileSync(file, [
    `import { dropPrivileges } from ${JSON.stringify(new URL('../../src/privileges.ts', import.meta.url).href)};`,
    `dropPrivileges(${JSON.stringify(id)});`,
    'let back = false;',
    'try { process.setuid(0); back = true; } catch {}',
    'process.stdout.write(JSON.stringify({ uid: process.getuid(), euid: process.geteuid(), gid: process.getgid(), egid: process.getegid(), groups: process.getgroups().sort((a, b) => a - b), back }));',
  ].join('\n'));
  fs.chmodSync(root, 0o755);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout ? JSON.parse(r.stdout) as Record<string, unknown> : {}, stderr: r.stderr };
}

test('root becomes the person: uid, gid, exactly their groups, and setuid(0) fails afterwards', { skip: rootOnly('only root can drop to someone') }, () => {
  const r = dropIn(identity(1010, 1020, [100, 3000]));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.out, { uid: 1010, euid: 1010, gid: 1020, egid: 1020, groups: [100, 1020, 3000], back: false });
});

test('NB_USER=root (uid 0) stays root, with exactly the groups asked for', { skip: rootOnly('only root can set its groups') }, () => {
  const r = dropIn(identity(0, 0, [100]));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.out, { uid: 0, euid: 0, gid: 0, egid: 0, groups: [0, 100], back: true });
});

test('without the right to change ids the drop throws (nothing is left half-done silently)', { skip: process.getuid!() === 0 && 'root may change ids' }, () => {
  const r = dropIn(identity(4242, 4242, []));
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /EPERM/);
});
