// A root-squashed home (test/e2e/lib/squashed-home.ts): root cannot even stat it. nbstart must wire
// it into /home/<user> as the person, never as root.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FOUNDATION } from './lib/images.ts';
import { expectResult, type Expected } from './lib/expect.ts';
import { podman, podmanOk, run, show } from './lib/podman.ts';
import { squashedHome, type SquashedHome } from './lib/squashed-home.ts';

const UID = 4711;
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-e2e-home-'));
let home: SquashedHome;

before(() => {
  home = squashedHome('alice', UID, { 'jupyter/.bashrc': 'export FROM_USER_BASHRC=yes\n' });
});

after(() => {
  home.cleanup();
  fs.rmSync(base, { recursive: true, force: true });
});

const INI = '[home]\nsource = /mnt/home/{user}\nlinks = work, data\n';
function iniFile(name: string, text: string): string {
  const p = path.join(base, name);
  fs.writeFileSync(p, text);
  fs.chmodSync(p, 0o644);
  return p;
}
const volumes = (): string[] => [`${home.parent}:/mnt/home:rbind`, `${iniFile('nbstart.ini', INI)}:/etc/nbstart/nbstart.ini:ro`];
const env = { NB_USER: 'alice', NB_UID: String(UID), NB_GID: String(UID) };

/** One container: who starts it, its env and mounts, the command → what it shows. */
interface HomeCase extends Expected {
  readonly name: string;
  readonly user: string;
  readonly env?: Record<string, string>;
  readonly volumes: () => string[];
  readonly extra?: string[];
  readonly command: string[];
}

const CASES: HomeCase[] = [
  {
    name: 'root cannot even stat the home (the simulation is faithful)',
    user: 'root', volumes, extra: ['--entrypoint', 'stat'], command: ['-c', '%u', '/mnt/home/alice'],
    code: 'failure', stderr: [/Permission denied/],
  },
  {
    name: 'the person can stat it',
    user: `${UID}:${UID}`, volumes, extra: ['--entrypoint', 'stat'], command: ['-c', '%u', '/mnt/home/alice'],
    stdout: `${UID}\n`,
  },
  {
    name: 'links, JUPYTER_CONFIG_DIR, missing dirs created, cwd /home/<user>, bashrc — all as the person',
    user: 'root', env, volumes, command: ['bash', '-ic', [
      'pwd', 'readlink /home/alice/work', 'readlink /home/alice/data', 'echo "$JUPYTER_CONFIG_DIR"',
      'test -d "$JUPYTER_CONFIG_DIR" && echo config-dir-exists', 'touch /home/alice/work/saved && stat -c "%u %U" /mnt/home/alice/work/saved',
      'echo "bashrc=$FROM_USER_BASHRC"',
    ].join('; ')],
    stdout: ['/home/alice', '/mnt/home/alice/work', '/mnt/home/alice/data', '/mnt/home/alice/jupyter/.jupyter', 'config-dir-exists', `${UID} alice`, 'bashrc=yes', ''].join('\n'),
    notStderr: [/ERROR|WARN/],
  },
  {
    name: 'a missing home: the notebook still starts in the local home, says so once, and leaves a note',
    user: 'root', env: { ...env, NB_USER: 'bob' }, volumes,
    command: ['sh', '-c', 'pwd; head -1 ~/HOME-NOT-AVAILABLE.txt; echo "${JUPYTER_CONFIG_DIR-unset}"'],
    stdout: '/home/bob\nYour home directory /mnt/home/bob could not be used when this notebook server started:\nunset\n',
    stderrCount: [[/external home unusable/g, 1]],
  },
  {
    name: 'an ini [home] source without {user} is refused naming the key',
    user: 'root', env, volumes: () => [`${iniFile('fixed.ini', '[home]\nsource = /mnt/home/alice\n')}:/etc/nbstart/nbstart.ini:ro`], command: ['true'],
    code: 1, stderr: [/\[home\] source in \/etc\/nbstart\/nbstart.ini: names one fixed directory for every user of the image, got "\/mnt\/home\/alice"; fix: put \{user\} in it/],
  },
  {
    name: 'a link name with / or .. is refused naming the key',
    user: 'root', env: { ...env, NBSTART_HOME_LINKS: 'work,../etc' }, volumes: () => [], command: ['true'],
    code: 1, stderr: [/NBSTART_HOME_LINKS: link name must be a plain name without "\/", got "\.\.\/etc"/],
  },
];

for (const c of CASES) {
  test(c.name, () => {
    expectResult(run({ image: FOUNDATION, user: c.user, env: c.env ?? {}, volumes: c.volumes(), extra: c.extra ?? [], command: c.command }), c);
  });
}

test('a restart repairs a link pointing elsewhere and leaves a real directory with files alone', () => {
  const name = `nbstart-home-${process.pid}`;
  podmanOk(['create', '--name', name, '--network', 'none', '--user', 'root', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    ...volumes().flatMap((v) => ['-v', v]), FOUNDATION, 'sh', '-c',
    'readlink /home/alice/work; ln -sfn /tmp /home/alice/work; [ -L /home/alice/data ] && rm /home/alice/data && mkdir /home/alice/data && touch /home/alice/data/mine; true']);
  try {
    const first = podmanOk(['start', '--attach', name]);
    assert.equal(first.stdout, '/mnt/home/alice/work\n', show(first));
    const second = podmanOk(['start', '--attach', name]);
    assert.equal(second.stdout, '/mnt/home/alice/work\n', show(second));
    assert.match(second.stderr, /linked \/home\/alice\/work -> \/mnt\/home\/alice\/work/, show(second));
    assert.match(second.stderr, /\/home\/alice\/data is a real directory; left alone/, show(second));
  } finally {
    podman(['rm', '-f', name]);
  }
});

test('nbstart plan as root plans the user phase as the person: the root-squashed home is seen as they see it', () => {
  const r = run({ image: FOUNDATION, user: 'root', env, volumes: volumes(), command: ['plan'] });
  assert.equal(r.code, 0, show(r));
  // What the start would do in the home, found by reading it as alice: the links and the config
  // directory, not "not allowed to open", which is all root could see.
  assert.match(r.stdout, /^\[home-links\] \(user phase\)/m, show(r));
  assert.match(r.stdout, /- link \/home\/alice\/work -> \/mnt\/home\/alice\/work/, show(r));
  assert.match(r.stdout, /- set JUPYTER_CONFIG_DIR=\/mnt\/home\/alice\/jupyter\/\.jupyter/, show(r));
  assert.doesNotMatch(r.stdout, /not allowed to open|HOME-NOT-AVAILABLE/, show(r));
});

test('nbstart plan sees the home as the root phase will leave it: the template home moved to /home/<user>', () => {
  const ini = iniFile('local.ini', '[home]\nsource = /mnt/home/{user}\nlinks = work\n');
  const r = run({ image: FOUNDATION, user: 'root', env, volumes: [`${home.parent}:/mnt/home:rbind`, `${ini}:/etc/nbstart/nbstart.ini:ro`], command: ['plan', '--json'] });
  assert.equal(r.code, 0, show(r));
  const doc = JSON.parse(r.stdout) as { hooks: { name: string; phase: string; ops: { kind: string; path?: string; how?: string }[] }[] };
  const move = doc.hooks.find((h) => h.name === 'home')!.ops.find((o) => o.kind === 'move-dir')!;
  assert.equal(move.how, 'copy', 'overlayfs: the plan says copy, and the start will copy');
  const user = doc.hooks.filter((h) => h.phase === 'user').flatMap((h) => h.ops);
  assert.ok(user.some((o) => o.kind === 'symlink' && o.path === '/home/alice/work'), r.stdout);
});
