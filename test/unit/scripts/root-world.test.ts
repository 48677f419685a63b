// The world root's scripts run in: only what root alone can change on PATH and the loader's and
// interpreters' search paths, root's HOME, no user site, none of the person's XDG_* variables.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_PATH } from '../../../src/exec.ts';
import { rootWorld } from '../../../src/scripts/root-world.ts';
import { readFs } from '../../../src/system/read-fs.ts';
import { fixture, testdir } from '../helpers.ts';

const me = process.getuid!();

/** An image: root's bins, conda writable by group users, root's passwd line. */
function image(passwd = fixture('docker-stacks-foundation/passwd')): string {
  const root = testdir({
    'usr/local/sbin/': '', 'usr/local/bin/': '', 'usr/sbin/': '', 'usr/bin/': '', 'sbin/': '', 'bin/': '',
    'opt/conda/bin/': '', 'opt/conda/lib/': '', 'usr/lib/x/': '', 'home/jovyan/.local/': '', 'etc/passwd': passwd,
    'etc/bash.env': '', 'home/jovyan/startup.py': '', 'usr/lib/x/libfoo.so': '',
  });
  fs.chmodSync(root, 0o755);
  for (const d of ['opt/conda/bin', 'opt/conda/lib']) fs.chmodSync(path.join(root, d), 0o775);
  fs.chmodSync(path.join(root, 'home/jovyan'), 0o777);
  return root;
}

const gidOf = (root: string, p: string): number => fs.statSync(path.join(root, p)).gid;

test('PATH keeps root\'s own entries in order; the others are named once with why', () => {
  const root = image();
  const g = gidOf(root, 'opt/conda/bin');
  const w = rootWorld(readFs(root), { PATH: '/opt/conda/bin:/usr/local/bin::/usr/bin:bin:/nonexistent:/home/jovyan/.local' }, me);
  assert.equal(w.world.set['PATH'], '/usr/local/bin:/usr/bin');
  assert.deepEqual(w.left, [
    `PATH entry /opt/conda/bin (is writable by group ${g} (mode 775))`,
    'PATH entry bin (is not an absolute path)',
    'PATH entry /nonexistent (does not exist)',
    'PATH entry /home/jovyan/.local (/home/jovyan is writable by others (mode 777))',
  ]);
});

test('no PATH: the default PATH; none of it root\'s: the default PATH\'s entries root alone can change', () => {
  const root = image();
  assert.equal(rootWorld(readFs(root), {}, me).world.set['PATH'], DEFAULT_PATH);
  fs.rmSync(path.join(root, 'usr/local/sbin'), { recursive: true });
  assert.equal(rootWorld(readFs(root), { PATH: '/opt/conda/bin' }, me).world.set['PATH'], DEFAULT_PATH.replace('/usr/local/sbin:', ''));
});

test('HOME is root\'s home from /etc/passwd (or /root); working directory /; no user site; no XDG_*', () => {
  const w = rootWorld(readFs(image()), { PATH: '/usr/bin', HOME: '/home/jovyan', XDG_CONFIG_HOME: '/home/jovyan/.config', XDG_RUNTIME_DIR: '/run/u', NB_USER: 'alice' }, me);
  assert.deepEqual(w.world.set, { PATH: '/usr/bin', HOME: '/root', PYTHONNOUSERSITE: '1' });
  assert.deepEqual(w.world.unset, ['XDG_CONFIG_HOME', 'XDG_RUNTIME_DIR']);
  assert.equal(w.world.cwd, '/');
  const other = image('root:x:0:0:root:/var/root:/bin/sh\n');
  assert.equal(rootWorld(readFs(other), {}, me).world.set['HOME'], '/var/root');
  for (const passwd of ['root:x:0:0:root::/bin/sh\n', 'toor:x:0:0::/toor:/bin/sh\n', '']) {
    assert.equal(rootWorld(readFs(image(passwd)), {}, me).world.set['HOME'], '/root', JSON.stringify(passwd));
  }
});

test('loader and interpreter search paths keep only root\'s entries; when none is left the variable is unset', () => {
  const root = image();
  const w = rootWorld(readFs(root), {
    PATH: '/usr/bin', LD_LIBRARY_PATH: '/opt/conda/lib:/usr/lib/x', PYTHONPATH: '/home/jovyan/.local', PERL5LIB: '/usr/lib/x', NODE_PATH: '',
  }, me);
  assert.equal(w.world.set['LD_LIBRARY_PATH'], '/usr/lib/x');
  assert.equal(w.world.set['PERL5LIB'], '/usr/lib/x');
  assert.ok(!('PYTHONPATH' in w.world.set));
  assert.deepEqual(w.world.unset, ['NODE_PATH', 'PYTHONPATH']);
  assert.ok(w.left.some((l) => l.startsWith('LD_LIBRARY_PATH entry /opt/conda/lib (')), w.left.join('\n'));
  assert.ok(w.left.some((l) => l.startsWith('PYTHONPATH entry /home/jovyan/.local (')), w.left.join('\n'));
});

test('files a shell, Python or the loader runs: kept only when root\'s alone; LD_PRELOAD stays space-separated', () => {
  const w = rootWorld(readFs(image()), {
    PATH: '/usr/bin', BASH_ENV: '/etc/bash.env', ENV: '/home/jovyan/startup.py', PYTHONSTARTUP: '/home/jovyan/startup.py',
    LD_PRELOAD: '/usr/lib/x/libfoo.so /home/jovyan/startup.py:/usr/lib/x/libfoo.so',
  }, me);
  assert.equal(w.world.set['BASH_ENV'], '/etc/bash.env');
  assert.equal(w.world.set['LD_PRELOAD'], '/usr/lib/x/libfoo.so /usr/lib/x/libfoo.so');
  assert.deepEqual(w.world.unset, ['ENV', 'PYTHONSTARTUP']);
  assert.ok(w.left.includes('ENV /home/jovyan/startup.py (/home/jovyan is writable by others (mode 777))'), w.left.join('\n'));
});

test('for root itself (owner 0), a tree that is not root\'s leaves nothing of PATH but what exists of the default', { skip: me === 0 && 'the test tree is root\'s when run as root' }, () => {
  const w = rootWorld(readFs(image()), { PATH: '/usr/bin' });
  assert.equal(w.world.set['PATH'], '');
  assert.deepEqual(w.left, [`PATH entry /usr/bin (/ belongs to uid ${me}, not root)`]);
});
