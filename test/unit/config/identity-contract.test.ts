// The one identity contract, from nbstart's side: hub/identity.schema.json is what
// scripts/identity-schema.ts makes from nbstart's own character rules; nbstart reads a canonical
// identity exactly when the schema (checked with ajv) accepts it; and for every auth_state of
// hub/tests/identity-corpus.json the presets ldap and github give the person the corpus names (the
// same person nbstart reads from the identity hub/nbstart_hub.py makes), or refuse it naming the
// field. hub/tests/test_identity_contract.py runs the same corpus through from_ldap and from_github.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { loadConfig } from '../../../src/config/load.ts';
import { formatProblem } from '../../../src/config/problems.ts';
import type { Config } from '../../../src/config/types.ts';
import { DEMO_PERSON } from '../../../scripts/demo-person.ts';
import { identitySchemaText } from '../../../scripts/identity-schema.ts';
import { testdir } from '../helpers.ts';

interface Identity {
  readonly name: string;
  readonly uid: number;
  readonly gid?: number;
  readonly group?: string;
  readonly groups?: readonly { name: string; gid: number }[];
  readonly home?: string;
}
interface Case {
  readonly id: string;
  readonly kind: 'ldap' | 'github' | 'canonical';
  readonly hub_name: string | null;
  readonly options: { readonly home_attribute?: string; readonly id_offset?: number; readonly min_uid?: number };
  readonly auth_state: unknown;
  readonly identity?: Identity;
  readonly refused?: { readonly hub: string; readonly nbstart: string };
}
interface Corpus {
  readonly cases: readonly Case[];
  readonly names: { readonly valid: readonly string[]; readonly invalid: readonly string[] };
  readonly group_names: { readonly valid: readonly string[]; readonly invalid: readonly string[] };
  readonly homes: { readonly valid: readonly string[]; readonly invalid: readonly string[] };
}

const schemaText = readFileSync(new URL('../../../hub/identity.schema.json', import.meta.url), 'utf8');
const corpus = JSON.parse(readFileSync(new URL('../../../hub/tests/identity-corpus.json', import.meta.url), 'utf8')) as Corpus;
// ajv is CommonJS: its class is the module's default export's `default`.
const Ajv = (Ajv2020 as unknown as { default: new (o: object) => InstanceType<typeof Ajv2020.default> }).default;
const schemaValid = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(schemaText) as object);

/** nbstart's settings for a case: the preset, JupyterHub's username and the reduction's options. */
function load(kind: Case['kind'], doc: unknown, hubName: string | null = null, options: Case['options'] = {}) {
  const env: Record<string, string> = { NBSTART_AUTH_STATE: JSON.stringify(doc) };
  if (kind !== 'canonical') env['NBSTART_AUTH_STATE_PRESET'] = kind;
  if (hubName !== null) env['JUPYTERHUB_USER'] = hubName;
  if (options.id_offset !== undefined) env['NBSTART_AUTH_STATE_ID_OFFSET'] = String(options.id_offset);
  if (options.min_uid !== undefined) env['NBSTART_AUTH_STATE_MIN_UID'] = String(options.min_uid);
  const ini = options.home_attribute !== undefined ? `[auth_state]\nhome = user_attributes.${options.home_attribute}\n` : undefined;
  return loadConfig({ env, flags: {}, strict: true, root: testdir(ini === undefined ? {} : { 'etc/nbstart/nbstart.ini': ini }) });
}

/** The person a configuration describes, in the identity's own terms. */
function person(c: Config): Identity {
  const u = c.user;
  return {
    name: u.name!, uid: u.uid!, ...(u.gid !== undefined && { gid: u.gid }), ...(u.group !== undefined && { group: u.group }),
    groups: c.groups.wanted.map((g) => ({ name: g.name, gid: g.gid })), ...(c.home.source !== undefined && { home: c.home.source }),
  };
}

/** The identity with `groups` always present, as nbstart has no other way of saying "none". */
const withGroups = (i: Identity): Identity => ({ ...i, groups: i.groups ?? [] });

test('hub/identity.schema.json is what scripts/identity-schema.ts makes from nbstart\'s character rules', () => {
  assert.ok(schemaText === identitySchemaText(), 'out of date: node scripts/identity-schema.ts > hub/identity.schema.json');
});

test('the corpus has accepted and refused cases of every kind', () => {
  for (const kind of ['ldap', 'github', 'canonical'] as const) {
    assert.ok(corpus.cases.some((c) => c.kind === kind && c.identity), kind);
    assert.ok(corpus.cases.some((c) => c.kind === kind && c.refused), kind);
  }
});

for (const c of corpus.cases) {
  test(`corpus: ${c.id}`, () => {
    const { config, problems } = load(c.kind, c.auth_state, c.hub_name, c.options);
    const errors = problems.errors.map(formatProblem);
    if (c.identity) {
      assert.deepEqual(errors, []);
      assert.deepEqual(person(config), withGroups(c.identity));
      // The identity the hub makes from the same auth_state is valid and gives the same person.
      assert.ok(schemaValid(c.identity), JSON.stringify(schemaValid.errors));
      const canonical = load('canonical', c.identity);
      assert.deepEqual(canonical.problems.errors.map(formatProblem), []);
      assert.deepEqual(person(canonical.config), withGroups(c.identity));
    } else {
      const re = new RegExp(c.refused!.nbstart, 'u');
      assert.ok(errors.some((e) => re.test(e)), `no error matches /${c.refused!.nbstart}/ among:\n${errors.join('\n')}`);
      assert.ok(errors.every((e) => !e.includes('CORPUSfakeToken')), 'a token in a message');
      if (c.kind === 'canonical') assert.equal(schemaValid(c.auth_state), false, 'the schema accepts what nbstart refuses');
    }
  });
}

for (const [section, wrap] of [
  ['names', (v: string) => ({ name: v, uid: 1010 })],
  ['group_names', (v: string) => ({ name: 'alice', uid: 1010, groups: [{ name: v, gid: 3000 }] })],
  ['homes', (v: string) => ({ name: 'alice', uid: 1010, home: v })],
] as const) {
  test(`corpus ${section}: nbstart reads exactly what the schema accepts`, () => {
    for (const [valid, values] of [[true, corpus[section].valid], [false, corpus[section].invalid]] as const) {
      for (const v of values) {
        const doc = wrap(v);
        assert.equal(schemaValid(doc), valid, `schema on ${JSON.stringify(v)}`);
        const { problems } = load('canonical', doc);
        assert.equal(problems.errors.length === 0, valid, `nbstart on ${JSON.stringify(v)}: ${problems.errors.map(formatProblem).join('; ')}`);
      }
    }
  });
}

test('known disagreement 1: the github preset names the person as JupyterHub does (alice-dev, home /home/alice-dev)', () => {
  const doc = { github_user: { login: 'Alice-Dev', id: 5550002 }, teams: [] };
  const hub = load('github', doc, 'alice-dev');
  assert.equal(hub.config.user.name, 'alice-dev');
  assert.equal(hub.config.origins.get('user.name'), 'JUPYTERHUB_USER (JupyterHub\'s username)');
  const alone = load('github', doc);
  assert.equal(alone.config.user.name, 'alice-dev');
  assert.equal(alone.config.origins.get('user.name'), 'NBSTART_AUTH_STATE field github_user.login');
});

test('known disagreement 2: GitHub id 27 and organization 42 are refused unless an offset moves them', () => {
  const early = { github_user: { login: 'early', id: 27 }, teams: [{ organization: { login: 'early-org', id: 42 } }] };
  const errors = load('github', early, 'early').problems.errors.map(formatProblem);
  assert.deepEqual(errors.map((e) => e.split(':')[0]), ['NBSTART_AUTH_STATE field github_user.id', 'NBSTART_AUTH_STATE field teams[0].organization.id']);
  assert.match(errors[0]!, /is below 1000, where system accounts live, got "27"; fix: set NBSTART_AUTH_STATE_ID_OFFSET/);
  const moved = load('github', early, 'early', { id_offset: 100000 });
  assert.deepEqual(moved.problems.errors, []);
  assert.equal(moved.config.user.uid, 100027);
  assert.deepEqual(moved.config.groups.wanted, [{ name: 'early-org', gid: 100042 }]);
});

test('known disagreement 3: the ldap preset needs no user_attributes.uid under a hub', () => {
  const doc = { ldap_groups: [], user_attributes: { uidNumber: [2001], gidNumber: [2001], homeDirectory: ['/mnt/home/alice'] } };
  assert.equal(load('ldap', doc, 'alice').config.user.name, 'alice');
  assert.match(load('ldap', doc).problems.errors.map(formatProblem).join('\n'), /field user_attributes\.uid: is required, got "missing"; fix: run under a JupyterHub spawner \(it sets JUPYTERHUB_USER/);
});

test('path keys a preset does not read are refused by name', () => {
  const ldap = loadConfig({ env: { NBSTART_AUTH_STATE: '{"user_attributes":{"uidNumber":[2001],"gidNumber":[2001]}}', NBSTART_AUTH_STATE_PRESET: 'ldap', JUPYTERHUB_USER: 'a' }, flags: {}, strict: true, root: testdir({ 'etc/nbstart/nbstart.ini': '[auth_state]\ngroup_name = cn\n' }) });
  assert.match(ldap.problems.errors.map(formatProblem).join('\n'), /^\[auth_state\] group_name: is not used by preset ldap, got "cn"/);
  const gh = loadConfig({ env: { NBSTART_AUTH_STATE: '{}', NBSTART_AUTH_STATE_PRESET: 'github' }, flags: {}, strict: true, root: testdir({ 'etc/nbstart/nbstart.ini': '[auth_state]\nuid = x.id\n' }) });
  assert.match(gh.problems.errors.map(formatProblem).join('\n'), /^\[auth_state\] uid: is not used by preset github/);
});

test('a bad id_offset or min_uid is named once', () => {
  const { problems } = loadConfig({ env: { NBSTART_AUTH_STATE: '{"github_user":{"login":"a","id":5550001},"teams":[]}', NBSTART_AUTH_STATE_PRESET: 'github', NBSTART_AUTH_STATE_ID_OFFSET: '1e5' }, flags: {}, strict: true, root: testdir({}) });
  assert.deepEqual(problems.errors.map(formatProblem), ['NBSTART_AUTH_STATE_ID_OFFSET: expected an integer from 0 to 4294967294, got "1e5"; fix: set NBSTART_AUTH_STATE_ID_OFFSET to the numeric offset, e.g. 1000']);
});

test('the demo\'s identity file (scripts/demo-person.ts) is a canonical identity: the schema and nbstart take it, as ada with her groups', () => {
  assert.ok(schemaValid(DEMO_PERSON), JSON.stringify(schemaValid.errors));
  const { config, problems } = load('canonical', DEMO_PERSON);
  assert.deepEqual(problems.errors.map(formatProblem), []);
  assert.deepEqual(person(config), { ...DEMO_PERSON, groups: [...DEMO_PERSON.groups] });
});
