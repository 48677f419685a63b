// Root never runs, follows or adopts what the person planted (issue 12), through the compiled binary
// in real containers. Each case is an attack the notebook user can make: in the first start the
// person plants it (as the person, after the drop: their home, /tmp, $CONDA_DIR, a tree CHOWN_EXTRA
// gave them), then the container starts again with the same writable layer (`podman create` once,
// `podman start -a` twice) and the second start shows that nothing happened. Where a change of the
// environment is part of the attack, the layer is carried over with `podman commit`.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BASE_NOTEBOOK, FOUNDATION, PLAIN_STACKS, SHIMMED } from './lib/images.ts';
import { podman, podmanOk, show, type Result } from './lib/podman.ts';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-e2e-planted-'));
fs.chmodSync(base, 0o755);
const created: string[] = [];
after(() => {
  for (const c of created) podman(['rm', '-f', '-t', '0', c]);
  podman(['rmi', '-f', ...created.map((c) => `localhost/${c}:layer`)]);
  fs.rmSync(base, { recursive: true, force: true });
});

/** A script file the container runs as its command (phase 1 plants, phase 2 reports). */
function script(name: string, text: string): string {
  const p = path.join(base, name);
  fs.writeFileSync(p, `#!/bin/sh\nif [ ! -e /tmp/.planted ]; then\n  touch /tmp/.planted\n${text}\nfi\n`, { mode: 0o755 });
  return p;
}

/** A hook directory of the host, mounted read-only (root's own, as an image's). */
function hookDir(name: string, files: Record<string, [string, number]>): string {
  const d = path.join(base, name);
  fs.mkdirSync(d, { mode: 0o755 });
  fs.chmodSync(d, 0o755);
  for (const [f, [content, mode]] of Object.entries(files)) fs.writeFileSync(path.join(d, f), content, { mode });
  return d;
}

interface Twice {
  readonly name: string;
  readonly image?: string;
  readonly env?: Record<string, string>;
  readonly volumes?: readonly string[];
  readonly extra?: readonly string[];
  /** Shell run (as whoever nbstart becomes) in the first start; the second start runs `report`. */
  readonly plant: string;
  readonly report: string;
}

/** Creates the container once and starts it twice; returns both starts. */
function startTwice(c: Twice): [Result, Result] {
  const name = `nbstart-planted-${c.name}-${process.pid}`;
  const cmd = script(`${c.name}.sh`, `${c.plant.split('\n').map((l) => `  ${l}`).join('\n')}\n  exit 0\nelse\n${c.report}`);
  created.push(name);
  podmanOk(['create', '--name', name, '--pull=never', '--network', 'none', '--user', 'root', ...Object.entries(c.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    '-v', `${cmd}:/plant.sh:ro`, ...(c.volumes ?? []).flatMap((v) => ['-v', v]), ...(c.extra ?? []), c.image ?? FOUNDATION, '/plant.sh']);
  const first = podman(['start', '-a', name]);
  const second = podman(['start', '-a', name]);
  return [first, second];
}

const LEAST = ['--cap-drop', 'ALL', '--cap-add', 'SETUID,SETGID,CHOWN', '--security-opt', 'no-new-privileges'];
const PLANT_PROGRAMS = [
  'for p in bash visudo dirname sh env; do printf "#!/bin/sh\\necho \\"$p ran as \\$(id -u)\\" >> /tmp/pwned\\nexec /usr/bin/$p \\"\\$@\\"\\n" > /opt/conda/bin/$p; chmod 755 /opt/conda/bin/$p; done',
  'ls /opt/conda/bin | tr "\\n" " "',
].join('\n');
const HOOKS = hookDir('root-hooks', {
  '10-source.sh': ['d=$(dirname /a/b); export FROM_HOOK="$d"\n', 0o644],
  '20-exec': ['#!/bin/sh\nenv true\n', 0o755],
});

for (const [label, extra] of [['', []], [' (least-privilege pod)', LEAST]] as const) {
  test(`bash, visudo, dirname planted in $CONDA_DIR/bin are never run as root${label}`, () => {
    const [first, second] = startTwice({
      name: `programs${extra.length > 0 ? '-least' : ''}`, env: { GRANT_SUDO: 'yes' }, volumes: [`${HOOKS}:/usr/local/bin/before-notebook.d:ro`], extra,
      plant: PLANT_PROGRAMS, report: 'echo "hook=$FROM_HOOK"; cat /tmp/pwned 2>/dev/null | grep -c "as 0$" || true',
    });
    assert.equal(first.code, 0, show(first));
    // The planted programs are there, among the venv's own (python3, pip, activate).
    for (const planted of ['bash', 'dirname', 'env', 'sh', 'visudo']) assert.match(first.stdout, new RegExp(`(^| )${planted} `, 'm'), show(first));
    assert.equal(second.code, 0, show(second));
    assert.equal(second.stdout, 'hook=/a\n0\n', show(second));
    assert.match(second.stderr, /left out PATH entry \/opt\/conda\/bin/, show(second));
  });
}

test('a root hook\'s Python never loads the person\'s ~/.local site-packages (.pth runs code at start-up)', () => {
  const hooks = hookDir('python-hooks', { '10-python': ['#!/bin/sh\npython3 -c "import sys; print(\'root python\', sys.flags.no_user_site)"\n', 0o755] });
  const [first, second] = startTwice({
    name: 'pth', image: BASE_NOTEBOOK, volumes: [`${hooks}:/usr/local/bin/before-notebook.d:ro`],
    plant: 'd=$(python3 -c "import site; print(site.getusersitepackages())"); mkdir -p "$d"; echo "import os; open(\'/tmp/pwned-pth\', \'a\').write(str(os.getuid()) + \'\\\\n\')" > "$d/evil.pth"; echo planted "$d"',
    report: 'cat /tmp/pwned-pth 2>/dev/null | grep -c "^0$" || true',
  });
  assert.equal(first.code, 0, show(first));
  assert.match(first.stdout, /planted \/home\/jovyan\/\.local\/lib\/python3/, show(first));
  assert.equal(second.stdout.trim().split('\n').at(-1), '0', show(second));
  assert.match(second.stdout, /root python 1/, show(second));
});

test('docker-stacks\' conda activation runs as the person, and the command still starts activated', () => {
  const conda = hookDir('conda-bin', {
    conda: ['#!/bin/sh\necho "conda ran as $(id -u)" >> /tmp/conda-ran\n[ "$1 $2" = "shell.bash hook" ] && echo \'export CONDA_PREFIX=/opt/conda CONDA_DEFAULT_ENV=base; export PATH="/opt/conda/condabin:$PATH"\'\n', 0o755],
  });
  const hooks = hookDir('conda-hooks', { '10activate-conda-env.sh': ['eval "$(conda shell.bash hook)"\n', 0o644] });
  const [first, second] = startTwice({
    name: 'conda', env: { NB_USER: 'alice', NB_UID: '1010' }, volumes: [`${hooks}:/usr/local/bin/before-notebook.d:ro`, `${conda}/conda:/opt/conda/bin/conda:ro`],
    plant: 'echo "$CONDA_PREFIX $CONDA_DEFAULT_ENV ${PATH%%:*}"; cat /tmp/conda-ran',
    report: 'echo "$CONDA_PREFIX $CONDA_DEFAULT_ENV ${PATH%%:*}"; sort -u /tmp/conda-ran',
  });
  for (const r of [first, second]) {
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^\/opt\/conda base \/opt\/conda\/condabin\nconda ran as 1010\n$/, show(r));
    assert.match(r.stderr, /10activate-conda-env\.sh: runs after the drop, as alice \(\[hooks\] as_user\)/, show(r));
  }
});

test('a root hook directory someone else can write is not run as root: one error line, start-up goes on (abort stops it)', () => {
  const hooks = hookDir('foreign-hooks', { '10-mine.sh': ['export RAN=yes\n', 0o644] });
  fs.chownSync(path.join(hooks, '10-mine.sh'), 1000, 100);
  const r = podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', '-v', `${hooks}:/usr/local/bin/before-notebook.d:ro`, FOUNDATION, 'sh', '-c', 'echo "ran=${RAN-no}"']);
  assert.equal(r.stdout, 'ran=no\n', show(r));
  assert.match(r.stderr, /ERROR: \[root-dirs\] \/usr\/local\/bin\/before-notebook.d\/10-mine.sh is not run as root: \/usr\/local\/bin\/before-notebook.d\/10-mine.sh belongs to uid 1000, not root/, show(r));
  const abort = podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', '-e', 'NBSTART_HOOKS_ON_FAILURE=abort', '-v', `${hooks}:/usr/local/bin/before-notebook.d:ro`, FOUNDATION, 'echo', 'ran']);
  assert.equal(abort.code, 1, show(abort));
  assert.equal(abort.stdout, '', show(abort));
});

test('a hard link the person made to a group-writable root file in /etc is not given away by CHOWN_HOME -R', () => {
  // As root: a root-owned file of the image, writable by group users (a careless image); as the person: the link.
  const setup = 'install -m 0664 -o 0 -g 100 /dev/null /etc/site.conf';
  const steps = [
    setup,
    'setpriv --reuid=1000 --regid=100 --init-groups ln /etc/site.conf /home/jovyan/site-link && echo planted',
    'CHOWN_HOME=yes CHOWN_HOME_OPTS=-R NB_UID=1010 /usr/local/bin/nbstart stat -c "%u:%g" /etc/site.conf',
  ].join('; ');
  const r = podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', '--entrypoint', 'sh', FOUNDATION, '-c', steps]);
  assert.equal(r.stdout, 'planted\n0:100\n', show(r));
  assert.match(r.stderr, /WARN: \[chown\] \/home\/jovyan\/site-link: not given to 1010:100: it has more than one link/, show(r));
});

test('the label and metrics files are checked where they are written: a tree CHOWN_EXTRA gave the person is not written through', () => {
  const [first, second] = startTwice({
    name: 'label-tree', env: { CHOWN_EXTRA: '/etc/ipython', CHOWN_EXTRA_OPTS: '-R', NBSTART_METRICS_CELLS: 'yes', NB_UID: '1010' },
    // The person edits nbstart's file (so the next start rewrites it) and plants a link at its temp name.
    plant: 'stat -c %u /etc/ipython; echo "# Written by nbstart, edited" > /etc/ipython/ipython_kernel_config.py; ln -s /etc/shadow /etc/ipython/.ipython_kernel_config.py.nbstart-tmp && echo planted',
    report: 'stat -c "%U:%G %a" /etc/shadow; cat /etc/ipython/ipython_kernel_config.py',
  });
  assert.equal(first.code, 0, show(first));
  assert.match(first.stdout, /^1010\nplanted\n$/, show(first));
  assert.equal(second.code, 0, show(second));
  assert.equal(second.stdout, 'root:shadow 640\n# Written by nbstart, edited\n', show(second));
  assert.match(second.stderr, /root will not write \/etc\/ipython\/ipython_kernel_config.py: \/etc\/ipython belongs to uid 1010, not root/, show(second));
});

// --- 2. the person is adopted only where nbstart says so ----------------------------------------

/** Hashes /etc before and after `nbstart id`, run by a shell as root; `pre` runs first (as root: what the image would have). */
const unchanged = (pre: string): string => [
  pre,
  'h() { cat /etc/passwd /etc/group /etc/shadow /etc/gshadow | sha256sum; ls -lA /etc/sudoers.d | sha256sum; }',
  'a=$(h); /usr/local/bin/nbstart id; rc=$?; b=$(h); echo "rc=$rc same=$([ "$a" = "$b" ] && echo yes || echo no)"',
].join('; ');
const ADMIN = 'useradd --uid 1001 --create-home admin && echo "admin ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/admin && chmod 440 /etc/sudoers.d/admin';

interface Refused {
  readonly name: string;
  readonly env: Record<string, string>;
  readonly pre?: string;
  readonly line: RegExp;
}
const REFUSED: Refused[] = [
  { name: 'a hub identity named like an image user with sudo', env: { NB_USER: 'admin', NB_UID: '2000' }, pre: ADMIN, line: /NB_USER: is an account of the image \(uid 1001\) other than the template user "jovyan": nbstart refits only the template user, got "admin"; fix: .*\[user\] adopt/ },
  { name: 'a name glibc reads as a comment', env: { NB_USER: '#alice' }, line: /NB_USER: the user name must not start with "#"/ },
  { name: 'a name glibc reads as NIS syntax', env: { NB_USER: '+alice' }, line: /NB_USER: the user name must not start with "-" or "\+"/ },
  { name: 'primary gid 0', env: { NB_USER: 'alice', NB_UID: '1010', NB_GID: '0' }, line: /NB_GID: would give "alice" root's group as primary group, got "0"/ },
  // The identity contract (hub/identity.schema.json) refuses root's ids in any auth_state, allow_root or not.
  { name: 'an auth_state primary gid of -0', env: { NBSTART_AUTH_STATE: '{"name":"alice","uid":1010,"gid":-0}' }, line: /NBSTART_AUTH_STATE field gid: must be an integer from 1 to 4294967294, got "0"/ },
  { name: 'a mirrored gid that is shadow', env: { NB_USER: 'alice', NB_UID: '1010', NBSTART_GROUPS: 'ldap-readers:42' }, line: /NBSTART_GROUPS: is the image's group "shadow", which gives rights over the system, got "42"/ },
  { name: 'a mirrored gid that is sudo', env: { NBSTART_AUTH_STATE: '{"name":"alice","uid":1010,"groups":[{"name":"admins","gid":27}]}' }, line: /NBSTART_AUTH_STATE field groups: is the image's group "sudo"/ },
];

for (const c of REFUSED) {
  test(`refused: ${c.name}: exit 1, one line naming it, /etc byte-identical`, () => {
    const r = podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', ...Object.entries(c.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), '--entrypoint', 'sh', FOUNDATION, '-c', unchanged(c.pre ?? 'true')]);
    assert.equal(r.stdout, 'rc=1 same=yes\n', show(r));
    assert.match(r.stderr, c.line, show(r));
  });
}

test('...allowed by name: [user] adopt, [groups] allow_gids', () => {
  const r = podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', '-e', 'NB_USER=admin', '-e', 'NB_UID=1001', '-e', 'NBSTART_ADOPT=admin',
    '-e', 'NBSTART_GROUPS=readers:42', '-e', 'NBSTART_ALLOW_GIDS=42', '--entrypoint', 'sh', FOUNDATION, '-c', `${ADMIN}; /usr/local/bin/nbstart id`]);
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, 'uid=1001(admin) gid=100(users) groups=100(users),42(shadow)\n', show(r)); // NB_GID=100 is the image's ENV
});

test('_START_SH_EXECUTED=1 in a root start does not start the command as root: set-up happens as always', () => {
  const r = podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', '-e', '_START_SH_EXECUTED=1', '-e', 'NB_USER=alice', '-e', 'NB_UID=1010', FOUNDATION, 'sh', '-c', 'id; grep ^CapEff /proc/self/status']);
  assert.equal(r.stdout, 'uid=1010(alice) gid=100(users) groups=100(users)\nCapEff:\t0000000000000000\n', show(r));
});

test('an account file left group-writable is rewritten 0644 root:root at the next root start, and the log says so', () => {
  const r = podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', '--entrypoint', 'sh', FOUNDATION, '-c',
    'chmod 0664 /etc/passwd; chmod 0644 /etc/shadow; /usr/local/bin/nbstart true; stat -c "%a %U:%G" /etc/passwd /etc/group /etc/shadow']);
  assert.equal(r.stdout, '644 root:root\n644 root:root\n640 root:shadow\n', show(r));
  assert.match(r.stderr, /WARN: \[accounts\] \/etc\/passwd was mode 0664 0:0; rewritten 0644 0:0/, show(r));
  assert.match(r.stderr, /WARN: \[accounts\] \/etc\/shadow was mode 0644 0:42; rewritten 0640 0:42/, show(r));
});

// --- 3. paths the person can change -------------------------------------------------------------

test('read-only root: a scratch home planted in a shared /tmp by another uid is not used; a fresh private one is', () => {
  const vol = `nbstart-planted-tmp-${process.pid}`;
  try {
    podmanOk(['volume', 'create', vol]);
    const plant = podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', '1020:1020', '-v', `${vol}:/tmp`, '--entrypoint', 'sh', FOUNDATION, '-c',
      'mkdir -m 0777 /tmp/nbstart-home-1010 && echo "echo pwned" > /tmp/nbstart-home-1010/.bashrc && echo planted']);
    assert.equal(plant.stdout, 'planted\n', show(plant));
    const r = podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', '--read-only', '-v', `${vol}:/tmp`, '-e', 'NB_USER=alice', '-e', 'NB_UID=1010',
      FOUNDATION, 'sh', '-c', 'echo "$HOME"; stat -c "%u %a" "$HOME"; ls -A "$HOME" | wc -l']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^\/tmp\/nbstart-home-1010-[0-9a-f]{16}\n1010 700\n0\n$/, show(r));
    assert.match(r.stderr, /\/tmp\/nbstart-home-1010 is a directory of uid 1020: not used; the scratch home goes to /, show(r));
  } finally {
    podman(['volume', 'rm', '-f', vol]);
  }
});

/** Runs `plant` as jovyan in one container, commits its layer, and starts it again with `env`. */
function relaunch(name: string, plant: string, env: Record<string, string>, command: string): Result {
  const first = `nbstart-planted-${name}-${process.pid}`;
  created.push(first);
  podmanOk(['run', '--name', first, '--pull=never', '--network', 'none', FOUNDATION, 'sh', '-c', plant]);
  podmanOk(['commit', '--quiet', first, `localhost/${first}:layer`]);
  return podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), `localhost/${first}:layer`, 'sh', '-c', command]);
}

test('a 512 MiB sparse file the person left in the template home is copied as a hole: nothing written', () => {
  // (planted in the same container: an image layer would store the hole as zeros)
  const r = podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', '--entrypoint', 'sh', FOUNDATION, '-c', [
    'setpriv --reuid=1000 --regid=100 --init-groups truncate -s 512M /home/jovyan/sparse && stat -c "planted %b" /home/jovyan/sparse',
    'NB_USER=alice NB_UID=1010 /usr/local/bin/nbstart sh -c \'stat -c "%s %b" /home/alice/sparse; du -sk /home/alice | cut -f1\'',
  ].join('; ')]);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^planted 0\n/, show(r));
  const [size, blocks, total] = r.stdout.trim().split('\n').slice(1).join(' ').split(/\s+/).map(Number);
  assert.equal(size, 512 * 1024 * 1024, show(r));
  assert.equal(blocks, 0, show(r));
  assert.ok(total! < 1024, `the copied home takes ${total} KiB\n${show(r)}`);
  assert.match(r.stderr, /copied \/home\/jovyan to \/home\/alice/, show(r));
});

test('a template home larger than [home] copy_limit is linked, not copied, and the plan says so', () => {
  const r = relaunch('big', 'head -c 3000000 /dev/urandom > /home/jovyan/big && echo planted', { NB_USER: 'alice', NB_UID: '1010', NBSTART_HOME_COPY_LIMIT: '1M' },
    'readlink /home/alice; stat -c %u /home/jovyan/big');
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, '/home/jovyan\n1010\n', show(r));
  assert.match(r.stderr, /linked \/home\/alice -> \/home\/jovyan/, show(r));
});

test('the shim layer takes /etc/passwd and /etc/group back to 0644: a start as --user 1010:0 cannot add a uid-0 line', () => {
  const base = podman(['run', '--rm', '--pull=never', '--network', 'none', '--entrypoint', 'stat', PLAIN_STACKS, '-c', '%a', '/etc/passwd']);
  assert.equal(base.stdout, '664\n', show(base)); // the docker-stacks-like base, as docker-stacks leaves it
  const r = podman(['run', '--rm', '--pull=never', '--network', 'none', '--user', '1010:0', SHIMMED, 'sh', '-c',
    'stat -c "%a %U:%G" /etc/passwd /etc/group; echo "evil::0:0::/:/bin/sh" >> /etc/passwd 2>/dev/null && echo appended || echo refused']);
  assert.equal(r.stdout, '644 root:root\n644 root:root\nrefused\n', show(r));
});
