// The ldap and github presets on small auth_state documents: what they reduce to (each field with
// its source) and what they refuse, naming the field. The shared corpus: identity-contract.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directoryGroupName, fromGithub, fromLdap, HUB_USER_ORIGIN, type PresetOptions } from '../../../src/config/auth-state-presets.ts';
import { ProblemList } from '../../../src/config/problems.ts';

const OPTS: PresetOptions = { idOffset: 0, minUid: 1000, paths: {} };

function reduce(preset: typeof fromLdap, doc: Record<string, unknown>, opts: Partial<PresetOptions> = {}) {
  const problems = new ProblemList();
  const out = preset(doc, { ...OPTS, ...opts }, { field: (p) => `AS field ${p}`, label: 'AS', problems });
  return { out, problems: problems.items.map((p) => [p.setting, p.value, p.message]) };
}

test('directoryGroupName: ":" and "," become "_", white space at the ends goes', () => {
  assert.equal(directoryGroupName('  Domain Users '), 'Domain Users');
  assert.equal(directoryGroupName('a:b,c'), 'a_b_c');
});

const LDAP = { user_attributes: { uid: ['bob'], uidNumber: ['20001'], gidNumber: [20000] }, posix_groups: [{ name: 'bob', gid: 20000 }, { name: 'hpc', gid: 21000 }, { name: 'hpc2', gid: 21000 }] };

test('ldap: name, uid, gid from the attributes; the primary group named from posix_groups; the rest once per gid', () => {
  assert.deepEqual(reduce(fromLdap, LDAP), { problems: [], out: {
    name: { value: 'bob', from: 'user_attributes.uid' }, uid: { value: 20001, from: 'user_attributes.uidNumber' }, gid: { value: 20000, from: 'user_attributes.gidNumber' },
    group: { value: 'bob', from: 'posix_groups' }, groups: { value: [{ name: 'hpc', gid: 21000 }], from: 'posix_groups' },
  } });
});

test('ldap: under a hub the name is JUPYTERHUB_USER\'s, and the uid attribute need not be there', () => {
  const { uid: _u, ...attrs } = LDAP.user_attributes;
  const r = reduce(fromLdap, { ...LDAP, user_attributes: attrs }, { hubUser: 'bob-hub' });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.out?.name, { value: 'bob-hub', from: HUB_USER_ORIGIN });
});

test('ldap: attribute names are case-insensitive; ldapauthenticator 1.x kept the attributes at the top', () => {
  assert.equal(reduce(fromLdap, { user_attributes: { UID: ['bob'], UIDNUMBER: ['20001'], gidnumber: ['20000'] } }).out?.uid.value, 20001);
  const v1 = reduce(fromLdap, { uid: ['bob'], uidNumber: ['20001'], gidNumber: ['20000'] });
  assert.deepEqual([v1.problems, v1.out?.name.value, v1.out?.gid?.value], [[], 'bob', 20000]);
});

test('ldap: what is refused, each naming its field', () => {
  assert.deepEqual(reduce(fromLdap, {}).problems, [['AS', '{}', 'is empty: the person has no auth_state']]);
  assert.deepEqual(reduce(fromLdap, { user_attributes: 'x' }).problems, [['AS field user_attributes', '"x"', 'must be the object of LDAP attributes that ldapauthenticator stores']]);
  const r = reduce(fromLdap, { user_attributes: { uid: ['a', 'b'], uidNumber: ['999'], gidNumber: ['0'] }, posix_groups: [{ name: 'g' }] });
  assert.equal(r.out, undefined);
  assert.deepEqual(r.problems, [
    ['AS field user_attributes.uid', '["a","b"]', 'must have exactly one value, got 2'],
    ['AS field user_attributes.uidNumber', '999', 'is below 1000, where system accounts live'],
    ['AS field user_attributes.gidNumber', '0', 'is 0, root\'s id, which a hub never hands out'],
    ['AS field posix_groups[0]', '{"name":"g"}', 'must be an object with "name" and "gid"'],
  ]);
  assert.deepEqual(reduce(fromLdap, { user_attributes: { uid: ['bob'] } }).problems, [
    ['AS field user_attributes.uidNumber', 'missing', 'is required'], ['AS field user_attributes.gidNumber', 'missing', 'is required'],
  ]);
});

test('ldap: [auth_state] home names the attribute of the external home, checked like the canonical home', () => {
  const doc = { user_attributes: { ...LDAP.user_attributes, homeDirectory: ['/nfs/bob'] } };
  assert.deepEqual(reduce(fromLdap, doc, { paths: { home: 'user_attributes.homeDirectory' } }).out?.home, { value: '/nfs/bob', from: 'user_attributes.homeDirectory' });
  const bad = reduce(fromLdap, { user_attributes: { ...LDAP.user_attributes, homeDirectory: ['nfs/bob'] } }, { paths: { home: 'user_attributes.homeDirectory' } });
  assert.deepEqual(bad.problems, [['AS field user_attributes.homeDirectory', 'nfs/bob', 'must be an absolute path']]);
});

const GITHUB = { access_token: 'gho_SECRET', github_user: { login: 'Octo-Cat', id: 583231 }, teams: [{ organization: { login: 'GitHub', id: 9919 } }, { organization: { login: 'github', id: 9919 } }] };

test('github: the lower-cased login, uid = gid = id, a private group, one group per distinct organization', () => {
  assert.deepEqual(reduce(fromGithub, GITHUB), { problems: [], out: {
    name: { value: 'octo-cat', from: 'github_user.login' }, uid: { value: 583231, from: 'github_user.id' }, gid: { value: 583231, from: 'github_user.id' },
    group: { value: 'octo-cat', from: 'github_user.login' }, groups: { value: [{ name: 'github', gid: 9919 }], from: 'teams' },
  } });
  assert.deepEqual(reduce(fromGithub, GITHUB, { hubUser: 'octo' }).out?.name, { value: 'octo', from: HUB_USER_ORIGIN });
});

test('github: ids below the system range are refused unless [auth_state] id_offset moves them', () => {
  const early = { github_user: { login: 'early', id: 27 }, teams: [{ organization: { login: 'early-org', id: 42 } }] };
  assert.deepEqual(reduce(fromGithub, early).problems, [
    ['AS field github_user.id', '27', 'is below 1000, where system accounts live'],
    ['AS field teams[0].organization.id', '42', 'is below 1000, where system accounts live'],
  ]);
  const moved = reduce(fromGithub, early, { idOffset: 100000 });
  assert.deepEqual([moved.problems, moved.out?.uid.value, moved.out?.groups.value], [[], 100027, [{ name: 'early-org', gid: 100042 }]]);
  assert.deepEqual(reduce(fromGithub, { github_user: { login: 'x', id: 4294967290 }, teams: [] }, { idOffset: 10 }).problems, [['AS field github_user.id', '4294967290 + 10', 'must be at most 4294967294']]);
});

test('github: what is refused, each naming its field; the token is never shown', () => {
  assert.deepEqual(reduce(fromGithub, {}).problems, [['AS', '{}', 'is empty: the person has no auth_state']]);
  assert.deepEqual(reduce(fromGithub, { teams: [] }).problems, [['AS field github_user', 'missing', 'must be the object of GitHub\'s /user that GitHubOAuthenticator stores']]);
  const r = reduce(fromGithub, { access_token: 'gho_SECRET', github_user: { login: 'a' }, teams: [{ organization: { login: 'o:rg', id: 5000 } }, { nope: 1 }] });
  assert.deepEqual(r.problems, [
    ['AS field github_user.id', 'missing', 'is required (GitHub\'s /user always has it: is this a GitHub auth_state?)'],
    ['AS field teams[0].organization.login', 'o:rg', 'the group name must not contain ":"'],
    ['AS field teams[1].organization', 'missing', 'must be an object with login and id'],
  ]);
  assert.deepEqual(reduce(fromGithub, { github_user: { login: 'a', id: 5000 } }).problems, [['AS field teams', 'missing', 'is required']]);
  assert.ok(!JSON.stringify(r.problems).includes('gho_SECRET'));
});

test('github: a login longer than a primary group name may be is left for nbstart to name the group', () => {
  const long = 'l'.repeat(39);
  const r = reduce(fromGithub, { github_user: { login: long, id: 5000 }, teams: [] });
  assert.equal(r.out?.name.value, long);
  assert.ok(r.out && !('group' in r.out));
});
