// Hostile ini files (/etc/nbstart/nbstart.ini through the ini package and layers.ts): injections in
// values, raw and JSON-quoted; lines the ini reader would drop silently; duplicate and prototype
// keys; arrays where one value is expected; huge and binary files. Each is refused in one line naming
// the section, key (or line) and value, or handled as documented.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { loadConfig } from '../../../src/config/load.ts';
import { testdir } from '../helpers.ts';
import { assertNoErrors, iniQuoted, assertOneLine, assertRefused, INJECTIONS, NOT_IDS, prng, testSeed } from './corpus.ts';

const INI = '/etc/nbstart/nbstart.ini';
const load = (text: string, strict = false, env: Record<string, string> = {}) =>
  loadConfig({ env, flags: {}, strict, root: testdir({ 'etc/nbstart/nbstart.ini': text }) });

/** Keys whose values are checked, with a good value around the injection and injections that are fine there. */
const KEYS: readonly { section: string; key: string; around: [string, string]; allows?: readonly string[] }[] = [
  { section: 'user', key: 'name', around: ['al', 'ice'] },
  { section: 'user', key: 'uid', around: ['10', '10'] },
  { section: 'user', key: 'gid', around: ['10', '10'] },
  { section: 'user', key: 'group', around: ['sci', 'ence'] },
  { section: 'user', key: 'template', around: ['jov', 'yan'] },
  { section: 'user', key: 'shell', around: ['/bin/ba', 'sh'], allows: [','] },
  { section: 'user', key: 'grant_sudo', around: ['ye', 's'] },
  { section: 'user', key: 'allow_root', around: ['n', 'o'] },
  { section: 'groups', key: 'list', around: ['phy', 'sics:3000'], allows: [','] },
  { section: 'chown', key: 'home', around: ['ye', 's'] },
  { section: 'chown', key: 'home_opts', around: ['-', 'R'] },
  { section: 'chown', key: 'extra', around: ['/srv/da', 'ta'], allows: [':', ','] },
  { section: 'home', key: 'source', around: ['/mnt/home/', '{user}'], allows: [':', ','] },
  { section: 'home', key: 'links', around: ['wo', 'rk'], allows: [':', ','] },
  { section: 'home', key: 'jupyter_config', around: ['jupyter/.jup', 'yter'], allows: [':', ','] },
  { section: 'home', key: 'bashrc', around: ['jupyter/.bash', 'rc'], allows: [':', ','] },
  { section: 'hooks', key: 'root_dirs', around: ['/usr/local/bin/before', '.d'], allows: [':', ','] },
  { section: 'hooks', key: 'timeout', around: ['3', '00'] },
  { section: 'hooks', key: 'disable', around: ['ho', 'me'], allows: [','] },
  { section: 'exec', key: 'umask', around: ['0', '22'] },
  { section: 'exec', key: 'unset', around: ['SEC', 'RET'], allows: [','] },
  { section: 'log', key: 'level', around: ['in', 'fo'] },
];

// A raw newline or CR ends the ini line (the rest is another line), so they are tested JSON-quoted.
// A lone surrogate cannot be stored in a UTF-8 file at all (it is written as U+FFFD, tested below).
const RAW = INJECTIONS.filter(([, inj]) => inj !== '\n' && inj !== '\r' && inj !== '\ud800');

for (const k of KEYS) {
  test(`[${k.section}] ${k.key}: every injection, raw or JSON-quoted, is refused in one line`, () => {
    for (const [label, inj] of RAW) {
      if (k.allows?.includes(inj)) continue;
      const value = `${k.around[0]}${inj}${k.around[1]}`;
      const { problems } = load(`[${k.section}]\n${k.key} = ${value}\n`);
      // U+2028/U+2029 make the ini reader drop the whole line: refused as that line.
      const setting = /[\u2028\u2029]/.test(inj) ? `${INI} line 2` : `[${k.section}] ${k.key} in ${INI}`;
      const shown = /[\u2028\u2029]/.test(inj) ? `${k.key} = ${value}` : value;
      assert.doesNotThrow(() => assertRefused(problems, setting, shown), `raw ${label}`);
    }
    for (const [label, inj] of INJECTIONS) {
      if (k.allows?.includes(inj)) continue;
      const value = `${k.around[0]}${inj}${k.around[1]}`;
      const { problems } = load(`[${k.section}]\n${k.key} = ${iniQuoted(value)}\n`);
      assert.doesNotThrow(() => assertRefused(problems, `[${k.section}] ${k.key} in ${INI}`, value), `quoted ${label}`);
    }
  });
}

test('the good values are accepted, so the refusals above are about the injection', () => {
  const bySection = new Map<string, string[]>();
  for (const k of KEYS) bySection.set(k.section, [...(bySection.get(k.section) ?? []), `${k.key} = ${k.around.join('')}`]);
  const text = [...bySection].map(([s, lines]) => `[${s}]\n${lines.join('\n')}\n`).join('');
  assertNoErrors(load(text, true).problems);
});

test('ids in the ini: number look-alikes are refused naming [user] uid', () => {
  for (const value of NOT_IDS) {
    const { problems } = load(`[user]\nuid = ${value}\n`);
    // `null`, `true` and `[]` are read by the ini package as such; their text is what is shown.
    assertRefused(problems, `[user] uid in ${INI}`, value);
  }
  assert.equal(load('[user]\nuid = "1010"\n').config.user.uid, 1010);
  assert.equal(load('[user]\nuid = 4294967294\n').config.user.uid, 4294967294);
});

test('a raw newline ends the value: the rest is a line of its own, reported as an unknown key', () => {
  const { config, problems } = load('[user]\nname = al\nice\n');
  assertOneLine(problems.items);
  assert.equal(config.user.name, 'al');
  assert.match(problems.items.map((p) => p.setting).join('|'), /\[user\] ice in /);
});

test('lines the ini reader would drop silently are errors naming the line', () => {
  for (const line of ['= alice', '=', 'name = al\u2028ice', 'name = alice\u2029', 'uid = \u20281010']) {
    assertRefused(load(`[user]\n${line}\n`).problems, `${INI} line 2`, line);
  }
  // Before the "=" a separator is white space to the ini reader, trimmed from the key like a space.
  assert.equal(load('[user]\nname\u2029 = alice\n').config.user.name, 'alice');
});

test('bytes that are not UTF-8 are not written as a name: U+FFFD stands for them and is refused', () => {
  const text = Buffer.concat([Buffer.from('[user]\nname = j'), Buffer.from([0xf6]), Buffer.from('rg\n')]);
  const root = testdir({});
  fs.mkdirSync(`${root}/etc/nbstart`, { recursive: true });
  fs.writeFileSync(`${root}/etc/nbstart/nbstart.ini`, text);
  const { problems } = loadConfig({ env: {}, flags: {}, strict: false, root });
  assertRefused(problems, `[user] name in ${INI}`, 'j\ufffdrg');
});

test('duplicate keys and sections: reported once each, one line; the ini keeps the last', () => {
  const text = '[user]\nname = alice\nname = mallory\n[log]\nlevel = info\n[user]\nname = eve\n';
  const run = load(text);
  assertOneLine(run.problems.items);
  assert.equal(run.problems.errors.length, 0);
  assert.match(run.problems.items[0]!.message, /is given 3 times/);
  assert.equal(run.config.user.name, 'eve');
  assertRefused(load(text, true).problems, `[user] name in ${INI}`, 'alice');
});

test('__proto__ and Object.prototype names: ignored or unknown keys, and nothing is polluted', () => {
  const text = '[__proto__]\nname = root\nuid = 0\n[user]\n__proto__ = x\nconstructor = y\ntoString = z\nhasOwnProperty = w\nname = alice\n[constructor]\nname = q\n';
  const { config, problems } = load(text);
  assertOneLine(problems.items);
  assert.equal(problems.errors.length, 0);
  assert.equal(config.user.name, 'alice');
  assert.equal(config.user.uid, undefined);
  assert.equal(({} as Record<string, unknown>)['name'], undefined);
  assert.equal(({} as Record<string, unknown>)['uid'], undefined);
  assert.deepEqual(problems.items.map((p) => p.setting).sort(), [`[constructor] in ${INI}`, `[user] constructor in ${INI}`, `[user] hasOwnProperty in ${INI}`, `[user] toString in ${INI}`]);
});

test('an array where one value is expected is refused, its lines shown escaped', () => {
  assertRefused(load('[user]\nuid[] = 1010\nuid[] = 0\n').problems, `[user] uid in ${INI}`, '1010\n0');
  assertRefused(load('[user]\nname[] = alice\nname[] = root\n').problems, `[user] name in ${INI}`, 'alice\nroot');
});

test('odd section and key names: unknown, one line, visible', () => {
  for (const text of ['[us\u2028er]\nuid = 1\n', '[user]\nna\x1bme = x\n', '[user.name]\nx = 1\n', 'name = alice\n', '[user\nname = alice\n', '["user\\u0000"]\nname = x\n', '[\u202euser]\nname = x\n']) {
    const { problems } = load(text, true);
    assertOneLine(problems.items);
    assert.ok(problems.errors.length >= 1, JSON.stringify(text));
  }
});

test('[ssh.NAME] sections whose NAME is not one word are refused, even when host is given', () => {
  const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnuV9gplyEGyJBAsZHrX6W6kTuXGa6bNz6Vw9ExWu2i';
  const name = 'x\n* ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnuV9gplyEGyJBAsZHrX6W6kTuXGa6bNz6Vw9ExWu2i ';
  const { config, problems } = load(`[${JSON.stringify(`ssh.${name}`)}]\nhost = gitlab\nhost_key = ${key}\n`);
  assertRefused(problems, `[ssh.${name}] in ${INI}`, name);
  assert.deepEqual(config.ssh, []);
});

test('CRLF line ends and a byte-order mark are read like a plain file', () => {
  const { config, problems } = load('\ufeff[user]\r\nname = alice\r\nuid = 1010\r\n');
  assertNoErrors(problems);
  assert.equal(problems.items.length, 0);
  assert.equal(config.user.name, 'alice');
  assert.equal(config.user.uid, 1010);
});

test('huge files: a 1 MB line is refused briefly; 100,000 comment lines are fine', () => {
  const long = 'a'.repeat(1_000_000);
  const line = assertRefused(load(`[user]\nname = ${long}\n`).problems, `[user] name in ${INI}`, long);
  assert.ok(line.length < 700);
  const started = Date.now();
  const { config, problems } = load(`${'; comment\n'.repeat(100_000)}[user]\nname = alice\n`);
  assertNoErrors(problems);
  assert.equal(config.user.name, 'alice');
  assert.ok(Date.now() - started < 5000);
});

test('random bytes as an ini file: never a throw, every problem one line (seeded)', () => {
  const seed = testSeed(20240601);
  const rnd = prng(seed);
  for (let i = 0; i < 300; i++) {
    const bytes = Buffer.alloc(Math.floor(rnd() * 400), 0);
    for (let j = 0; j < bytes.length; j++) {
      // bias towards the characters the grammar cares about
      const r = rnd();
      bytes[j] = r < 0.1 ? 0x0a : r < 0.15 ? 0x5b : r < 0.2 ? 0x5d : r < 0.25 ? 0x3d : r < 0.3 ? 0x2e : Math.floor(rnd() * 256);
    }
    try {
      const { problems } = load(bytes.toString('utf8'), rnd() < 0.5);
      assertOneLine(problems.items);
    } catch (err) {
      assert.fail(`seed ${seed}, case ${i} (NBSTART_TEST_SEED=${seed} replays it): ${(err as Error).message}`);
    }
  }
});
