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

interface ScriptCase {
  readonly name: string;
  /** The before-notebook.d files: name → [content, mode]. */
  readonly files: Record<string, [string, number]>;
  readonly env?: Record<string, string>;
  readonly ini?: string;
  readonly command: string[];
  readonly code: number;
  readonly stdout?: string | RegExp;
  /** Each must match the container's stderr. */
  readonly stderr?: readonly RegExp[];
  readonly notStderr?: readonly RegExp[];
}

const DIR = '/usr/local/bin/before-notebook.d';
const SCRIPT_CASES: ScriptCase[] = [
  {
    name: 'exports and unsets of sourced *.sh reach the command; lexical order; an executable\'s stdout is the container\'s; failures are logged, start-up goes on',
    files: {
      '10-export.sh': ['export FROM_HOOK="a b"\nexport ORDER=10\nunset DROP_ME\n', 0o644],
      '20-fail': ['#!/bin/sh\necho "about to fail" >&2\nexit 3\n', 0o755],
      '30-order.sh': ['export ORDER="$ORDER,30"\n', 0o644],
      '40-not-executable': ['#!/bin/sh\necho should not run\n', 0o644],
      '50-whoami': ['#!/bin/sh\necho "hook ran as $(id -u)"\n', 0o755],
    },
    env: { NB_USER: 'alice', NB_UID: '1010', DROP_ME: 'x' },
    command: sh('echo "$FROM_HOOK|$ORDER|${DROP_ME-unset}|$(id -un)"'),
    code: 0, stdout: 'hook ran as 0\na b|10,30|unset|alice\n',
    stderr: [
      new RegExp(`^INFO\\[[^\\]]*\\] Running hooks in: ${DIR} as uid: 0 gid: 0$`, 'm'),
      new RegExp(`Sourcing shell script: ${DIR}/10-export.sh`), new RegExp(`Running executable: ${DIR}/20-fail`),
      new RegExp(`^ERROR\\[[^\\]]*\\] ${DIR}/20-fail has failed, continuing execution`, 'm'), /about to fail/,
      new RegExp(`Ignoring non-executable: ${DIR}/40-not-executable`), new RegExp(`Done running hooks in: ${DIR}`),
    ],
    notStderr: [/should not run/],
  },
  {
    name: 'one bash for the directory: functions and plain variables of one sourced script are seen by the next; set -e does not leak',
    files: {
      '10-define.sh': ['greet() { echo "hello $1"; }\nPLAIN=not-exported\nset -e\n', 0o644],
      '20-use.sh': ['false\nexport SEEN="$(greet alice) $PLAIN"\n', 0o644],
    },
    command: sh('echo "$SEEN"'), code: 0, stdout: 'hello alice not-exported\n',
  },
  {
    name: 'a sourced script that returns non-zero is logged and start-up goes on',
    files: { '10-return.sh': ['return 3\n', 0o644], '20-after.sh': ['export AFTER=yes\n', 0o644] },
    command: sh('echo "$AFTER"'), code: 0, stdout: 'yes\n', stderr: [new RegExp(`${DIR}/10-return.sh has failed, continuing execution`)],
  },
  {
    name: 'a sourced script that exits the shell stops start-up with its status, as with start.sh',
    files: { '10-exit.sh': ['exit 4\n', 0o644], '20-never': ['#!/bin/sh\necho never\n', 0o755] },
    command: ['echo', 'command-ran'], code: 4,
    stderr: [new RegExp(`${DIR}/10-exit.sh exited the shell with status 4: start-up stops`)], notStderr: [/never/],
  },
  {
    name: 'a sourced script failing under its own set -e stops start-up with that status',
    files: { '10-strict.sh': ['set -e\nsh -c "exit 6"\necho not-reached\n', 0o644] },
    command: ['echo', 'command-ran'], code: 6, notStderr: [/not-reached/],
  },
  {
    name: 'on_failure = abort makes a failing executable stop start-up with exit 1',
    files: { '10-fail': ['#!/bin/sh\nexit 9\n', 0o755] }, ini: '[hooks]\non_failure = abort\n',
    command: ['echo', 'should not run'], code: 1, stdout: '',
    stderr: [new RegExp(`${DIR}/10-fail has failed \\(exit status 9\\); stopping start-up \\(\\[hooks\\] on_failure = abort\\)`)],
  },
  {
    name: 'a hang is killed at [hooks] timeout with its process group; start-up goes on',
    files: { '10-hang': ['#!/bin/sh\nsleep 300 &\nsleep 300\n', 0o755] }, ini: '[hooks]\ntimeout = 2\n',
    command: sh('echo ok; cat /proc/[0-9]*/comm | grep -c "^sleep$" || true'),
    code: 0, stdout: 'ok\n0\n', stderr: [new RegExp(`${DIR}/10-hang has failed, continuing execution \\(timed out after 2s; killed with its process group\\)`)],
  },
  {
    name: 'what a sourced script starts in the background keeps running, as with start.sh',
    files: { '10-daemon.sh': ['(sleep 30 && true) >/dev/null 2>&1 &\n', 0o644] },
    command: sh('cat /proc/[0-9]*/comm | grep -c "^sleep$"'), code: 0, stdout: '1\n',
  },
  {
    name: 'root runs scripts in root\'s world: HOME, cwd /, no person-writable PATH entry, PYTHONNOUSERSITE; exports reach the person\'s PATH',
    files: { '10-world.sh': ['echo "$HOME|$PWD|$PATH|${PYTHONNOUSERSITE-}|${XDG_CONFIG_HOME-none}" > /tmp/world\nexport PATH="/opt/tool/bin:$PATH"\n', 0o644] },
    env: { NB_USER: 'alice', NB_UID: '1010', XDG_CONFIG_HOME: '/home/alice/.config' },
    command: sh('cat /tmp/world; echo "$PATH"; echo "$HOME"'), code: 0,
    stdout: '/root|/|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|1|none\n/opt/tool/bin:/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n/home/alice\n',
    // docker-stacks' own layout ($CONDA_DIR first on PATH, group-writable) is said, not warned.
    stderr: [/^INFO\[[^\]]*\] scripts run as root do not get what the person could change: left out PATH entry \/opt\/conda\/bin/m],
  },
];

for (const c of SCRIPT_CASES) {
  test(`before-notebook.d: ${c.name}`, () => {
    const dir = hookDir(`case-${SCRIPT_CASES.indexOf(c)}`, c.files);
    const volumes = [`${dir}:${DIR}:ro`, ...(c.ini ? [`${ini(`case-${SCRIPT_CASES.indexOf(c)}.ini`, c.ini)}:/etc/nbstart/nbstart.ini:ro`] : [])];
    const r = run({ image: FOUNDATION, user: 'root', env: c.env ?? {}, volumes, command: c.command });
    assert.equal(r.code, c.code, show(r));
    if (typeof c.stdout === 'string') assert.equal(r.stdout, c.stdout, show(r));
    else if (c.stdout) assert.match(r.stdout, c.stdout, show(r));
    for (const re of c.stderr ?? []) assert.match(r.stderr, re, show(r));
    for (const re of c.notStderr ?? []) assert.doesNotMatch(r.stderr + r.stdout, re, show(r));
  });
}

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

test('a directory of start_dirs that is a file is a warning; start-up goes on', () => {
  const notDir = ini('not-a-dir', 'x');
  const conf = ini('notdir.ini', '[hooks]\nstart_dirs = /opt/not-a-dir\n');
  const r = run({ image: FOUNDATION, user: 'root', volumes: [`${conf}:/etc/nbstart/nbstart.ini:ro`, `${notDir}:/opt/not-a-dir:ro`], command: ['true'] });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stderr, /\[hooks\] start_dirs: \/opt\/not-a-dir is not a directory; skipped/);
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
  assert.match(r.stdout, /- write as one step: \/etc\/passwd/);
  assert.match(r.stdout, /- scripts of \/usr\/local\/bin\/before-notebook.d as root, in one \/usr\/bin\/bash[^\n]*: run \/usr\/local\/bin\/before-notebook.d\/10-mark/);
  assert.match(r.stdout, /^exec: touch \/tmp\/exec-ran as alice \(1010:1020\)/m);
  assert.match(r.stdout, /rc=0 same=yes hook=0 exec=0\n$/, show(r));
});

test('plan --json is one JSON document', () => {
  const r = run({ image: FOUNDATION, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010' }, command: ['plan', '--json'] });
  assert.equal(r.code, 0, show(r));
  const doc = JSON.parse(r.stdout) as { identity: { name: string; uid: number }; hooks: { name: string; ops: { kind: string; files?: { path: string; bytes: number }[] }[] }[]; exec: { user: string } };
  assert.equal(doc.identity.name, 'alice');
  assert.equal(doc.exec.user, 'alice');
  const write = doc.hooks.find((h) => h.name === 'accounts')?.ops.find((o) => o.kind === 'write-files');
  assert.ok(write?.files?.some((f) => f.path === '/etc/passwd' && f.bytes > 0 && !('content' in f)), r.stdout);
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
