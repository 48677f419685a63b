// Hostile input and hostile files through the compiled binary, in real containers:
//  - bad values in the environment, the ini file and an auth_state file: exit 1, one line naming the
//    setting and the JSON-quoted value, and /etc byte-identical (hashed before and after inside the
//    container, with nbstart run by a shell entrypoint as groups.test.ts does);
//  - links a user planted where a careless root would write or walk (test/e2e/images/hostile): root
//    never follows them, /etc keeps every owner and mode, and the links themselves change owner;
//  - CHOWN_EXTRA touches only what is wrong (podman diff lists what overlayfs copied up) and logs
//    progress on long walks.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { quote } from '../../src/config/problems.ts';
import { FOUNDATION } from './lib/images.ts';
import { buildImage, podman, podmanOk, run, show, type Result } from './lib/podman.ts';

const HOSTILE = FOUNDATION.replace('/nbstart-foundation:', '/nbstart-hostile:');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-e2e-hostile-'));
fs.chmodSync(dir, 0o755);

before(() => {
  buildImage({ tag: HOSTILE, dockerfile: 'test/e2e/images/hostile/Dockerfile', inputs: ['test/e2e/images/hostile'], buildArgs: { BASE_IMAGE: FOUNDATION }, from: [FOUNDATION], context: 'test/e2e/images/hostile' });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What must never reach a log line raw: anything that breaks it or hides in it. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** Asserts an ERROR line names `setting` and shows `value` JSON-quoted, and that every line of stderr is one visible line. */
function assertNamed(r: Result, setting: string, value: string): void {
  for (const line of r.stderr.split('\n')) assert.doesNotMatch(line, INVISIBLE, `raw invisible character in ${JSON.stringify(line)}\n${show(r)}`);
  const line = r.stderr.split('\n').find((l) => l.includes('ERROR') && l.includes(`${setting}: `) && l.includes(`got ${quote(value)}`));
  assert.ok(line, `no ERROR line naming ${setting} with ${quote(value)}\n${show(r)}`);
}

// Hashes of /etc (contents of the account files, and every entry's owner, mode, size and time),
// taken before and after nbstart in the same container; nbstart runs as a child of the shell.
const ETC_UNCHANGED = [
  'h() { cat /etc/passwd /etc/group /etc/shadow /etc/gshadow | sha256sum; find /etc -xdev -printf "%u:%g %m %s %T@ %p\\n" | sort | sha256sum; }',
  'a=$(h); /usr/local/bin/nbstart id; rc=$?; b=$(h); echo "rc=$rc same=$([ "$a" = "$b" ] && echo yes || echo no)"',
].join('; ');

/** Runs nbstart as root in the foundation image between two hashes of /etc. */
function badStart(env: Record<string, string>, volumes: string[] = []): Result {
  return run({ image: FOUNDATION, user: 'root', env, volumes, extra: ['--entrypoint', 'sh'], command: ['-c', ETC_UNCHANGED] });
}

/** A file in the test's temp dir, readable by root only (as a mounted Secret or a root-owned ini). */
function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content, { mode: 0o400 });
  return p;
}

const ENV_CASES: { name: string; env: Record<string, string>; setting: string; value: string }[] = [
  { name: 'a line separator in NB_USER', env: { NB_USER: 'ali\u2028ce' }, setting: 'NB_USER', value: 'ali\u2028ce' },
  { name: 'a right-to-left override in NB_USER', env: { NB_USER: 'ali\u202ece' }, setting: 'NB_USER', value: 'ali\u202ece' },
  { name: 'a newline in NB_USER', env: { NB_USER: 'al\nice' }, setting: 'NB_USER', value: 'al\nice' },
  { name: 'NB_UID written as 1e3', env: { NB_UID: '1e3' }, setting: 'NB_UID', value: '1e3' },
  { name: 'NB_GID one past the largest', env: { NB_GID: '4294967295' }, setting: 'NB_GID', value: '4294967295' },
  { name: 'a C1 control in an NBSTART_GROUPS name', env: { NBSTART_GROUPS: 'physics:3000,ev\u0085il:3001' }, setting: 'NBSTART_GROUPS', value: 'ev\u0085il:3001' },
  { name: 'an escape sequence in a CHOWN_EXTRA path', env: { CHOWN_EXTRA: '/srv/da\x1b[31mta' }, setting: 'CHOWN_EXTRA', value: '/srv/da\x1b[31mta' },
  { name: 'a zero-width space after GRANT_SUDO=yes', env: { GRANT_SUDO: 'yes\u200b' }, setting: 'GRANT_SUDO', value: 'yes\u200b' },
  { name: 'a person named like the system account mail (gid 8 writes /var/mail)', env: { NB_USER: 'mail', NB_UID: '1010' }, setting: 'NB_USER', value: 'mail' },
];

for (const c of ENV_CASES) {
  test(`environment: ${c.name} stops with exit 1, one line naming it, /etc byte-identical`, () => {
    const r = badStart(c.env);
    assert.equal(r.stdout, 'rc=1 same=yes\n', show(r));
    assertNamed(r, c.setting, c.value);
  });
}

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnuV9gplyEGyJBAsZHrX6W6kTuXGa6bNz6Vw9ExWu2i';
const INI = '/etc/nbstart/nbstart.ini';
// The foundation image sets ENV NB_USER, NB_UID and NB_GID, which win over [user] name, uid and gid
// (ini < environment), so the cases use keys the image leaves to the ini.
const INI_CASES: { name: string; text: string | Buffer; setting: string; value: string }[] = [
  { name: 'a line separator in a value (the ini reader would drop the line)', text: '[user]\ngroup = sci\u2028ence\n', setting: `${INI} line 2`, value: 'group = sci\u2028ence' },
  { name: 'a hexadecimal umask', text: '[exec]\numask = 0x12\n', setting: `[exec] umask in ${INI}`, value: '0x12' },
  { name: 'a NUL in a JSON-quoted group name', text: '[user]\ngroup = "a\\u0000b"\n', setting: `[user] group in ${INI}`, value: 'a\0b' },
  { name: 'bytes that are not UTF-8 in the template user\'s name', text: Buffer.concat([Buffer.from('[user]\ntemplate = j'), Buffer.from([0xf6]), Buffer.from('rg\n')]), setting: `[user] template in ${INI}`, value: 'j\ufffdrg' },
  {
    name: 'an [ssh.NAME] whose quoted NAME smuggles a known_hosts line',
    text: `["ssh.x\\n* ${KEY} "]\nhost = gitlab\nhost_key = ${KEY}\n`, setting: `[ssh.x\\n* ${KEY} ] in ${INI}`, value: `x\n* ${KEY} `,
  },
];

for (const c of INI_CASES) {
  test(`ini file: ${c.name} stops with exit 1, one line naming it, /etc byte-identical`, () => {
    const p = file(`ini-${c.name.replace(/\W+/g, '-')}.ini`, c.text);
    const r = badStart({}, [`${p}:${INI}:ro`]);
    assert.equal(r.stdout, 'rc=1 same=yes\n', show(r));
    assertNamed(r, c.setting, c.value);
  });
}

const AUTH = 'NBSTART_AUTH_STATE_FILE=/run/secrets/auth_state.json';
const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const AUTH_CASES: { name: string; text: string; setting: string; value: string; message?: RegExp }[] = [
  { name: 'a uid nested 100,000 lists deep', text: `{"name":"alice","uid":${deep}}`, setting: `${AUTH} field uid`, value: deep },
  { name: 'identity only under __proto__', text: '{"__proto__":{"name":"root","uid":0}}', setting: `${AUTH} field name`, value: 'missing' },
  { name: 'uid -0 (root\'s uid)', text: '{"name":"alice","uid":-0}', setting: `${AUTH} field uid`, value: '0', message: /must be an integer from 1 to 4294967294/ },
  { name: 'a right-to-left override in a group name', text: JSON.stringify({ name: 'alice', uid: 1010, groups: [{ name: 'staff\u202e', gid: 3000 }] }), setting: `${AUTH} field groups[0].name`, value: 'staff\u202e' },
  { name: 'groups as an object', text: '{"name":"alice","uid":1010,"groups":{"name":"physics","gid":3000}}', setting: `${AUTH} field groups`, value: '{"name":"physics","gid":3000}' },
  {
    name: '65,535 groups (one more than fit with the primary group and users)',
    text: JSON.stringify({ name: 'alice', uid: 1010, groups: Array.from({ length: 65_535 }, (_, i) => ({ name: `g${i}`, gid: 100_000 + i })) }),
    setting: `${AUTH} field groups`, value: '65535 groups',
  },
];

for (const c of AUTH_CASES) {
  test(`auth_state file: ${c.name} stops with exit 1, one line naming the field, /etc byte-identical`, () => {
    const p = file(`auth-${c.name.replace(/\W+/g, '-')}.json`, c.text);
    const r = badStart({ NBSTART_AUTH_STATE_FILE: '/run/secrets/auth_state.json' }, [`${p}:/run/secrets/auth_state.json:ro`]);
    assert.equal(r.stdout, 'rc=1 same=yes\n', show(r));
    assertNamed(r, c.setting, c.value);
    if (c.message) assert.match(r.stderr, c.message, show(r));
  });
}

// Root never follows what a user planted. The image has /home/jovyan/.bashrc -> /etc/shadow,
// /home/jovyan/link -> /etc and /home/jovyan/work -> /etc made by the user, /opt/work ->
// /home/jovyan/work made by root, and /etc/.passwd.nbstart-tmp -> /etc/shadow.
// (/etc/nbstart-user is nbstart's own new file, the record of the refit: everything else must stay.)
const ETC_SNAPSHOT = 'snap() { find /etc -xdev \\( -path /etc/.passwd.nbstart-tmp -o -path /etc/nbstart-user \\) -prune -o -printf "%u:%g %m %p\\n" | sort | sha256sum; }';

test('planted links in the home, through CHOWN_HOME -R and CHOWN_EXTRA -R: /etc keeps every owner and mode, shadow its content, the links change owner', () => {
  const script = [
    ETC_SNAPSHOT, 'cp /etc/shadow /tmp/shadow.before',
    'a=$(snap); /usr/local/bin/nbstart true; rc=$?; b=$(snap)',
    'echo "rc=$rc etc=$([ "$a" = "$b" ] && echo same || echo changed)"',
    'stat -c "%U:%G %a" /etc/shadow',
    'sed "s/^jovyan:/alice:/" /tmp/shadow.before | cmp -s - /etc/shadow && echo shadow=renamed-only || echo shadow=other',
    'stat -c "%u:%g %N" /home/alice/.bashrc /home/jovyan/link /home/jovyan/work /opt/work',
    'echo "copies-of-shadow=$(grep -rl "^root:" /home/alice /home/jovyan | wc -l)"',
  ].join('; ');
  const r = run({
    image: HOSTILE, user: 'root', extra: ['--entrypoint', 'sh'], command: ['-c', script],
    env: { NB_USER: 'alice', NB_UID: '1010', CHOWN_HOME: 'yes', CHOWN_HOME_OPTS: '-R', CHOWN_EXTRA: '/home/jovyan,/opt/work,/home/jovyan/work/ssh', CHOWN_EXTRA_OPTS: '-R' },
  });
  assert.equal(r.stdout, [
    'rc=0 etc=same',
    'root:shadow 640',
    'shadow=renamed-only',
    "1010:100 '/home/alice/.bashrc' -> '/etc/shadow'",
    "1010:100 '/home/jovyan/link' -> '/etc'",
    "1010:100 '/home/jovyan/work' -> '/etc'",
    "0:0 '/opt/work' -> '/home/jovyan/work'",
    'copies-of-shadow=0',
    '',
  ].join('\n'), show(r));
  assert.match(r.stderr, /WARN: \[chown\] \/home\/jovyan\/work\/ssh: ownership not changed: \/home\/jovyan\/work is a symbolic link in a directory others can write/, show(r));
});

test('a stale atomic-write temp file planted as a link to /etc/shadow is replaced, never written through', () => {
  const script = [
    'cp /etc/shadow /tmp/shadow.before', '/usr/local/bin/nbstart true; echo "rc=$?"',
    'cmp -s /tmp/shadow.before /etc/shadow && echo shadow=unchanged || echo shadow=changed',
    'stat -c "%U:%G %a %F" /etc/shadow /etc/passwd', 'test -e /etc/.passwd.nbstart-tmp || test -L /etc/.passwd.nbstart-tmp && echo tmp=left || echo tmp=gone',
    'grep -c "^jovyan:x:1010:" /etc/passwd',
  ].join('; ');
  const r = run({ image: HOSTILE, user: 'root', env: { NB_UID: '1010' }, extra: ['--entrypoint', 'sh'], command: ['-c', script] });
  assert.equal(r.stdout, 'rc=0\nshadow=unchanged\nroot:shadow 640 regular file\nroot:root 644 regular file\ntmp=gone\n1\n', show(r));
});

test('non-root start: a link planted at /tmp/nbstart-nss-<uid> is not followed, and the person still gets a name', () => {
  const r = run({ image: HOSTILE, user: '1010:0', env: { NB_USER: 'alice' }, command: ['sh', '-c', 'whoami; echo "$NSS_WRAPPER_PASSWD"; readlink /tmp/nbstart-nss-1010'] });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stdout, /^alice\n\/tmp\/nbstart-nss-1010-[0-9a-f]{16}\/passwd\n\/etc\n$/, show(r));
  assert.match(r.stderr, /\/tmp\/nbstart-nss-1010 is a symbolic link: not used/, show(r));
});

test('non-root start: another uid\'s directory at /tmp/nbstart-nss-<uid> is not used', () => {
  const script = [
    'rm /tmp/nbstart-nss-1010 && mkdir -m 0777 /tmp/nbstart-nss-1010 && chown 1011 /tmp/nbstart-nss-1010',
    'setpriv --reuid=1010 --regid=0 --clear-groups env NB_USER=alice /usr/local/bin/nbstart sh -c \'whoami; echo "$NSS_WRAPPER_PASSWD"\'',
    'echo "planted-dir-entries=$(ls -A /tmp/nbstart-nss-1010 | wc -l)"',
  ].join('; ');
  const r = run({ image: HOSTILE, user: 'root', extra: ['--entrypoint', 'sh'], command: ['-c', script] });
  assert.match(r.stdout, /^alice\n\/tmp\/nbstart-nss-1010-[0-9a-f]{16}\/passwd\nplanted-dir-entries=0\n$/, show(r));
  assert.match(r.stderr, /\/tmp\/nbstart-nss-1010 is a directory of uid 1011: not used/, show(r));
});

/** The files under /srv/data that `podman diff` lists as changed (copied up) in container `name`. */
function copiedUp(name: string): string[] {
  return podmanOk(['diff', name]).stdout.split('\n').map((l) => l.replace(/^[ACD] /, '')).filter((p) => p.startsWith('/srv/data/')).sort();
}

test('CHOWN_EXTRA -R changes only the 1% of entries that are wrong: overlayfs copies up only those (chown -R copies up all)', () => {
  const walked = `nbstart-hostile-walk-${process.pid}`;
  const naive = `nbstart-hostile-chown-${process.pid}`;
  try {
    const r = podman(['run', '--name', walked, '--pull=never', '--network', 'none', '--user', 'root', '-e', 'NB_USER=alice', '-e', 'NB_UID=1010', '-e', 'NB_GID=1010',
      '-e', 'CHOWN_EXTRA=/srv/data', '-e', 'CHOWN_EXTRA_OPTS=-R', HOSTILE, 'sh', '-c', 'find /srv/data ! -user 1010 -o ! -group 1010 | wc -l']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, '0\n', show(r)); // afterwards everything is the person's
    assert.match(r.stderr, /\/srv\/data: 10 of 1001 entries given to 1010:1010/, show(r));
    assert.deepEqual(copiedUp(walked), ['f000', 'f100', 'f200', 'f300', 'f400', 'f500', 'f600', 'f700', 'f800', 'f900'].map((f) => `/srv/data/${f}`));
    // the baseline the walk is measured against: chown -R rewrites, and so copies up, every file
    podmanOk(['run', '--name', naive, '--pull=never', '--network', 'none', '--user', 'root', '--entrypoint', 'chown', HOSTILE, '-R', '1010:1010', '/srv/data']);
    assert.equal(copiedUp(naive).length, 1000);
  } finally {
    podman(['rm', '-f', walked, naive]);
  }
});

test('a 25,000-entry CHOWN_EXTRA walk logs progress every 10,000 entries', () => {
  const r = run({ image: HOSTILE, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010', CHOWN_EXTRA: '/srv/big', CHOWN_EXTRA_OPTS: '-R' }, command: ['true'] });
  assert.equal(r.code, 0, show(r));
  const progress = r.stderr.split('\n').filter((l) => /\[chown\] chown walk in progress/.test(l));
  assert.deepEqual(progress.map((l) => l.replace(/^.*\(/, '(')), ['(10000 entries)', '(20000 entries)'], show(r));
  assert.match(r.stderr, /\[chown\] \/srv\/big: 25026 of 25026 entries given to 1010:100/, show(r));
});

test('with only SETUID, SETGID and CHOWN: planted links are still not followed, and a path below a 0711 directory is walked', () => {
  const script = [
    ETC_SNAPSHOT, 'a=$(snap); /usr/local/bin/nbstart true; rc=$?; b=$(snap)',
    'echo "rc=$rc etc=$([ "$a" = "$b" ] && echo same || echo changed)"',
    'stat -c "%u:%g %N" /home/jovyan/link /srv/locked/data/f',
  ].join('; ');
  const r = run({
    image: HOSTILE, user: 'root', extra: ['--cap-drop=ALL', '--cap-add=SETUID,SETGID,CHOWN', '--entrypoint', 'sh'], command: ['-c', script],
    env: { NB_UID: '1010', CHOWN_EXTRA: '/home/jovyan,/opt/work,/srv/locked/data', CHOWN_EXTRA_OPTS: '-R' },
  });
  assert.equal(r.stdout, "rc=0 etc=same\n1010:100 '/home/jovyan/link' -> '/etc'\n1010:100 '/srv/locked/data/f'\n", show(r));
  assert.match(r.stderr, /\/srv\/locked\/data: 2 of 2 entries given to 1010:100/, show(r));
});
