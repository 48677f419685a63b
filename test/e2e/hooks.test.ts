// Image authors' hook directories with docker-stacks' rules, `plan`, `check` and `plan --watch`,
// in real containers.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FOUNDATION } from './lib/images.ts';
import { podman, podmanOk, run, show } from './lib/podman.ts';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-e2e-hooks-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));

/** A host directory of hook files (name → [content, mode]) to mount as a hook dir. */
function hookDir(name: string, files: Record<string, [string, number]>): string {
  const dir = path.join(base, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, [content, mode]] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, f), content);
    fs.chmodSync(path.join(dir, f), mode);
  }
  fs.chmodSync(dir, 0o755);
  return dir;
}

function ini(name: string, text: string): string {
  const file = path.join(base, name);
  fs.writeFileSync(file, text);
  fs.chmodSync(file, 0o644);
  return file;
}

const sh = (s: string): string[] => ['sh', '-c', s];

test('before-notebook.d: a sourced *.sh exports and unsets reach the command; lexical order; failures are logged and skipped', () => {
  const dir = hookDir('before', {
    '10-export.sh': ['export FROM_HOOK="a b"\nexport ORDER=10\nunset DROP_ME\n', 0o644],
    '20-fail': ['#!/bin/sh\necho "about to fail" >&2\nexit 3\n', 0o755],
    '30-order.sh': ['export ORDER="$ORDER,30"\n', 0o644],
    '40-not-executable': ['#!/bin/sh\necho should not run\n', 0o644],
    '50-whoami': ['#!/bin/sh\necho "hook ran as $(id -u)"\n', 0o755],
  });
  const r = run({ image: FOUNDATION, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010', DROP_ME: 'x' }, volumes: [`${dir}:/usr/local/bin/before-notebook.d:ro`],
    command: sh('echo "$FROM_HOOK|$ORDER|${DROP_ME-unset}|$(id -un)"') });
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, 'a b|10,30|unset|alice\n', show(r));
  assert.match(r.stderr, /\/usr\/local\/bin\/before-notebook.d\/20-fail failed with exit status 3; start-up goes on/, show(r));
  assert.match(r.stderr, /about to fail/);
  assert.match(r.stderr, /40-not-executable: not executable and not \*.sh; skipped/);
  assert.match(r.stderr, /hook ran as 0/);
  assert.doesNotMatch(r.stderr, /should not run/);
});

test('start-notebook.d runs first and its exports steer the rest of start-up (NB_USER from a hook)', () => {
  const dir = hookDir('start', { '10-user.sh': ['export NB_USER=fromhook NB_UID=1050\n', 0o644] });
  const r = run({ image: FOUNDATION, user: 'root', volumes: [`${dir}:/usr/local/bin/start-notebook.d:ro`], command: ['id'] });
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, 'uid=1050(fromhook) gid=100(users) groups=100(users)\n', show(r));
});

test('user_dirs: a user-phase hook runs as the user, in the home, after the drop', () => {
  const dir = hookDir('user', { '10-me': ['#!/bin/sh\necho "$(id -un) $(id -u) $(pwd)" > "$HOME/from-user-hook"\n', 0o755] });
  const conf = ini('user.ini', '[hooks]\nuser_dirs = /opt/user-hooks\n');
  const r = run({ image: FOUNDATION, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010' }, volumes: [`${dir}:/opt/user-hooks:ro`, `${conf}:/etc/nbstart/nbstart.ini:ro`],
    command: sh('cat ~/from-user-hook; stat -c %U ~/from-user-hook') });
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, 'alice 1010 /home/alice\nalice\n', show(r));
});

test('bad hooks: a hang is killed at the timeout with its process group, exit in a *.sh, megabytes of output, a dir that is a file', () => {
  const dir = hookDir('bad', {
    '10-hang': ['#!/bin/sh\nsleep 300 &\nsleep 300\n', 0o755],
    '20-exit.sh': ['export BEFORE_EXIT=kept\nexit 4\n', 0o644],
    '30-loud': ['#!/bin/sh\nhead -c 5000000 /dev/zero | tr "\\\\0" "x" | fold -w 1000\n', 0o755],
  });
  const notDir = ini('not-a-dir', 'x');
  const conf = ini('bad.ini', '[hooks]\ntimeout = 2\nstart_dirs = /opt/not-a-dir\n');
  const r = run({ image: FOUNDATION, user: 'root', volumes: [`${dir}:/usr/local/bin/before-notebook.d:ro`, `${conf}:/etc/nbstart/nbstart.ini:ro`, `${notDir}:/opt/not-a-dir:ro`],
    command: sh('echo "$BEFORE_EXIT"; ps -eo comm 2>/dev/null | grep -c sleep || ls /proc | grep -c "^[0-9]"') });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^kept\n/, show(r));
  assert.match(r.stderr, /\[hooks\] start_dirs: \/opt\/not-a-dir is not a directory; skipped/);
  assert.match(r.stderr, /10-hang timed out after 2s; killed with its process group; start-up goes on/);
  assert.match(r.stderr, /20-exit.sh called exit 4 \(a sourced hook should return, not exit\)/);
  assert.match(r.stderr, /more bytes of output not logged/);
  assert.ok(r.stderr.length < 2_000_000, `log too long: ${r.stderr.length}`);
});

test('on_failure = abort stops start-up at a failing hook with exit 1', () => {
  const dir = hookDir('abort', { '10-fail': ['#!/bin/sh\nexit 9\n', 0o755] });
  const conf = ini('abort.ini', '[hooks]\non_failure = abort\n');
  const r = run({ image: FOUNDATION, user: 'root', volumes: [`${dir}:/usr/local/bin/before-notebook.d:ro`, `${conf}:/etc/nbstart/nbstart.ini:ro`], command: ['echo', 'should not run'] });
  assert.equal(r.code, 1, show(r));
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /10-fail failed with exit status 9 \(\[hooks\] on_failure = abort\)/);
});

test('[hooks] disable skips a built-in hook by name', () => {
  const conf = ini('disable.ini', '[hooks]\ndisable = sudo\n');
  const r = run({ image: FOUNDATION, user: 'root', env: { NB_UID: '1010', GRANT_SUDO: 'yes' }, volumes: [`${conf}:/etc/nbstart/nbstart.ini:ro`], command: sh('ls /etc/sudoers.d') });
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, 'README\n', show(r));
});

test('plan changes nothing, runs no hook, execs nothing, and names the user and groups it would create', () => {
  const dir = hookDir('plan', { '10-mark': ['#!/bin/sh\ntouch /tmp/hook-ran\n', 0o755] });
  const script = 'h() { cat /etc/passwd /etc/group /etc/shadow /etc/gshadow | sha256sum; ls -la /etc /home | sha256sum; }; a=$(h); /usr/local/bin/nbstart plan -- touch /tmp/exec-ran; rc=$?; b=$(h); echo "rc=$rc same=$([ "$a" = "$b" ] && echo yes || echo no) hook=$(ls /tmp/hook-ran 2>/dev/null | wc -l) exec=$(ls /tmp/exec-ran 2>/dev/null | wc -l)"';
  const r = run({ image: FOUNDATION, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020', NBSTART_GROUPS: 'physics:3000' }, volumes: [`${dir}:/usr/local/bin/before-notebook.d:ro`], extra: ['--entrypoint', 'sh'], command: ['-c', script] });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^person: alice uid=1010 gid=1020 groups: alice\(1020\) new, users\(100\), physics\(3000\) new$/m, show(r));
  assert.match(r.stdout, /^\[accounts\]/m);
  assert.match(r.stdout, /- write \/etc\/passwd/);
  assert.match(r.stdout, /- run \/usr\/local\/bin\/before-notebook.d\/10-mark as root/);
  assert.match(r.stdout, /^exec: touch \/tmp\/exec-ran as alice \(1010:1020\)/m);
  assert.match(r.stdout, /rc=0 same=yes hook=0 exec=0\n$/, show(r));
});

test('plan --json is one JSON document', () => {
  const r = run({ image: FOUNDATION, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010' }, command: ['plan', '--json'] });
  assert.equal(r.code, 0, show(r));
  const doc = JSON.parse(r.stdout) as { identity: { name: string; uid: number }; hooks: { name: string; ops: { kind: string; path?: string }[] }[]; exec: { user: string } };
  assert.equal(doc.identity.name, 'alice');
  assert.equal(doc.exec.user, 'alice');
  assert.ok(doc.hooks.find((h) => h.name === 'accounts')?.ops.some((o) => o.path === '/etc/passwd'));
});

test('check names a misspelt key with a close match and exits 2; a clean config exits 0', () => {
  const bad = ini('check.ini', '[user]\nnmae = alice\n[hooks]\non_failure = abort\n');
  const r = run({ image: FOUNDATION, user: 'root', volumes: [`${bad}:/etc/nbstart/nbstart.ini:ro`], command: ['check'] });
  assert.equal(r.code, 2, show(r));
  assert.match(r.stdout, /^error: \[user\] nmae in \/etc\/nbstart\/nbstart.ini: is not a known key \(did you mean "name"\?\), got "alice"; fix: /m, show(r));
  const good = ini('good.ini', '[user]\nname = alice\n');
  const ok = run({ image: FOUNDATION, user: 'root', env: { NB_UID: '1010' }, volumes: [`${good}:/etc/nbstart/nbstart.ini:ro`], command: ['check'] });
  assert.equal(ok.code, 0, show(ok));
  const env = run({ image: FOUNDATION, user: 'root', env: { NB_UID: 'x1' }, command: ['check'] });
  assert.equal(env.code, 2, show(env));
  assert.match(env.stdout, /^error: NB_UID: expected an integer/m);
});

test('plan --watch re-plans after an edit of the ini', async () => {
  // [user] name would lose to the image's ENV NB_USER (ini < env); the shell has no env variable.
  const conf = ini('watch.ini', '[user]\nshell = /bin/bash\n');
  const name = `nbstart-watch-${process.pid}`;
  podmanOk(['run', '-d', '--pull=never', '--network', 'none', '--name', name, '--user', 'root', '-e', 'NB_UID=1010', '-v', `${path.dirname(conf)}:/etc/nbstart:ro`,
    '-e', `NBSTART_CONFIG=/etc/nbstart/${path.basename(conf)}`, FOUNDATION, 'plan', '--watch']);
  try {
    const waitFor = async (re: RegExp): Promise<string> => {
      for (let i = 0; i < 100; i++) {
        const logs = podman(['logs', name]);
        if (re.test(logs.stdout)) return logs.stdout;
        await new Promise((r) => setTimeout(r, 100));
      }
      const logs = podman(['logs', name]);
      throw new Error(`timed out waiting for ${re}\n${logs.stdout}\n${logs.stderr}`);
    };
    await waitFor(/shell: \/bin\/bash/);
    for (let i = 0; i < 50 && !/watching/.test(podman(['logs', name]).stderr); i++) await new Promise((r) => setTimeout(r, 100));
    fs.writeFileSync(conf, '[user]\nshell = /bin/sh\n');
    const out = await waitFor(/--- re-planned after a change to [^\n]*watch.ini\n[\s\S]*shell: \/bin\/sh/);
    assert.match(out, /home: \/home\/jovyan {2}shell: \/bin\/sh/);
  } finally {
    podman(['rm', '-f', '-t', '0', name]);
  }
});
