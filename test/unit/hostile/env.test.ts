// Hostile environment values: every setting read from the environment, with every injection placed
// inside an otherwise good value, plus number look-alikes and boundaries for the ids. Each is refused
// with one line naming the variable and the JSON-quoted value, or handled as documented.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { resolveIdentity } from '../../../src/identity/resolve.ts';
import { parseDb } from '../../../src/system/colon-db.ts';
import { fixture, testdir } from '../helpers.ts';
import { assertNoErrors, assertRefused, INJECTIONS, NOT_IDS } from './corpus.ts';

const ROOT = testdir({});
const load = (env: Record<string, string>) => loadConfig({ env, flags: {}, strict: false, root: ROOT });

/** A variable and a good value around which the injection goes; `allows` are injections that are fine there. */
const VARIABLES: readonly { name: string; around: [string, string]; allows?: readonly string[]; also?: Record<string, string> }[] = [
  { name: 'NB_USER', around: ['al', 'ice'] },
  { name: 'NB_GROUP', around: ['sci', 'ence'] },
  { name: 'NBSTART_TEMPLATE_USER', around: ['jov', 'yan'] },
  { name: 'NB_UID', around: ['10', '10'] },
  { name: 'NB_GID', around: ['10', '10'] },
  { name: 'GRANT_SUDO', around: ['ye', 's'] },
  { name: 'NBSTART_ALLOW_ROOT', around: ['n', 'o'] },
  { name: 'CHOWN_HOME', around: ['ye', 's'] },
  { name: 'CHOWN_HOME_OPTS', around: ['-', 'R'] },
  { name: 'CHOWN_EXTRA_OPTS', around: ['-', 'R'] },
  { name: 'NBSTART_GROUPS', around: ['phy', 'sics:3000'], allows: [','] },
  { name: 'CHOWN_EXTRA', around: ['/srv/da', 'ta'], allows: [':', ','] },
  { name: 'NBSTART_HOME_SOURCE', around: ['/mnt/home/', '{user}'], allows: [':', ','] },
  { name: 'NBSTART_HOME_LINKS', around: ['wo', 'rk'], allows: [':', ','] },
  { name: 'NBSTART_START_DIRS', around: ['/usr/local/bin/start', '.d'], allows: [':', ','] },
  { name: 'NBSTART_ROOT_DIRS', around: ['/usr/local/bin/before', '.d'], allows: [':', ','] },
  { name: 'NBSTART_USER_DIRS', around: ['/opt/user', '.d'], allows: [':', ','] },
  { name: 'NBSTART_HOOKS_ON_FAILURE', around: ['ab', 'ort'] },
  { name: 'NBSTART_HOOKS_TIMEOUT', around: ['3', '00'] },
  { name: 'NBSTART_DISABLE_HOOKS', around: ['ho', 'me'], allows: [','] },
  { name: 'NB_UMASK', around: ['0', '22'] },
  { name: 'JUPYTER_ENV_VARS_TO_UNSET', around: ['SEC', 'RET'], allows: [','] },
  { name: 'NBSTART_LOG_LEVEL', around: ['in', 'fo'] },
  { name: 'NBSTART_LOG_FORMAT', around: ['js', 'on'] },
  { name: 'NBSTART_AUTH_STATE_PRESET', around: ['canon', 'ical'], also: { NBSTART_AUTH_STATE: '{"name":"alice","uid":1010}' } },
  // The label is display text, escaped into CSS: it refuses controls and bidi overrides only.
  { name: 'NBSTART_LABEL', around: ['Course', ' 101'], allows: [':', ',', '\u2028', '\u2029', '\u200b', '\ufeff', '\u{E0041}'] },
  { name: 'NBSTART_LABEL_COLOR', around: ['#15', '65c0'] },
  { name: 'NBSTART_METRICS_CELLS', around: ['ye', 's'] },
  { name: 'NBSTART_METRICS_PATH', around: ['/var/log/nb', 'start'] },
  { name: 'NBSTART_METRICS_FORMATS', around: ['js', 'onl'], allows: [','] },
];

for (const v of VARIABLES) {
  test(`${v.name}: every injection inside the value is refused in one line naming it`, () => {
    for (const [label, inj] of INJECTIONS) {
      if (v.allows?.includes(inj)) continue;
      const value = `${v.around[0]}${inj}${v.around[1]}`;
      const { problems } = load({ ...v.also, [v.name]: value });
      assert.doesNotThrow(() => assertRefused(problems, v.name, value), `${v.name} with ${label}`);
    }
  });
}

test('what a variable allows is accepted as it is', () => {
  for (const v of VARIABLES) {
    for (const inj of v.allows ?? []) {
      if (inj === ',') continue; // a list separator: two items, each checked on its own
      const value = `${v.around[0]}${inj}${v.around[1]}`;
      const { problems } = load({ ...v.also, [v.name]: value });
      assert.doesNotThrow(() => assertNoErrors(problems), `${v.name} with ${JSON.stringify(inj)}`);
    }
  }
});

test('the good values those injections went into are accepted (so the refusals are about the injection)', () => {
  const env = Object.fromEntries(VARIABLES.map((v) => [v.name, v.around.join('')]));
  const { problems } = load({ ...env, NBSTART_AUTH_STATE: '{"name":"alice","uid":1010}' });
  assertNoErrors(problems);
});

for (const name of ['NB_UID', 'NB_GID']) {
  test(`${name}: number look-alikes are refused, naming the value`, () => {
    for (const value of NOT_IDS) {
      const line = assertRefused(load({ [name]: value }).problems, name, value);
      assert.match(line, /expected an integer from 0 to 4294967294/);
    }
  });
}

test('ids: boundaries and what is handled rather than refused', () => {
  const id = (value: string) => {
    const { config, problems } = load({ NB_UID: value });
    assertNoErrors(problems);
    return config.user.uid;
  };
  assert.equal(id('0'), 0);
  assert.equal(id('4294967294'), 4294967294);
  assert.equal(id(' 1010 '), 1010); // surrounding white space, as a YAML block scalar leaves it
  assert.equal(id('1010\n'), 1010);
  assert.equal(id('010'), 10); // decimal, as usermod reads it (not octal)
  assert.equal(id(''), undefined); // empty is unset, as start.sh treats it
});

test('NB_UID=0 for a user other than root is refused at resolve, naming NB_UID', () => {
  const { config, problems } = load({ NB_USER: 'alice', NB_UID: '0' });
  const passwd = parseDb('passwd', fixture('docker-stacks-foundation/passwd'));
  const group = parseDb('group', fixture('docker-stacks-foundation/group'));
  const id = resolveIdentity({ config, passwd, group, wanted: [], keep: [] }, problems);
  assert.equal(id, undefined);
  assert.match(assertRefused(problems, 'NB_UID', '0'), /would give "alice" root's uid/);
});

test('very long values are refused, and the message shows the first 200 characters and the length', () => {
  const value = 'a'.repeat(1_000_000);
  const line = assertRefused(load({ NB_USER: value }).problems, 'NB_USER', value);
  assert.ok(line.length < 700, `line is ${line.length} characters`);
  assert.match(line, /…\(1000000 chars\)"/);
});

test('user names: lengths at the limit are accepted; names that read as something else are refused', () => {
  assertNoErrors(load({ NB_USER: 'a'.repeat(256) }).problems);
  assertRefused(load({ NB_USER: 'a'.repeat(257) }).problems, 'NB_USER', 'a'.repeat(257));
  for (const value of ['-rf', '+nis', '.', '..', '1010', '', ' ', 'a b', 'a/b', 'a\\b', '\u00a0alice', 'alice\u3000']) {
    if (value === '') continue; // empty is unset
    assertRefused(load({ NB_USER: value }).problems, 'NB_USER', value);
  }
  // Letters beyond ASCII are names people have; they are written as UTF-8.
  assertNoErrors(load({ NB_USER: 'józef' }).problems);
});

test('every bad variable at once: all reported, one line each', () => {
  const env = Object.fromEntries(VARIABLES.map((v) => [v.name, `${v.around[0]}\u2028${v.around[1]}`]));
  const { problems } = load({ ...env, NBSTART_AUTH_STATE: '{"name":"alice","uid":1010}' });
  for (const v of VARIABLES) if (!v.allows?.includes('\u2028')) assertRefused(problems, v.name, env[v.name]!);
});
