// Identity from JupyterHub auth_state (canonical, LDAP, GitHub shapes) and NBSTART_GROUPS, in real
// containers: `id` must name the person, the uid, the gid and every group.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FOUNDATION } from './lib/images.ts';
import { expectResult, type Expected } from './lib/expect.ts';
import { run, show } from './lib/podman.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-e2e-groups-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes an auth_state file readable only by root (as a Kubernetes Secret would be) and mounts it. */
function secret(name: string, doc: unknown): { volumes: string[]; env: Record<string, string> } {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc), { mode: 0o400 });
  return { volumes: [`${file}:/run/secrets/auth_state.json:ro`], env: { NBSTART_AUTH_STATE_FILE: '/run/secrets/auth_state.json' } };
}

const sh = (s: string): string[] => ['sh', '-c', s];

/** One start: where auth_state comes from (a root-only file, or NBSTART_AUTH_STATE), the rest of the env, the command → what it shows. */
interface GroupCase extends Expected {
  readonly name: string;
  readonly file?: { readonly name: string; readonly doc: unknown; readonly minBytes?: number };
  readonly variable?: unknown;
  readonly env?: Record<string, string>;
  readonly command: string[];
}

const CASES: GroupCase[] = [
  {
    name: 'canonical auth_state from a mounted file wins over the image\'s NB_UID',
    file: { name: 'canonical.json', doc: { name: 'alice', uid: 1010, gid: 1010, groups: [{ name: 'physics', gid: 3000 }, { name: 'Data Science', gid: 3001 }, { name: 'staff-ldap', gid: 50 }] } },
    // gid 50 is the image's staff group, a privileged one: the image allows it ([groups] allow_gids).
    env: { NB_UID: '1000', NBSTART_ALLOW_GIDS: '50' }, command: ['sh', '-c', 'id; echo "$NB_USER $NB_UID $NB_GID"'],
    stdout: 'uid=1010(alice) gid=1010(alice) groups=1010(alice),50(staff),100(users),3000(physics),3001(data_science)\nalice 1010 1010\n',
    stderr: [/gid 50 is "staff" in the image; kept that name/, /"Data Science" is not a valid group name; using "data_science"/],
  },
  {
    name: 'LDAP-shaped auth_state in a variable (ldapauthenticator attributes + ldap_posix_groups_hook\'s posix_groups)',
    variable: { user_attributes: { uid: ['bob'], uidNumber: ['20001'], gidNumber: ['20000'] }, posix_groups: [{ name: 'hpc', gid: 21000 }, { name: 'sudo', gid: 21001 }] },
    env: { NBSTART_AUTH_STATE_PRESET: 'ldap' }, command: sh('id; env | grep -c -e ^NBSTART_AUTH_STATE= -e ^NBSTART_AUTH_STATE_FILE= || true'),
    stdout: 'uid=20001(bob) gid=20000(bob) groups=20000(bob),100(users),21000(hpc),21001(sudo_21001)\n0\n',
  },
  {
    name: 'GitHub-shaped auth_state: login, id as uid and gid, organizations as groups; the token never reaches the command',
    file: { name: 'github.json', doc: {
      access_token: 'gho_SECRET_TOKEN_VALUE',
      github_user: { login: 'octocat', id: 583231 },
      teams: [{ organization: { login: 'github', id: 9919 } }, { organization: { login: 'github', id: 9919 } }, { organization: { login: 'jupyterhub', id: 17927519 } }],
    } },
    env: { NBSTART_AUTH_STATE_PRESET: 'github' },
    command: sh('id; env | grep -c -e SECRET_TOKEN -e ^NBSTART_AUTH_STATE= -e ^NBSTART_AUTH_STATE_FILE= || true; cat /run/secrets/auth_state.json 2>&1 | grep -c SECRET || true'),
    stdout: 'uid=583231(octocat) gid=583231(octocat) groups=583231(octocat),100(users),9919(github),17927519(jupyterhub)\n0\n0\n',
  },
  {
    name: 'NBSTART_GROUPS mirrors groups when there is no auth_state',
    env: { NB_USER: 'carol', NB_UID: '1020', NBSTART_GROUPS: 'lab:4000,users:100' }, command: ['id'],
    stdout: 'uid=1020(carol) gid=100(users) groups=100(users),4000(lab)\n',
  },
  {
    name: '5,000 groups: all mirrored, one write of /etc/group, and files get group ownership',
    file: { name: 'many.json', doc: { name: 'dana', uid: 1030, gid: 1030, groups: Array.from({ length: 5000 }, (_, i) => ({ name: `g${i}`, gid: 50000 + i })) } },
    command: sh('id -G | wc -w; grep -c ":dana$" /etc/group; touch /tmp/f && chgrp g4999 /tmp/f && stat -c %G /tmp/f'),
    stdout: '5002\n5001\ng4999\n', stderrCount: [[/wrote \/etc\/group/g, 1]],
  },
  {
    name: 'a huge but valid auth_state (megabytes) works',
    // The identity holds only its fields (hub/identity.schema.json): the bulk is in long group names.
    file: { name: 'huge.json', minBytes: 2_000_000, doc: { name: 'erin', uid: 1040, groups: Array.from({ length: 8000 }, (_, i) => ({ name: `team-${i}-${'d'.repeat(240)}`, gid: 70000 + i })) } },
    command: sh('id -un; id -G | wc -w'),
    stdout: 'erin\n8001\n', // primary stays users (100): no gid given
  },
];

for (const c of CASES) {
  test(c.name, () => {
    const s = c.file ? secret(c.file.name, c.file.doc) : { volumes: [], env: {} };
    if (c.file?.minBytes) assert.ok(fs.statSync(path.join(dir, c.file.name)).size > c.file.minBytes);
    const env = { ...s.env, ...(c.variable !== undefined && { NBSTART_AUTH_STATE: JSON.stringify(c.variable) }), ...c.env };
    expectResult(run({ image: FOUNDATION, user: 'root', env, volumes: s.volumes, command: c.command }), c);
  });
}

test('under a hub the github preset names the person as JupyterHub does, and nbstart plan says so', () => {
  // JupyterHub's username is the normalized login (alice-dev); the container used to get Alice-Dev.
  const doc = { access_token: 'gho_SECRET', github_user: { login: 'Alice-Dev', id: 5550002 }, teams: [{ organization: { login: 'Example-Org', id: 7770001 } }] };
  const s = secret('github-hub.json', doc);
  const env = { ...s.env, NBSTART_AUTH_STATE_PRESET: 'github', JUPYTERHUB_USER: 'alice-dev' };
  const plan = run({ image: FOUNDATION, user: 'root', env, volumes: s.volumes, command: ['plan'] });
  assert.equal(plan.code, 0, show(plan));
  assert.match(plan.stdout, /^person: alice-dev uid=5550002 gid=5550002 groups: alice-dev\(5550002\) new, .*example-org\(7770001\) new/m, show(plan));
  assert.match(plan.stdout, /^name from: JUPYTERHUB_USER \(JupyterHub's username\)$/m, show(plan));
  assert.match(plan.stdout, /^home: \/home\/alice-dev /m, show(plan));
  const r = run({ image: FOUNDATION, user: 'root', env, volumes: s.volumes, command: sh('id; echo "$HOME"') });
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, 'uid=5550002(alice-dev) gid=5550002(alice-dev) groups=5550002(alice-dev),100(users),7770001(example-org)\n/home/alice-dev\n', show(r));
});


const BAD: { name: string; doc: unknown; preset?: string; message: RegExp; oneLine?: true }[] = [
  { name: 'not JSON', doc: '{"name": "a", uid: }', message: /NBSTART_AUTH_STATE_FILE=\/run\/secrets\/auth_state.json: is not JSON/ },
  { name: 'name with a colon', doc: { name: 'a:b', uid: 1010 }, message: /field name: the user name must not contain ":"/ },
  { name: 'group name with a comma', doc: { name: 'a', uid: 1010, groups: [{ name: 'x,y', gid: 3000 }] }, message: /field groups\[0\].name: must not contain ","/ },
  { name: 'group name with a control character', doc: { name: 'a', uid: 1010, groups: [{ name: 'x\u001by', gid: 3000 }] }, message: /field groups\[0\].name: must not contain "\\u001b"/ },
  { name: 'uid out of range', doc: { name: 'a', uid: 4294967295 }, message: /field uid: must be an integer from 1 to 4294967294, got "4294967295"/ },
  { name: 'uid not an integer', doc: { name: 'a', uid: '10a' }, message: /field uid: must be an integer/ },
  { name: 'uid 0 (a hub never hands out root)', doc: { name: 'mallory', uid: 0 }, message: /field uid: must be an integer from 1 to 4294967294, got "0"/ },
  { name: 'missing uid', doc: { name: 'a' }, message: /field uid: must be an integer from 1 to 4294967294, got "missing"/ },
  { name: 'a token in the identity', doc: { name: 'a', uid: 1010, access_token: 'gho_SECRET' }, message: /field access_token: is not a field of the identity \(name, uid, gid, group, groups, home\), got "a string, not shown"/ },
  { name: 'github shape without the user', doc: { teams: [] }, preset: 'github', message: /field github_user: must be the object of GitHub's \/user/ },
  // issue 12: GitHub id 27 became uid 27 with primary group sudo, organization 42 group shadow.
  {
    name: 'github preset, GitHub id 27', preset: 'github', doc: { access_token: 'gho_SECRET', github_user: { login: 'early', id: 27 }, teams: [] }, oneLine: true,
    message: /^ERROR\[[^\]]*\] NBSTART_AUTH_STATE_FILE=\/run\/secrets\/auth_state\.json field github_user\.id: is below 1000, where system accounts live, got "27"; fix: set NBSTART_AUTH_STATE_ID_OFFSET/m,
  },
  {
    name: 'github preset, organization id 42', preset: 'github', doc: { github_user: { login: 'bob', id: 5550001 }, teams: [{ organization: { login: 'early-org', id: 42 } }] },
    message: /field teams\[0\]\.organization\.id: is below 1000, where system accounts live, got "42"; fix: set NBSTART_AUTH_STATE_ID_OFFSET/,
  },
];

for (const b of BAD) {
  test(`bad auth_state (${b.name}): exit 1, a line naming the field, /etc/passwd, group, shadow and gshadow byte-identical`, () => {
    const s = secret(`bad-${b.name.replace(/\W+/g, '-')}.json`, b.doc);
    const script = 'h() { cat /etc/passwd /etc/group /etc/shadow /etc/gshadow | sha256sum; }; a=$(h); /usr/local/bin/nbstart id; rc=$?; b=$(h); echo "rc=$rc same=$([ "$a" = "$b" ] && echo yes || echo no)"';
    const r = run({ image: FOUNDATION, user: 'root', env: { ...s.env, ...(b.preset && { NBSTART_AUTH_STATE_PRESET: b.preset }) }, volumes: s.volumes, extra: ['--entrypoint', 'sh'], command: ['-c', script] });
    expectResult(r, { stdout: 'rc=1 same=yes\n', stderr: [b.message] });
    if (b.oneLine) assert.equal(r.stderr.split('\n').filter((l) => /ERROR/.test(l)).length, 1, show(r));
    assert.ok(!r.stderr.includes('gho_SECRET'), 'a token in the log');
  });
}
