// A docker-stacks image switched to nbstart with the shim layer (test/e2e/images/plain-stacks plus
// shim-layer/Dockerfile): what docker-stacks' own container tests check (tests/by_image/
// docker-stacks-foundation/test_user_options.py, test_run_hooks.py, test_logging.py and
// base-notebook/test_container_options.py), on behaviour and on what their harness watches: the
// exit code, the lines it waits for, and the lines that start with WARNING or ERROR (colours
// stripped), which must be exactly the expected ones; everywhere else there must be none.
// Where nbstart differs on purpose the case says so (README, "Switching from start.sh").

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectResult, linesStarting, type Expected } from './lib/expect.ts';
import { SHIMMED } from './lib/images.ts';
import { podman, podmanOk, run, show, type Result } from './lib/podman.ts';

const TAG = process.env['NBSTART_E2E_TAG'] || 'test';
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-e2e-stacks-'));
const cleanups: (() => void)[] = [];
after(() => {
  for (const c of cleanups.reverse()) c();
  fs.rmSync(base, { recursive: true, force: true });
});

const BEFORE = '/usr/local/bin/before-notebook.d';
const STAMP = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.source;
const sh = (s: string): string[] => ['bash', '-c', s];

/** A host directory of files (name → [content, mode]), world-readable, owned by root. */
function hostDir(name: string, files: Record<string, [string, number]>): string {
  const dir = path.join(base, name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  for (const [f, [content, mode]] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, f), content);
    fs.chmodSync(path.join(dir, f), mode);
  }
  return dir;
}

/** One container under the shim → what it must show; WARNING and ERROR lines default to none. */
interface Case extends Expected {
  readonly name: string;
  readonly user?: string;
  readonly env?: Record<string, string>;
  readonly volumes?: () => string[];
  readonly extra?: readonly string[];
  readonly command: readonly string[];
}

/** docker-stacks' harness sees every WARNING and ERROR line: unless a case names some, there are none. */
const check = (c: Case, r: Result): void => expectResult(r, { ...c, warnings: c.warnings ?? [], errors: c.errors ?? [] });

// --- the host side of the bind-mount cases ------------------------------------------------------

const keepData = (() => {
  let dir: string | undefined;
  return (): string => {
    dir ??= fs.mkdtempSync(path.join(base, 'bind-'));
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'foo.txt'), 'some-content');
    return dir;
  };
})();
const wrongPython = (): string => path.join(hostDir('wrong-python', { 'python': ['#!/bin/sh\necho "Wrong python executable invoked!"\n', 0o755] }), 'python');
const testHook = (): string => path.join(hostDir('single-hook', { '99-test-hook.sh': ['echo "Test hook executed as: $(id -un)"\n', 0o644] }), '99-test-hook.sh');

// run-hooks cases: docker-stacks' fixtures re-written (same behaviour, own files), run by nbstart as
// the directory before-notebook.d of a start as jovyan, as run-hooks.sh runs them for jovyan there.
const HOOK_DIRS: Record<string, Record<string, [string, number]>> = {
  change: {
    'a.sh': ['export MY_VAR=123\necho "a.sh: MY_VAR is $MY_VAR"\n', 0o644],
    'b.sh': ['echo "b.sh: MY_VAR is $MY_VAR"\necho "b.sh: changing MY_VAR"\nexport MY_VAR=456\necho "b.sh: MY_VAR is now $MY_VAR"\n', 0o644],
    'c.sh': ['echo "c.sh: MY_VAR is $MY_VAR"\n', 0o644],
  },
  executables: {
    'executable': ['#!/bin/sh\necho "the executable ran, as $(id -u)"\n', 0o755],
    'non_executable.py': ['print("must not run")\n', 0o644],
    'run-me.sh': ['export SOME_VAR=123\n', 0o644],
  },
  failures: {
    'a.sh': ['echo "Started: a.sh"\nexport OTHER_VAR=456\nno-such-command-here\necho "Finished: a.sh"\n', 0o644],
    'b.run': ['#!/bin/sh\necho "Started: b.run"\necho "OTHER_VAR=$OTHER_VAR"\nexit 1\necho "Finished: b.run"\n', 0o755],
    'c.sh': ['echo "Started: c.sh"\nno-such-command-here\n', 0o644],
    'd.sh': ['set -e\necho "Started: d.sh"\nno-such-command-here\necho "Finished: d.sh"\n', 0o644],
  },
  'sh-files': {
    'executable.sh': ['export MY_VAR=0\necho "executable.sh: MY_VAR is $MY_VAR"\n', 0o755],
    'non-executable.sh': ['MY_VAR=$((MY_VAR + 1))\necho "non-executable.sh: MY_VAR is $MY_VAR"\n', 0o644],
  },
  unset: {
    'a.sh': ['export MY_VAR=123\necho "a.sh: MY_VAR is $MY_VAR"\n', 0o644],
    'b.sh': ['echo "b.sh: unsetting MY_VAR"\nunset MY_VAR\n', 0o644],
    'c.sh': ['echo "c.sh: MY_VAR is ${MY_VAR-unset}"\n', 0o644],
  },
  logging: {
    '10-log.sh': ['_log "no level here"\n_log_warn "a warning from a script"\n_log_error "an error from a script"\n', 0o644],
  },
  fatal: {
    '10-fatal.sh': ['_log_fatal "cannot go on"\n', 0o644],
    '20-never.sh': ['echo never\n', 0o644],
  },
};
const hooks = (name: string) => (): string[] => [`${hostDir(`hooks-${name}`, HOOK_DIRS[name]!)}:${BEFORE}:ro`];

const ROOT = { NB_USER: 'root', NB_UID: '0', NB_GID: '0' };

const CASES: Case[] = [
  // test_user_options.py
  { name: 'uid change (NB_UID=1010): id shows jovyan with 1010, and $CONDA_DIR stays writable', user: 'root', env: { NB_UID: '1010' }, command: sh('id && touch /opt/conda/test-file'), logs: ['uid=1010(jovyan)', /^INFO\[.*\] Update jovyan's UID:GID to 1010:100$/m] },
  { name: 'gid change (NB_GID=110)', user: 'root', env: { NB_GID: '110' }, command: ['id'], logs: ['gid=110(jovyan)', 'groups=110(jovyan),100(users)'] },
  { name: 'NB_GROUP names the new primary group', user: 'root', env: { NB_GID: '2000', NB_GROUP: 'custom-group' }, command: ['id', '-gn'], stdout: 'custom-group\n' },
  {
    name: 'CHOWN_EXTRA with -R gives the listed trees to NB_UID:NB_GID', user: 'root',
    env: { NB_UID: '1010', NB_GID: '101', CHOWN_EXTRA: '/home/jovyan,/opt/conda/bin', CHOWN_EXTRA_OPTS: '-R' },
    command: ['stat', '-c', '%n:%u:%g', '/home/jovyan/.bashrc', '/opt/conda/bin/jupyter'], stdout: '/home/jovyan/.bashrc:1010:101\n/opt/conda/bin/jupyter:1010:101\n',
  },
  {
    name: 'CHOWN_HOME with -R and a new name, uid and gid', user: 'root',
    env: { CHOWN_HOME: 'yes', CHOWN_HOME_OPTS: '-R', NB_USER: 'kitten', NB_UID: '1010', NB_GID: '101' },
    command: ['stat', '-c', '%n:%u:%g', '/home/kitten/.bashrc'], stdout: '/home/kitten/.bashrc:1010:101\n',
  },
  { name: 'GRANT_SUDO: passwordless sudo', user: 'root', env: { GRANT_SUDO: 'yes' }, command: ['sudo', 'id'], logs: ['uid=0(root)'] },
  { name: 'GRANT_SUDO: sudo finds conda\'s programs first (secure_path)', user: 'root', env: { GRANT_SUDO: 'yes' }, command: ['sudo', 'which', 'jupyter'], stdout: '/opt/conda/bin/jupyter\n' },
  { name: 'without GRANT_SUDO the command finds conda\'s programs first', user: 'root', command: ['which', 'jupyter'], stdout: '/opt/conda/bin/jupyter\n' },
  {
    // start.sh: "uid=1010 gid=1010 groups=1010,100(users)" and a WARNING to start with gid 0 so that
    // it can write /etc/passwd; nbstart names the uid through nss_wrapper and needs no such hint.
    name: '--user 1010:1010 --group-add users: the uid gets a name without a writable /etc/passwd, and no warning',
    user: '1010:1010', extra: ['--group-add', 'users'], command: ['id'], logs: [/^uid=1010\(jovyan\) gid=1010\(\w+\) groups=1010\(\w+\),100\(users\)$/m, /^INFO\[.*\] Executing the command: id$/m],
  },
  {
    name: '$CONDA_DIR\'s setgid directories: what an arbitrary uid makes there belongs to users',
    user: '1010:1010', extra: ['--group-add', 'users'],
    command: sh('mkdir /opt/conda/test-dir && touch /opt/conda/test-dir/test-file && stat -c "%n %G %a" /opt/conda/test-dir /opt/conda/test-dir/test-file'),
    stdout: '/opt/conda/test-dir users 2755\n/opt/conda/test-dir/test-file users 644\n',
  },
  {
    name: '--user 1010 (gid 0): named jovyan; one WARNING: the home is not writable, add group users',
    user: '1010', command: ['id'], logs: ['uid=1010(jovyan) gid=0(root)'], warnings: [/--group-add=users/],
  },
  {
    name: '--user 1010 NB_USER=kitten --group-add users: named kitten; one WARNING: the home stays /home/jovyan',
    user: '1010', env: { NB_USER: 'kitten' }, extra: ['--group-add', 'users'], command: ['id'], logs: ['uid=1010(kitten) gid=0(root)'],
    warnings: [/user is kitten but home is \/home\/jovyan/],
  },
  {
    name: 'NB_USER and NB_UID without root: a WARNING for each that cannot be applied, as start.sh gives',
    user: '1010:100', env: { NB_USER: 'bob', NB_UID: '2000' }, command: ['id', '-un'], stdout: 'bob\n',
    warnings: [/^NB_UID: cannot change the uid to this: the container did not start as root \(it runs as 1010\)/, /^user is bob but home is \/home\/jovyan/],
  },
  {
    name: 'a bind mount under the home survives NB_USER and CHOWN_HOME (nothing on the host is deleted)', user: 'root',
    env: { NB_USER: 'user', CHOWN_HOME: 'yes' }, extra: ['--workdir', '/home/'], volumes: () => [`${path.join(keepData(), 'data')}:/home/jovyan/data:rw`], command: ['ls'],
    then: () => {
      assert.equal(fs.readFileSync(path.join(keepData(), 'data', 'foo.txt'), 'utf8'), 'some-content');
      assert.deepEqual(fs.readdirSync(keepData()), ['data']);
      assert.deepEqual(fs.readdirSync(path.join(keepData(), 'data')), ['foo.txt']);
    },
  },
  ...[undefined, 'root'].map((user): Case => ({
    name: `JUPYTER_ENV_VARS_TO_UNSET (${user ? 'root' : 'non-root'} start)`, ...(user && { user }),
    env: { JUPYTER_ENV_VARS_TO_UNSET: 'SECRET_ANIMAL,UNUSED_ENV,SECRET_FRUIT', FRUIT: 'bananas', SECRET_ANIMAL: 'cats', SECRET_FRUIT: 'mango' },
    command: sh('echo I like ${FRUIT} and ${SECRET_FRUIT:-stuff}, and love ${SECRET_ANIMAL:-to keep secrets}!'),
    stdout: 'I like bananas and stuff, and love to keep secrets!\n',
  })),
  {
    name: 'conda\'s python comes first, not a python in /usr/bin', user: 'root', volumes: () => [`${wrongPython()}:/usr/bin/python:ro`],
    command: ['python', '--version'], logs: ['Python'], notLogs: ['Wrong python'],
  },
  {
    name: 'start.sh in CMD too: set-up once, and one WARNING that it is the ENTRYPOINT already', user: 'root', env: { GRANT_SUDO: 'yes' },
    command: ['start.sh', 'sudo', 'id'], logs: ['uid=0(root)', /^INFO\[.*\] Running as jovyan: start\.sh sudo id$/m, /^INFO\[.*\] Executing the command: sudo id$/m],
    warnings: [/^start\.sh is the default ENTRYPOINT, do not include it in CMD$/],
  },
  { name: 'NB_USER=root NB_UID=0 NB_GID=0: root', user: 'root', env: ROOT, command: ['id'], logs: ['uid=0(root)', 'gid=0(root)', 'groups=0(root)'] },
  { name: 'NB_USER=root NB_UID=0 NB_GID=0: HOME=/home/root, also in passwd', user: 'root', env: ROOT, command: sh('echo HOME=${HOME} && getent passwd root'), logs: ['HOME=/home/root', 'root:x:0:0:root:/home/root:/bin/bash'] },
  { name: 'NB_USER=root NB_UID=0 NB_GID=0: no sudo in between (no SUDO_* variables)', user: 'root', env: ROOT, command: ['env'], notLogs: ['SUDO'] },
  {
    name: 'logs go to stderr, never to stdout', user: 'root', env: ROOT, command: ['echo', 'stdout'], stdout: 'stdout\n',
    stderr: [/Entered start.sh/, /Running as root/],
  },
  // test_logging.py
  { name: 'log lines are LEVEL[YYYY-mm-dd HH:MM:SS] message', user: 'root', env: ROOT, command: ['echo', 'done'], stderr: [new RegExp(`^INFO\\[${STAMP}\\] Entered start\\.sh with args: echo done$`, 'm')] },
  { name: 'JUPYTER_DOCKER_STACKS_QUIET=1 hides INFO', user: 'root', env: { ...ROOT, JUPYTER_DOCKER_STACKS_QUIET: '1' }, command: ['echo', 'done'], stdout: 'done\n', notLogs: ['INFO['] },
  {
    name: 'JUPYTER_DOCKER_STACKS_QUIET=1 still shows warnings (GRANT_SUDO without root)', env: { JUPYTER_DOCKER_STACKS_QUIET: '1', GRANT_SUDO: '1' }, command: ['echo', 'done'],
    notLogs: ['INFO['], warnings: [/^GRANT_SUDO is set but the container did not start as root: sudo skipped/],
  },
  {
    name: 'scripts call start.sh\'s _log functions: INFO by default, WARNING and ERROR lines like nbstart\'s', volumes: hooks('logging'), command: ['true'],
    stderr: [new RegExp(`^INFO\\[${STAMP}\\] no level here$`, 'm')], warnings: [/^a warning from a script$/], errors: [/^an error from a script$/],
  },
  {
    name: 'a script\'s _log_fatal stops start-up with exit 1: FATAL, not ERROR, from the script', volumes: hooks('fatal'), command: ['echo', 'command ran'], code: 1,
    stdout: '', stderr: [/^FATAL\[.*\] cannot go on$/m], notLogs: ['never'], errors: [/10-fatal\.sh exited the shell with status 1: start-up stops/],
  },
  {
    name: 'without a terminal no colours', user: 'root', env: { GRANT_SUDO: 'yes', NB_UID: '1010' }, extra: ['--cap-drop', 'SETUID'], command: ['true'], code: 1,
    notLogs: ['\x1b['], errors: [/^the container's capabilities: lack CAP_SETUID/],
  },
  // test_run_hooks.py (the cases that source run-hooks.sh by hand test the base image's own copy,
  // which the shim leaves alone; here nbstart runs the same fixtures as before-notebook.d)
  {
    name: 'a single hook file mounted into before-notebook.d runs as root; the image\'s own hook (conda) still runs, as the person', user: 'root',
    volumes: () => [`${testHook()}:${BEFORE}/99-test-hook.sh:ro`], command: sh('id -un; echo "$CONDA_DEFAULT_ENV $CONDA_STANDIN_RAN_AS"'),
    logs: [`Sourcing shell script: ${BEFORE}/99-test-hook.sh`, 'Test hook executed as: root', `Sourcing shell script: ${BEFORE}/10activate-conda-env.sh`],
    stdout: 'Test hook executed as: root\njovyan\nbase 1000\n',
  },
  {
    name: 'run-hooks: a sourced script\'s variables are seen by the next; its changes too', volumes: hooks('change'), command: ['echo', 'end'],
    stdout: 'a.sh: MY_VAR is 123\nb.sh: MY_VAR is 123\nb.sh: changing MY_VAR\nb.sh: MY_VAR is now 456\nc.sh: MY_VAR is 456\nend\n',
  },
  {
    name: 'run-hooks: executables run, other files are named and skipped, exports reach the command', volumes: hooks('executables'),
    command: sh('echo SOME_VAR is ${SOME_VAR}'), stdout: 'the executable ran, as 1000\nSOME_VAR is 123\n',
    stderr: [new RegExp(`^INFO\\[.*\\] Ignoring non-executable: ${BEFORE}/non_executable.py$`, 'm'), new RegExp(`^INFO\\[.*\\] Running executable: ${BEFORE}/executable$`, 'm')],
  },
  {
    name: 'run-hooks: failures are logged and start-up goes on, until a sourced script\'s set -e exits the shell', volumes: hooks('failures'), command: ['echo', 'not run'],
    code: 127, stdout: 'Started: a.sh\nFinished: a.sh\nStarted: b.run\nOTHER_VAR=456\nStarted: c.sh\nStarted: d.sh\n',
    errors: [
      new RegExp(`^${BEFORE}/b.run has failed, continuing execution`), new RegExp(`^${BEFORE}/c.sh has failed, continuing execution`),
      new RegExp(`^${BEFORE}/d.sh exited the shell with status 127: start-up stops`),
    ],
  },
  { name: 'run-hooks: every *.sh is sourced, executable or not', volumes: hooks('sh-files'), command: ['true'], stdout: 'executable.sh: MY_VAR is 0\nnon-executable.sh: MY_VAR is 1\n' },
  { name: 'run-hooks: an unset in one script holds for the next and the command', volumes: hooks('unset'), command: sh('echo "command: ${MY_VAR-unset}"'), stdout: 'a.sh: MY_VAR is 123\nb.sh: unsetting MY_VAR\nc.sh: MY_VAR is unset\ncommand: unset\n' },
  // conda activation, as the person (issue 12: conda in $CONDA_DIR is the person's to change)
  {
    name: 'root start: 10activate-conda-env.sh activates conda for the command, run as the person', user: 'root', env: { NB_USER: 'alice', NB_UID: '1010' },
    command: sh('echo "$CONDA_PREFIX $CONDA_DEFAULT_ENV $CONDA_STANDIN_RAN_AS"; echo "$PATH"'),
    stdout: '/opt/conda base 1010\n/opt/conda/condabin:/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n',
    stderr: [new RegExp(`^INFO\\[.*\\] Running hooks in: ${BEFORE} as uid: 1010 gid: 100$`, 'm')],
  },
  // exit codes a harness sees
  { name: 'a command that is not there: 127 and one ERROR line', user: 'root', command: ['no-such-program'], code: 127, errors: [/^no-such-program: command not found/] },
];

for (const c of CASES) {
  test(`stacks + shim: ${c.name}`, () => {
    const r = run({ image: SHIMMED, ...(c.user !== undefined && { user: c.user }), env: c.env ?? {}, volumes: c.volumes?.() ?? [], extra: c.extra ?? [], command: c.command });
    check(c, r);
  });
}

/** Polls `podman logs` until `want` appears (at most ~30 s); returns the logs. */
async function logsOnceThere(name: string, want: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const l = podman(['logs', name]);
    if ((l.stdout + l.stderr).includes(want)) return l.stdout + l.stderr;
    await new Promise((r) => setTimeout(r, 100));
  }
  const l = podman(['logs', name]);
  throw new Error(`"${want}" never appeared:\n${l.stdout}${l.stderr}`);
}

/** A detached container, removed when the file's tests end. */
function detached(args: readonly string[]): string {
  const name = `nbstart-${TAG}-stacks-${process.pid}-${cleanups.length}`;
  podmanOk(['run', '-d', '--pull=never', '--network', 'none', '--name', name, ...args]);
  cleanups.push(() => podman(['rm', '-f', '-t', '0', name]));
  return name;
}

test('stacks + shim: NB_USER=nayvoj CHOWN_HOME=yes: a harness waits for "Running as nayvoj:", then finds the user, home, work and .jupyter', async () => {
  const name = detached(['--user', 'root', '-e', 'NB_USER=nayvoj', '-e', 'CHOWN_HOME=yes', SHIMMED, 'sleep', 'infinity']);
  const logs = await logsOnceThere(name, 'Running as nayvoj:');
  assert.deepEqual(linesStarting(logs, 'WARNING'), [], logs);
  assert.deepEqual(linesStarting(logs, 'ERROR'), [], logs);
  assert.ok(logs.includes('Updated the jovyan user:\n') && logs.includes('username: jovyan       -> nayvoj') && logs.includes('- home dir: /home/jovyan -> /home/nayvoj'), logs);
  const exec = (user: string[], cmd: string): string => podmanOk(['exec', ...user, '--workdir', '/home/nayvoj', name, 'sh', '-c', cmd]).stdout.trim();
  assert.equal(exec(['--user', 'nayvoj'], 'id'), 'uid=1000(nayvoj) gid=100(users) groups=100(users)');
  assert.equal(exec([], 'stat -c "%U %G" /home/nayvoj/'), 'nayvoj users');
  assert.equal(exec([], 'stat -c "%F %U %G" /home/nayvoj/work'), 'directory nayvoj users');
  assert.equal(exec([], 'stat -c "%F %U %G" /home/nayvoj/.jupyter'), 'directory nayvoj users');
});

test('stacks + shim: on a terminal the lines are coloured as docker-stacks colours them; NO_COLOR turns that off', () => {
  const tty = run({ image: SHIMMED, env: { GRANT_SUDO: 'yes' }, extra: ['-t'], command: ['true'] });
  assert.equal(tty.code, 0, show(tty));
  assert.match(tty.stdout, /\x1b\[0;33mWARNING\[[^\]]*\] GRANT_SUDO is set/, show(tty));
  assert.match(tty.stdout, /^INFO\[/m, 'INFO lines are not coloured');
  const plain = run({ image: SHIMMED, env: { GRANT_SUDO: 'yes', NO_COLOR: '1' }, extra: ['-t'], command: ['true'] });
  assert.doesNotMatch(plain.stdout, /\x1b\[/, show(plain));
  assert.match(plain.stdout, /^WARNING\[/m, show(plain));
  const fatal = run({ image: SHIMMED, volumes: hooks('fatal')(), extra: ['-t'], command: ['true'] });
  assert.match(fatal.stdout, /\x1b\[0;1;31mFATAL\[[^\]]*\] cannot go on\x1b\[0m/, show(fatal));
});

// --- homes --------------------------------------------------------------------------------------

test('stacks + shim: a volume at /home/jovyan with NB_USER=alice: /home/alice is a link to it, work saved lands on it, owners refitted', () => {
  const vol = `nbstart-${TAG}-stacks-home-${process.pid}`;
  podmanOk(['volume', 'create', vol]);
  cleanups.push(() => podman(['volume', 'rm', '-f', vol]));
  const start = (cmd: string): Result => run({ image: SHIMMED, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010' }, volumes: [`${vol}:/home/jovyan`], command: sh(cmd) });
  const first = start('echo saved > ~/notebook.ipynb; pwd; readlink /home/alice; stat -c "%n %u:%g" /home/jovyan /home/jovyan/.bashrc /home/jovyan/work');
  check({
    name: 'first', command: [], stdout: '/home/alice\n/home/jovyan\n/home/jovyan 1010:100\n/home/jovyan/.bashrc 1010:100\n/home/jovyan/work 1010:100\n',
    stderr: [/^INFO\[.*\] \/home\/alice: a link to \/home\/jovyan, a mounted volume: everything saved lands on it$/m],
  }, first);
  // A new container on the same volume (a restarted pod) finds the work and changes nothing more.
  const second = start('cat /home/alice/notebook.ipynb; stat -c "%u" /home/jovyan/notebook.ipynb');
  check({ name: 'second', command: [], stdout: 'saved\n1010\n', stderr: [/^INFO\[.*\] \/home\/jovyan: 0 of \d+ entries given to 1010:100$/m] }, second);
  const onVolume = podmanOk(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', '--entrypoint', 'cat', '-v', `${vol}:/v`, SHIMMED, '/v/notebook.ipynb']);
  assert.equal(onVolume.stdout, 'saved\n');
});

test('stacks + shim: [home] links = work: the image\'s empty ~/work gives way to the link; a ~/work with files stays, with one warning', () => {
  const homes = fs.mkdtempSync(path.join(base, 'homes-'));
  fs.chmodSync(homes, 0o755);
  fs.mkdirSync(path.join(homes, 'alice'));
  fs.chownSync(path.join(homes, 'alice'), 1010, 100);
  const env = { NB_USER: 'alice', NB_UID: '1010', NBSTART_HOME_SOURCE: '/mnt/home/{user}', NBSTART_HOME_LINKS: 'work' };
  const linked = run({ image: SHIMMED, user: 'root', env, volumes: [`${homes}:/mnt/home`], command: sh('readlink ~/work; touch ~/work/analysis.ipynb') });
  check({ name: 'linked', command: [], stdout: '/mnt/home/alice/work\n', stderr: [/^INFO\[.*\] linked \/home\/alice\/work -> \/mnt\/home\/alice\/work$/m] }, linked);
  assert.equal(fs.statSync(path.join(homes, 'alice', 'work', 'analysis.ipynb')).uid, 1010);
  // The image's ~/work with a file in it (made before start-up by a shell entrypoint) is left alone.
  const kept = run({
    image: SHIMMED, user: 'root', env, volumes: [`${homes}:/mnt/home`], extra: ['--entrypoint', 'sh'],
    command: ['-c', 'touch /home/jovyan/work/keep-me && exec tini -g -- start.sh sh -c "test -d ~/work -a ! -L ~/work && ls ~/work"'],
  });
  check({ name: 'kept', command: [], stdout: 'keep-me\n', warnings: [/^\/home\/alice\/work is a real directory; left alone/] }, kept);
});
