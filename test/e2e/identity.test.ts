// The compiled binary as the ENTRYPOINT of the foundation image, one container per case:
// {user, env, command} → expected output (docker-stacks' test_user_options, gosu's test table).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FOUNDATION, SHIMMED } from './lib/images.ts';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { podman, podmanOk, REPO, run, show, type RunSpec } from './lib/podman.ts';

interface Case extends Omit<RunSpec, 'image'> {
  readonly name: string;
  readonly image?: string;
  readonly code?: number;
  readonly stdout?: string | RegExp;
  readonly stderr?: RegExp;
}

const sh = (script: string): string[] => ['sh', '-c', script];

const CASES: Case[] = [
  { name: 'no --user: runs as the image user, unchanged', command: ['id'], stdout: 'uid=1000(jovyan) gid=100(users) groups=100(users)\n' },
  { name: 'root start without settings: becomes jovyan', user: 'root', command: ['id'], stdout: 'uid=1000(jovyan) gid=100(users) groups=100(users)\n' },
  { name: 'NB_UID changes the uid', user: 'root', env: { NB_UID: '1010' }, command: ['id'], stdout: 'uid=1010(jovyan) gid=100(users) groups=100(users)\n' },
  {
    name: 'NB_USER/NB_UID/NB_GID: rename, new private group, users kept',
    user: 'root', env: { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' }, command: ['id'],
    stdout: 'uid=1010(alice) gid=1020(alice) groups=1020(alice),100(users)\n',
  },
  {
    name: 'NB_GROUP names the new primary group',
    user: 'root', env: { NB_USER: 'alice', NB_UID: '1010', NB_GID: '2000', NB_GROUP: 'science' }, command: ['id', '-gn'], stdout: 'science\n',
  },
  {
    name: 'rename moves home and working directory; HOME, USER, LOGNAME, SHELL follow',
    user: 'root', env: { NB_USER: 'alice', NB_UID: '1010' },
    command: sh('pwd; echo "$HOME $USER $LOGNAME $SHELL"; getent passwd alice; test -f /home/alice/.bashrc && echo home-has-image-files'),
    stdout: '/home/alice\n/home/alice alice alice /bin/bash\nalice:x:1010:100::/home/alice:/bin/bash\nhome-has-image-files\n',
  },
  {
    name: 'the user can write in the home after a uid change',
    user: 'root', env: { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' },
    command: sh('touch ~/new && stat -c "%U:%G" ~/new ~/.bashrc .'), stdout: 'alice:alice\nalice:alice\nalice:alice\n',
  },
  {
    name: 'JUPYTER_ENV_VARS_TO_UNSET removes the listed variables only',
    user: 'root', env: { SECRET_A: 'a', SECRET_B: 'b', KEEP_C: 'c', JUPYTER_ENV_VARS_TO_UNSET: 'SECRET_A,SECRET_B' },
    command: sh('echo "${SECRET_A-unset} ${SECRET_B-unset} ${KEEP_C-unset}"'), stdout: 'unset unset c\n',
  },
  {
    name: 'PATH, LD_LIBRARY_PATH, PYTHONPATH and CONDA_* pass exactly as given',
    user: 'root', env: { NB_UID: '1010', PATH: '/custom/bin:/usr/bin:/bin', LD_LIBRARY_PATH: '/x/lib', PYTHONPATH: '/p1:/p2', CONDA_PREFIX: '/opt/conda/envs/a' },
    command: ['printenv', 'PATH', 'LD_LIBRARY_PATH', 'PYTHONPATH', 'CONDA_PREFIX'], stdout: '/custom/bin:/usr/bin:/bin\n/x/lib\n/p1:/p2\n/opt/conda/envs/a\n',
  },
  {
    name: 'no SUDO_* variables reach the command',
    user: 'root', env: { SUDO_USER: 'x', SUDO_UID: '0', GRANT_SUDO: 'yes' }, command: sh('env | grep -c ^SUDO_ || true'), stdout: '0\n',
  },
  {
    name: 'capabilities are all gone after the drop',
    user: 'root', env: { NB_UID: '1010' }, command: sh('grep -E "^Cap(Prm|Eff)" /proc/self/status'), stdout: 'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n',
  },
  {
    name: 'nbstart is gone: the command is a direct child of tini',
    user: 'root', command: sh('cat /proc/[0-9]*/comm | sort -u | tr "\\n" " "; echo; echo "ppid=$PPID"'),
    stdout: /^(?!.*nbstart).*\nppid=1\n$/,
  },
  { name: 'the command\'s exit status is the container\'s', user: 'root', command: sh('exit 7'), code: 7 },
  { name: 'a missing command exits 127 with a clear message', user: 'root', command: ['no-such-cmd'], code: 127, stderr: /no-such-cmd: command not found in PATH=/ },
  { name: 'a non-executable command exits 126', user: 'root', command: ['/etc/hostname'], code: 126, stderr: /\/etc\/hostname: not executable/ },
  {
    name: 'NB_USER=root NB_UID=0 NB_GID=0 runs as root with HOME=/home/root',
    user: 'root', env: { NB_USER: 'root', NB_UID: '0', NB_GID: '0' }, command: sh('id -u; echo $HOME; pwd'), stdout: '0\n/home/root\n/home/root\n',
  },
  {
    name: 'GRANT_SUDO gives passwordless sudo with conda bin on secure_path',
    user: 'root', env: { NB_USER: 'alice', NB_UID: '1010', GRANT_SUDO: 'yes' }, command: sh('sudo -n id -u && sudo -n sh -c \'echo $PATH\''),
    stdout: /^0\n\/opt\/conda\/bin:/,
  },
  {
    name: 'without GRANT_SUDO there is no sudo right and no drop-in',
    user: 'root', env: { NB_UID: '1010' }, command: sh('ls /etc/sudoers.d; sudo -n true 2>/dev/null && echo yes || echo no'), stdout: 'README\nno\n',
  },
  { name: 'NB_UMASK applies to the command', user: 'root', env: { NB_UMASK: '002' }, command: sh('umask'), stdout: '0002\n' },
  {
    name: 'non-root --user 1010:0 without a passwd entry: whoami works through nss_wrapper',
    user: '1010:0', env: { NB_USER: 'alice' }, command: sh('whoami; id; echo $HOME'), stdout: 'alice\nuid=1010(alice) gid=0(root) groups=0(root)\n/home/jovyan\n',
  },
  {
    name: 'non-root, docker-style (no passwd line added by the engine): whoami works through nss_wrapper',
    user: '1010:0', extra: ['--passwd=false'], command: sh('whoami; id -un'), stdout: 'jovyan\njovyan\n',
  },
  {
    name: 'non-root start warns precisely about what needs root',
    user: '1010:0', env: { NB_UID: '2000', GRANT_SUDO: 'yes' }, command: ['true'],
    stderr: /NB_UID: cannot change the uid to this: the container did not start as root[\s\S]*GRANT_SUDO is set but the container did not start as root/,
  },
  {
    name: 'the last log line says what runs and as whom; no ExperimentalWarning',
    user: 'root', env: { NB_USER: 'alice', NB_UID: '1010' }, command: ['true'],
    stderr: /^(?![\s\S]*ExperimentalWarning)[\s\S]*\] alice is uid 1010, gid 100, groups 100; starting in \/home\/alice\nINFO\[[^\]]*\] Running as alice: true\n$/,
  },
  {
    // O_NONBLOCK is 04000 in the octal flags of /proc/PID/fdinfo; the command must get blocking stdio.
    name: 'the command gets blocking stdout and stderr, as the engine gave them',
    user: 'root', env: { NB_UID: '1010' }, command: sh('for fd in 1 2; do f=$(sed -n "s/^flags:[[:space:]]*//p" /proc/$$/fdinfo/$fd); echo "fd$fd nonblock=$(( (0$f & 04000) != 0 ))"; done'),
    stdout: 'fd1 nonblock=0\nfd2 nonblock=0\n',
  },
  {
    name: 'JSON logs when asked',
    user: 'root', env: { NBSTART_LOG_FORMAT: 'json' }, command: ['true'], stderr: /^\{"level":30,.*"msg":"Running as jovyan: true"/m,
  },
  {
    name: 'stdout belongs to the command: nbstart prints nothing there',
    user: 'root', env: { NB_USER: 'alice', NB_UID: '1010', GRANT_SUDO: 'yes' }, command: ['true'], stdout: '',
  },
  {
    name: 'start.sh (nbstart) run again by the command only execs: docker-stacks\' start-notebook.py chain',
    user: 'root', env: { NB_USER: 'alice', NB_UID: '1010' }, command: sh('echo $_START_SH_EXECUTED; exec /usr/local/bin/start.sh id -un'),
    stdout: '1\nalice\n',
  },
  {
    name: 'the shim layer makes a plain docker-stacks-like image start through nbstart',
    image: SHIMMED, user: 'root', env: { NB_UID: '1010' }, command: ['id'], stdout: /^uid=1010\(jovyan\)/,
  },
];

for (const c of CASES) {
  test(c.name, () => {
    const r = run({ image: c.image ?? FOUNDATION, ...c });
    assert.equal(r.code, c.code ?? 0, show(r));
    if (typeof c.stdout === 'string') assert.equal(r.stdout, c.stdout, show(r));
    else if (c.stdout) assert.match(r.stdout, c.stdout, show(r));
    if (c.stderr) assert.match(r.stderr, c.stderr, show(r));
  });
}

// Bad input: one line naming the setting, exit 1, and /etc byte-identical (hashed before and after
// inside the same container, with nbstart run by a shell entrypoint).
const BAD: { env: Record<string, string>; setting: RegExp }[] = [
  { env: { NB_UID: 'abc' }, setting: /NB_UID: expected an integer from 0 to 4294967294, got "abc"; fix: / },
  { env: { NB_UID: '4294967295' }, setting: /NB_UID: expected an integer/ },
  { env: { NB_USER: 'a:b', NB_UID: '1010' }, setting: /NB_USER: the user name must not contain ":"/ },
  { env: { NB_USER: 'a\nb' }, setting: /NB_USER: the user name must not contain "\\n"/ },
  { env: { NBSTART_TEMPLATE_USER: 'nosuch', NB_USER: 'alice' }, setting: /NB_USER: neither "alice" nor the template user "nosuch"/ },
  { env: { NB_UID: '1010', NB_GID: '1020', GRANT_SUDO: 'maybe' }, setting: /GRANT_SUDO: expected yes\/no/ },
];

for (const b of BAD) {
  test(`bad input ${JSON.stringify(b.env)} stops with exit 1 and leaves /etc as it was`, () => {
    const script = 'cd /etc && sum() { cat passwd group shadow gshadow | sha256sum; ls -la /etc | sha256sum; }; a=$(sum); /usr/local/bin/nbstart id; rc=$?; b=$(sum); echo "rc=$rc same=$([ "$a" = "$b" ] && echo yes || echo no)"';
    const r = run({ image: FOUNDATION, user: 'root', env: b.env, extra: ['--entrypoint', 'sh'], command: ['-c', script] });
    assert.equal(r.stdout, 'rc=1 same=yes\n', show(r));
    assert.match(r.stderr, b.setting, show(r));
    const errorLines = r.stderr.split('\n').filter((l) => l.includes('ERROR'));
    assert.ok(errorLines.length >= 1, show(r));
  });
}

test('a bind-mounted /etc/passwd (rename gives EBUSY) is rewritten in place, with a warning', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-e2e-bind-'));
  try {
    const file = path.join(dir, 'passwd');
    fs.copyFileSync(path.join(REPO, 'test/fixtures/docker-stacks-foundation/passwd'), file);
    fs.chmodSync(file, 0o644);
    const r = run({ image: FOUNDATION, user: 'root', env: { NB_UID: '1010' }, volumes: [`${file}:/etc/passwd`], command: ['id'] });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, 'uid=1010(jovyan) gid=100(users) groups=100(users)\n', show(r));
    assert.match(r.stderr, /\/etc\/passwd could not be replaced atomically \(bind mount or read-only \/etc\); rewrote it in place/, show(r));
    assert.match(fs.readFileSync(file, 'utf8'), /^jovyan:x:1010:100::\/home\/jovyan:\/bin\/bash$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a restarted container starts again with the same identity and changes nothing', () => {
  const name = `nbstart-restart-${process.pid}`;
  podmanOk(['create', '--name', name, '--network', 'none', '--user', 'root', '-e', 'NB_USER=alice', '-e', 'NB_UID=1010', '-e', 'NB_GID=1020', '-e', 'GRANT_SUDO=yes',
    FOUNDATION, 'sh', '-c', 'id; sha256sum /etc/passwd /etc/group /etc/sudoers.d/nbstart | cut -c1-16; pwd']);
  try {
    const first = podmanOk(['start', '--attach', name]);
    const second = podmanOk(['start', '--attach', name]);
    assert.equal(second.stdout, first.stdout, `${show(first)}\n${show(second)}`);
    assert.match(first.stdout, /^uid=1010\(alice\) gid=1020\(alice\) groups=1020\(alice\),100\(users\)\n/);
    assert.doesNotMatch(second.stderr, /wrote \/etc\//, show(second));
  } finally {
    podman(['rm', '-f', name]);
  }
});

test('--help lists every environment variable of the settings table', () => {
  const r = run({ image: FOUNDATION, command: ['--help'] });
  assert.equal(r.code, 0, show(r));
  for (const v of ['NB_USER', 'NB_UID', 'NB_GID', 'NB_GROUP', 'NB_UMASK', 'GRANT_SUDO', 'CHOWN_HOME', 'CHOWN_HOME_OPTS', 'CHOWN_EXTRA', 'CHOWN_EXTRA_OPTS', 'JUPYTER_ENV_VARS_TO_UNSET', 'NBSTART_CONFIG', 'NBSTART_LOG_LEVEL', 'NBSTART_LOG_FORMAT']) {
    assert.ok(r.stdout.includes(v), `${v} missing from --help`);
  }
});
