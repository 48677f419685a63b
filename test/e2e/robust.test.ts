// Hardened deployments, in real containers: root with only SETUID and SETGID under no-new-privileges
// (docs/security-context.md), a read-only root filesystem, read-only account files that are already
// right (ConfigMap style), and a user-phase failure that must not keep the person from the server.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FOUNDATION } from './lib/images.ts';
import { expectResult, includes, type Expected } from './lib/expect.ts';
import { podman, run, show } from './lib/podman.ts';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-e2e-robust-'));
fs.chmodSync(base, 0o755);
after(() => fs.rmSync(base, { recursive: true, force: true }));

const sh = (s: string): string[] => ['sh', '-c', s];
/** The pod of docs/security-context.md, without CHOWN. */
const MINIMAL = ['--cap-drop=ALL', '--cap-add=SETUID,SETGID', '--security-opt', 'no-new-privileges'];
const ALICE = { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020', NBSTART_GROUPS: 'physics:3000' };
const ALICE_ID = 'uid=1010(alice) gid=1020(alice) groups=1020(alice),100(users),3000(physics)';

/** Runs nbstart through a shell entrypoint that hashes the account files before and after. */
const HASHED = (cmd: string): string[] => ['-c', `h() { cat /etc/passwd /etc/group /etc/shadow /etc/gshadow | sha256sum; ls -A /etc | sha256sum; }; a=$(h); ${cmd}; rc=$?; b=$(h); echo "rc=$rc same=$([ "$a" = "$b" ] && echo yes || echo no)"`];

/** One container of a hardened deployment: who starts it, its env, mounts and engine options, the command → what it shows and warns. */
interface RobustCase extends Expected {
  readonly name: string;
  readonly user: string;
  readonly env?: Record<string, string>;
  readonly extra?: string[];
  /** A fresh named volume mounted here (removed afterwards). */
  readonly volumeAt?: string;
  readonly command: string[];
}

const CASES: RobustCase[] = [
  // --- 1. minimal privilege
  {
    name: 'only SETUID+SETGID, no-new-privileges: full identity change, no capabilities left, shadow keeps root:shadow, one CAP_CHOWN warning',
    user: 'root', env: ALICE, extra: MINIMAL, command: sh([
      'id', 'grep -E "^Cap(Prm|Eff)" /proc/self/status', 'stat -c "%n %U:%G %a" /etc/passwd /etc/group /etc/shadow /etc/gshadow',
      'getent passwd alice', 'pwd', 'touch ~/new && echo home-writable', 'ls -A /etc | grep -c nbstart-tmp || true',
    ].join('; ')),
    stdout: [
      ALICE_ID, 'CapPrm:\t0000000000000000', 'CapEff:\t0000000000000000',
      '/etc/passwd root:root 644', '/etc/group root:root 644', '/etc/shadow root:shadow 640', '/etc/gshadow root:shadow 640',
      'alice:x:1010:1020::/home/alice:/bin/bash', '/home/alice', 'home-writable', '0', '',
    ].join('\n'),
    // The home stays the template's (group-writable through users, as docker-stacks makes it).
    warnings: ['without CAP_CHOWN the files in /home/alice keep their owner 1000:100 instead of following alice to 1010:1020 (add CHOWN to the container\'s capabilities)'],
  },
  {
    name: 'SETUID+SETGID+CHOWN: the home is copied and given to the person, and nothing is said',
    user: 'root', env: ALICE, extra: ['--cap-drop=ALL', '--cap-add=SETUID,SETGID,CHOWN', '--security-opt', 'no-new-privileges'],
    command: sh('id; stat -c "%U:%G" /home/alice /home/alice/.bashrc; test -L /home/alice || echo real-directory'),
    stdout: `${ALICE_ID}\nalice:alice\nalice:alice\nreal-directory\n`, warnings: [],
  },
  {
    name: 'CHOWN_HOME without CAP_CHOWN, GRANT_SUDO under no-new-privileges: one warning each, the server starts',
    user: 'root', env: { NB_UID: '1010', CHOWN_HOME: 'yes', GRANT_SUDO: 'yes' }, extra: MINIMAL, command: ['id', '-u'],
    stdout: '1010\n',
    warnings: [
      includes('without CAP_CHOWN the files in /home/jovyan keep their owner 1000:100'),
      includes('GRANT_SUDO is set but the container runs with no_new_privs'),
      includes('CHOWN_HOME is set but the container lacks CAP_CHOWN: chown skipped (add CHOWN to the container\'s capabilities)'),
    ],
  },
  {
    name: 'root without SETUID/SETGID stops before anything is written, naming the capabilities',
    user: 'root', env: ALICE, extra: ['--cap-drop=ALL', '--entrypoint', 'sh'], command: HASHED('/usr/local/bin/nbstart id'),
    stdout: 'rc=1 same=yes\n',
    stderr: [/the container's capabilities: lack CAP_SETUID and CAP_SETGID: started as root, nbstart cannot become the person, got "CapEff 0000000000000000"; fix: add SETUID and SETGID/],
  },
  // --- 2. read-only root filesystem
  {
    name: 'read-only root, started as root: ids applied, names through nss_wrapper, a scratch home, /etc untouched',
    user: 'root', env: ALICE, extra: ['--read-only', ...MINIMAL], command: sh([
      'whoami', 'id', 'echo "$HOME"', 'pwd', 'touch ~/new && echo home-writable', 'getent passwd alice', 'grep -c "^alice:" /etc/passwd || true',
    ].join('; ')),
    stdout: ['alice', ALICE_ID, '/tmp/nbstart-home-1010', '/tmp/nbstart-home-1010', 'home-writable', 'alice:x:1010:1020::/tmp/nbstart-home-1010:/bin/bash', '0', ''].join('\n'),
    warnings: [
      /\/home is on a read-only filesystem, so \/home\/alice cannot be created; HOME is \/tmp\/nbstart-home-1010, which is lost when the container stops/,
      /\/etc\/passwd is on a read-only filesystem: \/etc is left as it is, and alice \(1010:1020\) with the groups reaches the hooks and the command through libnss_wrapper/,
    ],
  },
  {
    name: 'read-only root with a volume at the template home (z2jh\'s home PVC): that home is HOME',
    user: 'root', env: ALICE, volumeAt: '/home/jovyan', extra: ['--read-only', ...MINIMAL],
    command: sh('id -un; echo "$HOME"; pwd; touch ~/saved && echo home-writable; test -f ~/.bashrc && echo image-files'),
    stdout: 'alice\n/home/jovyan\n/home/jovyan\nhome-writable\nimage-files\n', stderr: [/HOME is the image's \/home\/jovyan, on a writable volume/],
  },
  ...[[], ['--passwd=false']].map((extra): RobustCase => ({
    name: `read-only root, arbitrary uid ${extra.join(' ') || '(podman adds a passwd line)'}: whoami works`,
    user: '1010:0', env: { NB_USER: 'alice' }, extra: ['--read-only', ...extra], command: sh('whoami; id -u'), stdout: 'alice\n1010\n',
  })),
];

CASES.forEach((c, i) => {
  test(c.name, () => {
    const vol = c.volumeAt && `nbstart-robust-home-${process.pid}-${i}`;
    try {
      expectResult(run({ image: FOUNDATION, user: c.user, env: c.env ?? {}, volumes: vol ? [`${vol}:${c.volumeAt}`] : [], extra: c.extra ?? [], command: c.command }), c);
    } finally {
      if (vol) podman(['volume', 'rm', '-f', vol]);
    }
  });
});

test('read-only /etc/passwd and /etc/group that are already right (ConfigMap): nothing written, nothing said', () => {
  // The files nbstart itself writes for alice, taken from a first container (the record of which
  // entry the template became, /etc/nbstart-user, with them).
  const gen = run({ image: FOUNDATION, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010' }, command: sh('cat /etc/passwd; echo =====; cat /etc/group; echo =====; cat /etc/nbstart-user') });
  assert.equal(gen.code, 0, show(gen));
  const [passwd, group, record] = gen.stdout.split('=====\n');
  assert.match(passwd!, /^alice:x:1010:100::\/home\/alice:\/bin\/bash$/m);
  const dir = fs.mkdtempSync(path.join(base, 'configmap-'));
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'passwd'), passwd!, { mode: 0o644 });
  fs.writeFileSync(path.join(dir, 'group'), group!, { mode: 0o644 });
  fs.writeFileSync(path.join(dir, 'nbstart-user'), record!, { mode: 0o644 });
  const volumes = [`${dir}/passwd:/etc/passwd:ro`, `${dir}/group:/etc/group:ro`, `${dir}/nbstart-user:/etc/nbstart-user:ro`];
  const r = run({ image: FOUNDATION, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010' }, volumes, extra: MINIMAL, command: sh('id; echo "$HOME"; echo "${LD_PRELOAD-no preload}"') });
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, 'uid=1010(alice) gid=100(users) groups=100(users)\n/home/alice\nno preload\n', show(r));
  assert.doesNotMatch(r.stderr, /wrote |nss_wrapper|read-only|WARN/, show(r));
});

test('a read-only /etc/passwd that needs a change: /etc untouched, the person named through nss_wrapper', () => {
  const dir = fs.mkdtempSync(path.join(base, 'passwd-'));
  fs.chmodSync(dir, 0o755);
  const image = run({ image: FOUNDATION, extra: ['--entrypoint', 'cat'], command: ['/etc/passwd'] });
  fs.writeFileSync(path.join(dir, 'passwd'), image.stdout, { mode: 0o644 });
  const r = run({ image: FOUNDATION, user: 'root', env: ALICE, volumes: [`${dir}/passwd:/etc/passwd:ro`], extra: ['--entrypoint', 'sh'],
    command: HASHED('/usr/local/bin/nbstart sh -c "whoami; id"') });
  assert.equal(r.stdout, `alice\n${ALICE_ID}\nrc=0 same=yes\n`, show(r));
  assert.match(r.stderr, /\/etc\/passwd is on a read-only filesystem: \/etc is left as it is/, show(r));
});

// --- 5. degraded start ---------------------------------------------------------------------------

/** An external home for uid 4712 (a plain directory, not squashed) with `setup` applied, and the ini. */
function externalHome(name: string, setup: (home: string) => void): string[] {
  const parent = path.join(base, name);
  const home = path.join(parent, 'alice');
  fs.mkdirSync(home, { recursive: true, mode: 0o755 });
  fs.chmodSync(parent, 0o755);
  setup(home);
  for (const p of [home, ...fs.readdirSync(home).map((n) => path.join(home, n))]) fs.lchownSync(p, 4712, 4712);
  const ini = path.join(parent, 'nbstart.ini');
  fs.writeFileSync(ini, '[home]\nsource = /mnt/home/{user}\nlinks = work\n', { mode: 0o644 });
  return [`${parent}:/mnt/home`, `${ini}:/etc/nbstart/nbstart.ini:ro`];
}

const DEGRADED: { name: string; setup: (home: string) => void; cause: RegExp }[] = [
  { name: 'a file where the Jupyter config directory must be created', setup: (h) => fs.writeFileSync(path.join(h, 'jupyter'), 'not a dir'), cause: /mkdir \/mnt\/home\/alice\/jupyter\/\.jupyter .*ENOTDIR/ },
  { name: 'a home the person cannot create directories in', setup: (h) => fs.chmodSync(h, 0o555), cause: /mkdir \/mnt\/home\/alice\/jupyter .*EACCES/ },
];

for (const d of DEGRADED) {
  test(`degraded start, ${d.name}: the server starts in the local home, one error line, the note`, () => {
    const volumes = externalHome(d.name.replace(/\W+/g, '-'), d.setup);
    const r = run({ image: FOUNDATION, user: 'root', env: { NB_USER: 'alice', NB_UID: '4712', NB_GID: '4712' }, volumes,
      command: sh('pwd; id -un; head -2 ~/HOME-NOT-AVAILABLE.txt; stat -c %U ~/HOME-NOT-AVAILABLE.txt; echo "${JUPYTER_CONFIG_DIR-unset}"') });
    assert.equal(r.code, 0, show(r));
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['/home/alice', 'alice', 'Your home directory /mnt/home/alice could not be used when this notebook server started:'], show(r));
    assert.match(lines[3]!, d.cause, show(r));
    assert.deepEqual(lines.slice(4), ['alice', 'unset', ''], show(r));
    const errors = r.stderr.split('\n').filter((l) => /^ERROR\[/.test(l));
    assert.equal(errors.length, 1, show(r));
    assert.match(errors[0]!, /user-phase set-up failed; the command starts anyway: hook home-links: /, show(r));
  });
}
