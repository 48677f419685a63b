import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atPath, authStateValues, type Preset } from '../../../src/config/auth-state.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { formatProblem, ProblemList } from '../../../src/config/problems.ts';
import { testdir } from '../helpers.ts';

function values(doc: unknown, preset: Preset = 'canonical') {
  const problems = new ProblemList();
  const v = authStateValues({ label: 'NBSTART_AUTH_STATE', text: typeof doc === 'string' ? doc : JSON.stringify(doc) }, preset, {}, problems);
  return { v: Object.fromEntries([...v].map(([k, x]) => [k, x.value])), errors: problems.errors.map(formatProblem) };
}

test('canonical shape', () => {
  const { v, errors } = values({ name: 'alice', uid: 1010, gid: 1020, group: 'alice', groups: [{ name: 'physics', gid: 3000 }, { name: 'Data Science', gid: 3001 }], home: '/mnt/home/alice' });
  assert.deepEqual(errors, []);
  assert.deepEqual(v, { 'user.name': 'alice', 'user.uid': '1010', 'user.gid': '1020', 'user.group': 'alice', 'groups.list': 'physics:3000,Data Science:3001', 'home.source': '/mnt/home/alice' });
});

test('ldap preset: ldapauthenticator attribute lists and string numbers; the home only when [auth_state] home names it', () => {
  const { v, errors } = values({ user_attributes: { uid: ['bob'], uidNumber: ['20001'], gidNumber: ['20000'], homeDirectory: ['/nfs/bob'] }, posix_groups: [{ name: 'hpc', gid: '21000' }] }, 'ldap');
  assert.deepEqual(errors, []);
  assert.deepEqual(v, { 'user.name': 'bob', 'user.uid': '20001', 'user.gid': '20000', 'groups.list': 'hpc:21000' });
});

test('github preset: login, numeric id as uid and gid, distinct organizations as groups', () => {
  const { v, errors } = values({
    access_token: 'gho_secret',
    github_user: { login: 'octocat', id: 583231 },
    teams: [
      { name: 'a', organization: { login: 'github', id: 9919 } },
      { name: 'b', organization: { login: 'github', id: 9919 } },
      { name: 'c', organization: { login: 'jupyterhub', id: 17927519 } },
    ],
  }, 'github');
  assert.deepEqual(errors, []);
  assert.deepEqual(v, { 'user.name': 'octocat', 'user.uid': '583231', 'user.gid': '583231', 'user.group': 'octocat', 'groups.list': 'github:9919,jupyterhub:17927519' });
});

test('bad auth_state: every field named, nothing returned', () => {
  assert.match(values('{not json').errors[0]!, /^NBSTART_AUTH_STATE: is not JSON/);
  assert.match(values('[1]').errors[0]!, /must be a JSON object/);
  const { v, errors } = values({ name: 'a:b', uid: 1.5, gid: -1, groups: [{ name: 'ok', gid: 1 }, { name: 'x\ny', gid: 2 }, { name: 'z', gid: 4294967295 }] });
  assert.deepEqual(v, {});
  assert.ok(errors.some((e) => e.startsWith('NBSTART_AUTH_STATE field uid: must be an integer from 1 to 4294967294, got "1.5"')));
  assert.ok(errors.some((e) => e.startsWith('NBSTART_AUTH_STATE field gid:')));
  assert.ok(errors.some((e) => e.startsWith('NBSTART_AUTH_STATE field groups[1].name: must not contain "\\n"')));
  assert.ok(errors.some((e) => e.startsWith('NBSTART_AUTH_STATE field groups[2].gid:')));
  assert.equal(values({ uid: 5 }).errors.length, 1);
});

test('the user name is checked like NB_USER once laid over', () => {
  const root = testdir({});
  const { problems } = loadConfig({ env: { NBSTART_AUTH_STATE: JSON.stringify({ name: 'a:b', uid: 1010 }) }, flags: {}, strict: false, root });
  assert.match(formatProblem(problems.errors[0]!), /^NBSTART_AUTH_STATE field name: the user name must not contain ":"/);
});

test('more groups than the kernel allows are refused', () => {
  const groups = Array.from({ length: 65536 }, (_, i) => ({ name: `g${i}`, gid: 100000 + i }));
  assert.match(values({ name: 'a', uid: 1, groups }).errors[0]!, /more than the kernel allows/);
});

test('auth_state wins over NB_*; the file wins over the variable; a huge valid one works', () => {
  const groups = Array.from({ length: 20000 }, (_, i) => ({ name: `group-with-a-long-name-${i}-${'x'.repeat(40)}`, gid: 100000 + i }));
  const doc = JSON.stringify({ name: 'carol', uid: 3000, groups });
  assert.ok(doc.length > 1_000_000);
  const root = testdir({ 'run/secrets/auth_state.json': doc });
  const { config, problems } = loadConfig({
    env: { NB_USER: 'jovyan', NB_UID: '1000', NBSTART_AUTH_STATE_FILE: '/run/secrets/auth_state.json', NBSTART_AUTH_STATE: '{"name":"x","uid":1}' },
    flags: {}, strict: false, root,
  });
  assert.deepEqual(problems.errors, []);
  assert.equal(config.user.name, 'carol');
  assert.equal(config.user.uid, 3000);
  assert.equal(config.groups.wanted.length, 20000);
  assert.equal(config.origins.get('user.name'), 'NBSTART_AUTH_STATE_FILE=/run/secrets/auth_state.json field name');
});

test('NBSTART_GROUPS is used when auth_state has no groups, and checked item by item', () => {
  const root = testdir({});
  const ok = loadConfig({ env: { NBSTART_GROUPS: 'physics:3000, staff:50' }, flags: {}, strict: false, root });
  assert.deepEqual(ok.config.groups.wanted, [{ name: 'physics', gid: 3000 }, { name: 'staff', gid: 50 }]);
  const bad = loadConfig({ env: { NBSTART_GROUPS: 'physics:30x0,:5,a\u0007b:7' }, flags: {}, strict: false, root });
  assert.equal(bad.problems.errors.length, 3);
  assert.ok(bad.problems.errors.every((p) => p.setting === 'NBSTART_GROUPS'));
});

test('dotted-path mapping reads other shapes', () => {
  const root = testdir({ 'etc/nbstart/nbstart.ini': '[auth_state]\nname = profile.login\nuid = profile.posix.uid\ngroups = memberships\ngroup_name = cn\ngroup_gid = gidNumber\n' });
  const doc = { profile: { login: 'dave', posix: { uid: 4000 } }, memberships: [{ cn: 'lab', gidNumber: 4100 }] };
  const { config, problems } = loadConfig({ env: { NBSTART_AUTH_STATE: JSON.stringify(doc) }, flags: {}, strict: true, root });
  assert.deepEqual(problems.items, []);
  assert.equal(config.user.name, 'dave');
  assert.deepEqual(config.groups.wanted, [{ name: 'lab', gid: 4100 }]);
});

test('atPath unwraps one-element lists only', () => {
  assert.equal(atPath({ a: { b: ['x'] } }, 'a.b'), 'x');
  assert.deepEqual(atPath({ a: ['x', 'y'] }, 'a'), ['x', 'y']);
  assert.equal(atPath({ a: 1 }, 'a.b'), undefined);
});

test('a malformed auth_state is never echoed: it may hold tokens', () => {
  for (const text of ['{"access_token": "gho_SECRET", "name": ', '["gho_SECRET"]']) {
    const { errors } = values(text);
    assert.equal(errors.length, 1);
    assert.doesNotMatch(errors[0]!, /SECRET/);
    assert.match(errors[0]!, /bytes, not shown/);
  }
});
