import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStrictSection, repeatedKeys } from '../../../src/config/layers.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { settingsHelp } from '../../../src/cli.ts';
import { testdir } from '../helpers.ts';

test('repeatedKeys finds plain keys given twice in one section, as ini.decode reads lines', () => {
  const text = '[user]\nname = a\n; name = comment\nname = "b"\n[exec]\nname = c\ncommand[] = x\ncommand[] = y\n[user]\nname = d\n';
  assert.deepEqual(repeatedKeys(text), [{ section: 'user', key: 'name', values: ['a', 'b', 'd'] }]);
});

test('a repeated key is a warning at run time and an error for check, outside strict sections', () => {
  const root = testdir({ 'etc/nbstart/nbstart.ini': '[user]\nname = a\nname = b\n' });
  const run = loadConfig({ env: {}, flags: {}, strict: false, root });
  assert.equal(run.problems.errors.length, 0);
  assert.match(run.problems.items[0]!.message, /given 2 times and the ini format keeps only the last/);
  assert.equal(run.config.user.name, 'b');
  assert.equal(loadConfig({ env: {}, flags: {}, strict: true, root }).problems.errors.length, 1);
});

test('[ssh.*] sections are strict; others are not', () => {
  assert.equal(isStrictSection('ssh.gitlab'), true);
  assert.equal(isStrictSection('ssh'), true);
  assert.equal(isStrictSection('user'), false);
});

test('--help shows wildcard rows under their section pattern', () => {
  const help = settingsHelp();
  assert.match(help, /^ {2}\[ssh\.\*\] host_key\n/m);
  assert.match(help, /^ {2}\[user\] name, NB_USER\n/m);
});
