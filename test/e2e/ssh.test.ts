// Git over ssh from a fresh container: a real sshd on 127.0.0.1 serves a bare repository; the
// foundation image starts as root with an [ssh.gitlab] section, and the person clones by alias with
// BatchMode=yes StrictHostKeyChecking=yes. Bad ssh settings stop start-up with /etc/ssh untouched.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FOUNDATION } from './lib/images.ts';
import { startGitServer, type GitServer } from './lib/git-server.ts';
import { expectResult, type Expected } from './lib/expect.ts';
import { podman, podmanOk, run, show, type Result } from './lib/podman.ts';

const ALICE = { NB_USER: 'alice', NB_UID: '1010' };
// What the issue asks for: never a prompt, never trust on first use. ConnectTimeout bounds a hang.
const GIT_SSH_COMMAND = 'ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10';

let server: GitServer;
let iniCount = 0;

before(async () => {
  server = await startGitServer({ alice: 1010 });
});

after(async () => {
  await server?.stop();
});

/** The [ssh.gitlab] section for the test server, with `key` as its host key. */
function gitlabSection(key: string, extra = ''): string {
  return `[ssh.gitlab]\nhostname = 127.0.0.1\nport = ${server.port}\nuser = ${server.account}\nhost_key = ${key}\nidentity_file = /keys/{user}/id_ed25519\n${extra}`;
}

/** A directory holding nbstart.ini, to mount read-only at /etc/nbstart. */
function iniDir(text: string): string {
  const d = path.join(server.dir, `etc-nbstart-${++iniCount}`);
  fs.mkdirSync(d, { mode: 0o755 });
  fs.writeFileSync(path.join(d, 'nbstart.ini'), text, { mode: 0o644 });
  return d;
}

/** alice's container on the host network, with the ini and the keys mounted. */
function asAlice(ini: string, command: readonly string[], extra: readonly string[] = []): Result {
  return run({
    image: FOUNDATION, user: 'root', network: 'host', env: { ...ALICE, GIT_SSH_COMMAND },
    volumes: [`${iniDir(ini)}:/etc/nbstart:ro`, `${server.keysDir}:/keys:ro`], extra, command,
  });
}

/** alice's start with an [ssh.gitlab] section holding `key` → what git shows (clone by alias, with BatchMode and StrictHostKeyChecking). */
const CASES: (Expected & { readonly name: string; readonly key: () => string; readonly script: () => string[] })[] = [
  {
    name: 'as the person: git clone and git ls-remote by alias (and by host name) just work',
    key: () => server.hostKey,
    script: () => [
      'set -e',
      `git clone -q gitlab:${server.repo} repo`,
      'git -C repo log --format=%s',
      `git ls-remote gitlab:${server.repo} | cut -f2`,
      `git ls-remote 127.0.0.1:${server.repo} | cut -f2`,
      'id -un',
      'test -e ~/.ssh && echo home-has-.ssh || echo nothing-written-in-home',
    ],
    get stdout() { return `${server.subject}\nHEAD\nrefs/heads/main\nHEAD\nrefs/heads/main\nalice\nnothing-written-in-home\n`; },
  },
  {
    name: 'a wrong host key in the ini: clone fails with host key verification, even with the right key in ~/.ssh/known_hosts',
    key: () => server.otherKey,
    script: () => [
      `git clone -q gitlab:${server.repo} r1; echo "rc=$?"`,
      // A key the person accepted elsewhere (a shared NFS home) must not override the site's.
      `mkdir -p ~/.ssh && echo "[127.0.0.1]:${server.port} ${server.hostKey}" > ~/.ssh/known_hosts`,
      `git clone -q gitlab:${server.repo} r2; echo "rc=$?"`,
    ],
    stdout: 'rc=128\nrc=128\n',
    stderrCount: [[/Host key verification failed\./g, 2]],
    stderr: [/REMOTE HOST IDENTIFICATION HAS CHANGED/],
  },
];

for (const c of CASES) {
  test(c.name, () => {
    expectResult(asAlice(gitlabSection(c.key()), ['sh', '-c', c.script().join('\n')]), c);
  });
}

// Bad input: exit 1, one line naming section, key and value, and /etc/ssh byte-identical (hashed
// before and after inside the same container, nbstart run by a shell entrypoint).
const ETC_SSH_SUM = 'sum() { find /etc/ssh -exec stat -c "%n %a %u %s" {} + | sort; find /etc/ssh -type f -exec cat {} +; }';
const BAD: { name: string; ini: () => string; line: () => RegExp }[] = [
  {
    name: 'a malformed host key (next to a valid section)',
    ini: () => `${gitlabSection(server.hostKey.slice(0, -6))}[ssh.github]\nhostname = github.com\nhost_key = ${server.hostKey}\n`,
    line: () => new RegExp(`ERROR\\[[^\\]]*\\] \\[ssh\\.gitlab\\] host_key in /etc/nbstart/nbstart\\.ini: .*got "${escape(server.hostKey.slice(0, -6))}"; fix: `),
  },
  {
    name: 'a host key of another type than declared',
    ini: () => gitlabSection(`ssh-rsa ${server.hostKey.split(' ')[1]}`),
    line: () => /ERROR\[[^\]]*\] \[ssh\.gitlab\] host_key in \/etc\/nbstart\/nbstart\.ini: declares ssh-rsa but the base64 blob holds a ssh-ed25519 key, got "ssh-rsa AAAA/,
  },
  {
    name: 'an unknown key in [ssh.gitlab]',
    ini: () => gitlabSection(server.hostKey, 'hostnmae = git.example.com\n'),
    line: () => /ERROR\[[^\]]*\] \[ssh\.gitlab\] hostnmae in \/etc\/nbstart\/nbstart\.ini: is not a known key \(did you mean "hostname"\?\), got "git\.example\.com"; fix: use one of host, hostname, port, user, host_key, identity_file$/m,
  },
  {
    name: 'a section without host_key',
    ini: () => `[ssh.gitlab]\nhostname = 127.0.0.1\n`,
    line: () => /ERROR\[[^\]]*\] \[ssh\.gitlab\] host_key in \/etc\/nbstart\/nbstart\.ini: is missing/,
  },
];

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

for (const b of BAD) {
  test(`bad ssh input, ${b.name}: exit 1, one line naming it, /etc/ssh untouched`, () => {
    const script = `${ETC_SSH_SUM}; a=$(sum | sha256sum); /usr/local/bin/nbstart id; rc=$?; b=$(sum | sha256sum); echo "rc=$rc same=$([ "$a" = "$b" ] && echo yes || echo no)"`;
    const r = asAlice(b.ini(), ['-c', script], ['--entrypoint', 'sh']);
    assert.equal(r.stdout, 'rc=1 same=yes\n', show(r));
    const errors = r.stderr.split('\n').filter((l) => l.includes('ERROR'));
    assert.equal(errors.length, 1, show(r));
    assert.match(errors[0]!, b.line(), show(r));
  });
}

test('a restarted container changes nothing in /etc/ssh; without [ssh.*] sections nbstart\'s files go', () => {
  const dir = iniDir(gitlabSection(server.hostKey));
  const name = `nbstart-ssh-restart-${process.pid}`;
  const report = 'for f in /etc/ssh/ssh_known_hosts /etc/ssh/ssh_config.d/nbstart.conf; do if [ -e $f ]; then sha256sum $f | cut -c1-16; else echo "absent $f"; fi; done; ls /etc/ssh/ssh_config.d';
  podmanOk(['create', '--name', name, '--network', 'none', '--user', 'root', '-e', 'NB_USER=alice', '-e', 'NB_UID=1010',
    '-v', `${dir}:/etc/nbstart:ro`, '-v', `${server.keysDir}:/keys:ro`, FOUNDATION, 'sh', '-c', report]);
  try {
    const first = podmanOk(['start', '--attach', name]);
    assert.match(first.stderr, /wrote \/etc\/ssh\/ssh_known_hosts[\s\S]*wrote \/etc\/ssh\/ssh_config\.d\/nbstart\.conf/, show(first));
    const second = podmanOk(['start', '--attach', name]);
    assert.equal(second.stdout, first.stdout, `${show(first)}\n${show(second)}`);
    assert.doesNotMatch(second.stderr, /(wrote|removed|created) \/etc\/ssh|WARN/, show(second));
    // The site drops the section: the next start removes what nbstart wrote, nothing else.
    fs.writeFileSync(path.join(dir, 'nbstart.ini'), '[user]\nname = alice\n');
    const third = podmanOk(['start', '--attach', name]);
    assert.equal(third.stdout, 'absent /etc/ssh/ssh_known_hosts\nabsent /etc/ssh/ssh_config.d/nbstart.conf\n', show(third));
    assert.match(third.stderr, /removed \/etc\/ssh\/ssh_known_hosts[\s\S]*removed \/etc\/ssh\/ssh_config\.d\/nbstart\.conf/, show(third));
  } finally {
    podman(['rm', '-f', name]);
  }
});

test('nbstart check reports ssh problems too, and --help lists the [ssh.*] keys', () => {
  const c = run({ image: FOUNDATION, volumes: [`${iniDir(gitlabSection('ssh-ed25519 AAAA'))}:/etc/nbstart:ro`], command: ['check'] });
  assert.equal(c.code, 2, show(c));
  assert.match(c.stdout, /^error: \[ssh\.gitlab\] host_key in \/etc\/nbstart\/nbstart\.ini: /m, show(c));
  const h = run({ image: FOUNDATION, command: ['--help'] });
  for (const k of ['host', 'hostname', 'port', 'user', 'host_key', 'identity_file']) assert.match(h.stdout, new RegExp(`^ {2}\\[ssh\\.\\*\\] ${k}$`, 'm'), k);
});
