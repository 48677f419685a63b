// Hostile [ssh.NAME] sections and host keys (config/ssh.ts, config/ssh-host-key.ts): every value
// ends up in /etc/ssh/ssh_known_hosts or ssh_config.d, so a newline or a second key must never get
// through, and each refusal is one line naming the section, key and value.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { parseHostKey } from '../../../src/config/ssh-host-key.ts';
import { knownHostsLines, sshConfigText } from '../../../src/hooks/ssh.ts';
import { fixture, testdir } from '../helpers.ts';
import { assertNoErrors, iniQuoted, assertRefused, INJECTIONS, prng, testSeed } from './corpus.ts';

const INI = '/etc/nbstart/nbstart.ini';
const ED = fixture('ssh/ssh_host_ed25519_key.pub').trim().split(' ').slice(0, 2).join(' ');
const [ED_TYPE, ED_B64] = ED.split(' ') as [string, string];
const load = (text: string) => loadConfig({ env: {}, flags: {}, strict: false, root: testdir({ 'etc/nbstart/nbstart.ini': text }) });
const section = (lines: string) => `[ssh.gitlab]\nhost_key = ${ED}\n${lines}\n`;

const VALUES: readonly { key: string; around: [string, string]; allows?: readonly string[] }[] = [
  { key: 'host', around: ['git', 'lab'] },
  { key: 'hostname', around: ['git.exa', 'mple.com'] },
  { key: 'port', around: ['2', '2'] },
  { key: 'user', around: ['g', 'it'] },
  { key: 'identity_file', around: ['/keys/{user}/id', '_ed25519'], allows: [':', ','] },
];

for (const v of VALUES) {
  test(`[ssh.gitlab] ${v.key}: every injection (JSON-quoted in the ini) is refused, and no server is configured`, () => {
    for (const [label, inj] of INJECTIONS) {
      if (v.allows?.includes(inj)) continue;
      const value = `${v.around[0]}${inj}${v.around[1]}`;
      const { config, problems } = load(section(`${v.key} = ${iniQuoted(value)}`));
      assert.doesNotThrow(() => assertRefused(problems, `[ssh.gitlab] ${v.key} in ${INI}`, value), label);
      assert.deepEqual(config.ssh, [], label);
    }
  });
}

test('the good values are accepted', () => {
  assertNoErrors(load(section(VALUES.map((v) => `${v.key} = ${v.around.join('')}`).join('\n'))).problems);
});

test('host keys: malformed, truncated, doubled, oversized and non-canonical keys are refused', () => {
  const bad = [
    ED_TYPE, `${ED_TYPE} `, `${ED_TYPE} ${ED_B64.slice(0, -4)}`, `${ED_TYPE} ${ED_B64}A`, `${ED_TYPE} ${ED_B64.slice(0, -1)}=`,
    `${ED_TYPE} ${ED_B64} ${ED_TYPE} ${ED_B64}`, `${ED_TYPE} ${ED_B64}${ED_B64}`, `gitlab.example.com ${ED}`, `ssh-dss ${ED_B64}`,
    `ssh-rsa ${ED_B64}`, `${ED_TYPE} ${'A'.repeat(4_000_000)}`, `${ED_TYPE} ${ED_B64.replace(/A/g, '\u0410')}`, `${ED_TYPE}\u00a0${ED_B64}`,
    `${ED_TYPE} ${ED_B64.slice(0, 20)}\0${ED_B64.slice(20)}`, `\u202e${ED}`, `${ED_TYPE}\x1b ${ED_B64}`,
  ];
  for (const key of bad) {
    const r = parseHostKey(key);
    assert.equal(r.ok, false, JSON.stringify(key.slice(0, 80)));
    const { config, problems } = load(`[ssh.gitlab]\nhost_key = ${iniQuoted(key)}\n`);
    assertRefused(problems, `[ssh.gitlab] host_key in ${INI}`, key);
    assert.deepEqual(config.ssh, []);
  }
});

test('an empty host_key is unset like every empty value: a section with nothing else configures nothing', () => {
  const { config, problems } = load('[ssh.gitlab]\nhost_key =\n');
  assertNoErrors(problems);
  assert.deepEqual(config.ssh, []);
  assertRefused(load('[ssh.gitlab]\nhost_key =\nport = 22\n').problems, `[ssh.gitlab] host_key in ${INI}`, '');
});

test('host keys: a comment after the key is dropped, whatever it holds; it is never written', () => {
  const { config, problems } = load(`[ssh.gitlab]\nhost_key = ${iniQuoted(`${ED} root@host \x1b[31m\u202e`)}\n`);
  assertNoErrors(problems);
  assert.deepEqual(config.ssh[0]!.hostKeys, [{ type: ED_TYPE, base64: ED_B64 }]);
  assert.equal(knownHostsLines(config.ssh).join('\n'), `# [ssh.gitlab]\ngitlab ${ED}`);
});

test('host_key[] lines: one bad line is named on its own; nothing is configured', () => {
  const { config, problems } = load(`[ssh.gitlab]\nhost_key[] = ${ED}\nhost_key[] = ${ED_TYPE} AAAA\n`);
  assertRefused(problems, `[ssh.gitlab] host_key in ${INI}`, `${ED_TYPE} AAAA`);
  assert.deepEqual(config.ssh, []);
});

test('ports: 1 and 65535 are accepted; 0, 65536 and number look-alikes are refused', () => {
  assertNoErrors(load(section('port = 1')).problems);
  assertNoErrors(load(section('port = 65535')).problems);
  for (const port of ['0', '65536', '-1', '22.0', '1e3', '0x16', '022222', '99999999999', 'ssh', '[]']) {
    assertRefused(load(section(`port = ${port}`)).problems, `[ssh.gitlab] port in ${INI}`, port);
  }
});

test('names that would be read as something else by ssh are refused', () => {
  for (const [key, value] of [['host', '*'], ['host', 'a,b'], ['host', 'git lab'], ['host', '!gitlab'], ['hostname', 'fe80::1%eth0'],
    ['hostname', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`], ['hostname', '-oProxyCommand=x'],
    ['user', '-oProxyCommand=x'], ['identity_file', '~/%d/key'], ['identity_file', '/keys/../etc/shadow'], ['identity_file', 'relative/key'],
    ['identity_file', '/keys/{uid}/key']] as const) {
    assertRefused(load(section(`${key} = ${value}`)).problems, `[ssh.gitlab] ${key} in ${INI}`, value);
  }
});

test('what is written for accepted sections has no line a value could have added', () => {
  const { config, problems } = load(section('host = gl\nhostname = git.example.com\nport = 2222\nuser = git\nidentity_file = /keys/{user}/id_ed25519'));
  assertNoErrors(problems);
  const known = knownHostsLines(config.ssh);
  assert.equal(known.length, 2);
  const text = sshConfigText(config.ssh, 'alice');
  assert.equal(text.split('\n').filter((l) => /^Host /.test(l)).length, 1);
});

test('random printable junk as each value: refused or accepted, never a throw, never a line break written (seeded)', () => {
  const seed = testSeed(7_2024);
  const rnd = prng(seed);
  const alphabet = ['a', 'Z', '0', '.', '-', '_', ' ', '*', '%', '{', '}', '/', '~', ':', ',', '"', '\\', '\n', '\u2028', '\x1b', '#', '!', '[', ']', '='];
  for (let i = 0; i < 500; i++) {
    const v = VALUES[Math.floor(rnd() * VALUES.length)]!;
    const value = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    try {
      const { config, problems } = load(section(`${v.key} = ${iniQuoted(value)}`));
      if (problems.errors.length > 0) {
        // values are trimmed before they are checked (JavaScript's trim takes U+2028 too)
        try {
          assertRefused(problems, `[ssh.gitlab] ${v.key} in ${INI}`, value);
        } catch {
          assertRefused(problems, `[ssh.gitlab] ${v.key} in ${INI}`, value.trim());
        }
        continue;
      }
      for (const line of [...knownHostsLines(config.ssh), ...sshConfigText(config.ssh, 'alice').split('\n')]) {
        assert.doesNotMatch(line, /[\r\u2028\u2029\0]/);
      }
      assert.equal(sshConfigText(config.ssh, 'alice').split('\n').filter((l) => /^Host /.test(l)).length, 1);
    } catch (err) {
      assert.fail(`seed ${seed} case ${i} (${v.key} = ${iniQuoted(value)}); NBSTART_TEST_SEED=${seed} replays it: ${(err as Error).message}`);
    }
  }
});
