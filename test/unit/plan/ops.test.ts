// describeOp: the one line `nbstart plan` and the logs show for each op kind (each kind's own
// describe lives in src/ops/<kind>.ts; this is every kind through the one dispatcher).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeOp, EMPTY_PLAN, type Op } from '../../../src/plan/ops.ts';

const limits = { entries: 10, bytes: 10 };
const file = (p: string, summary: string) => ({ path: p, content: 'secret', mode: 0o640, uid: 0, gid: 42, summary });

const CASES: readonly [Op, string][] = [
  [{ kind: 'write-files', files: [file('/etc/sudoers.d/nbstart', '1 line')], why: 'w' }, 'write /etc/sudoers.d/nbstart (1 line; mode 640, owner 0:42)'],
  [{ kind: 'write-files', files: [file('/etc/passwd', '+1 -1'), file('/etc/group', '+2')], why: 'w' },
    'write as one step: /etc/passwd (+1 -1; mode 640, owner 0:42), /etc/group (+2; mode 640, owner 0:42)'],
  [{ kind: 'remove', path: '/etc/.passwd.nbstart-tmp', why: 'w' }, 'remove /etc/.passwd.nbstart-tmp'],
  [{ kind: 'mkdir', path: '/home/alice', mode: 0o755, uid: 1010, gid: 100, why: 'w' }, 'mkdir /home/alice (mode 755, owner 1010:100)'],
  [{ kind: 'symlink', path: '/home/alice/work', target: '/mnt/home/alice/work', why: 'w' }, 'link /home/alice/work -> /mnt/home/alice/work'],
  [{ kind: 'symlink', path: '/home/alice/work', target: '/mnt/w', replaceEmptyDir: true, why: 'w' }, 'link /home/alice/work -> /mnt/w (in place of the empty directory)'],
  [{ kind: 'move-dir', from: '/home/jovyan', to: '/home/alice', how: 'rename', limits, why: 'w' }, 'move /home/jovyan to /home/alice'],
  [{ kind: 'move-dir', from: '/home/jovyan', to: '/home/alice', how: 'rename', orElse: 'copy', limits, why: 'w' }, 'move /home/jovyan to /home/alice (copy where the filesystem refuses the rename)'],
  [{ kind: 'move-dir', from: '/home/jovyan', to: '/home/alice', how: 'copy', limits, why: 'w' }, 'copy /home/jovyan to /home/alice'],
  [{ kind: 'move-dir', from: '/home/jovyan', to: '/home/alice', how: 'link', limits, why: 'w' }, 'link /home/alice -> /home/jovyan'],
  [{ kind: 'chown-tree', path: '/srv', uid: 1010, gid: 100, recursive: false, why: 'w' }, 'chown 1010:100 /srv'],
  [{ kind: 'chown-tree', path: '/home/jovyan', uid: 1010, gid: 1020, recursive: true, only: { uid: 1000, gid: 100 }, why: 'w' },
    'chown -R 1010:1020 /home/jovyan (entries owned by 1000:100)'],
  [{ kind: 'set-env', name: 'HOME', value: '/home/alice', why: 'w' }, 'set HOME=/home/alice'],
  [{ kind: 'unset-env', name: 'SUDO_USER', why: 'w' }, 'unset SUDO_USER'],
  [{ kind: 'chdir', path: '/home/alice', why: 'w' }, 'cd /home/alice'],
  [{ kind: 'umask', mask: 0o2, why: 'w' }, 'umask 002'],
  [{ kind: 'umask', mask: 0o27, why: 'w' }, 'umask 027'],
  [{ kind: 'run-scripts', dir: '/d', files: [{ path: '/d/a.sh', mode: 'source' }, { path: '/d/b', mode: 'exec' }], bash: '/usr/bin/bash', as: 'alice', why: 'w' },
    'scripts of /d as alice, in one /usr/bin/bash: source /d/a.sh, run /d/b'],
  [{ kind: 'run-scripts', dir: '/d', files: [], bash: '/bin/bash', as: 'root', world: { set: { PATH: '/usr/bin:/bin', HOME: '/root' }, unset: [], cwd: '/' }, why: 'w' },
    'scripts of /d as root, in one /bin/bash (PATH /usr/bin:/bin, HOME /root, cwd /): none'],
];

test('every op kind has its one-line description', () => {
  for (const [op, want] of CASES) assert.equal(describeOp(op), want);
  const kinds = new Set(CASES.map(([op]) => op.kind));
  assert.equal(kinds.size, 11, 'one case at least for each of the 11 kinds');
});

test('no description shows a file\'s content', () => {
  for (const [op] of CASES) assert.doesNotMatch(describeOp(op), /secret/);
});

test('the empty plan has neither ops nor notes', () => {
  assert.deepEqual(EMPTY_PLAN, { ops: [], notes: [] });
});
