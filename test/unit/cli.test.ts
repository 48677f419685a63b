import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli } from '../../src/cli.ts';

// Without an option of nbstart's own, parseCli does not load yargs: these argvs take that path, and
// with `--log-level=info` in front the same argvs go through yargs. Both must read them alike.
const WITHOUT_OPTIONS: readonly (readonly string[])[] = [
  [], ['true'], ['bash'], ['jupyter', 'lab', '--ip=0.0.0.0'], ['start-notebook.py', '--IdentityProvider.token=x'],
  ['--', 'true'], ['--', '-x'], ['--', 'plan'], ['--'], ['--', '--', 'x'], ['jupyter', '--', 'foo'], ['a', '--', '--b'],
  ['plan'], ['plan', 'true'], ['plan', '--', 'ls', '-l'], ['check'], ['check', 'foo'], ['42', '007'], ['cmd', '--help'], ['', 'x'],
];

for (const argv of WITHOUT_OPTIONS) {
  test(`${JSON.stringify(argv)} reads the same without yargs as through it`, async () => {
    const fast = await parseCli(argv);
    const full = await parseCli(['--log-level=info', ...argv]);
    if (fast.kind === 'exit' || full.kind === 'exit') {
      assert.deepEqual([fast.kind, fast.kind === 'exit' && fast.code], [full.kind, full.kind === 'exit' && full.code]);
      return;
    }
    assert.deepEqual({ ...fast.cli, flags: {} }, { ...full.cli, flags: {} });
    assert.deepEqual(fast.cli.flags, { '--log-level': undefined, '--log-format': undefined });
    assert.equal(full.cli.flags['--log-level'], 'info');
  });
}

test('the command is everything after the first word that is not an option, untouched', async () => {
  const r = await parseCli(['jupyter', 'lab', '--ip=0.0.0.0', '--', '007']);
  assert.equal(r.kind, 'ok');
  if (r.kind === 'ok') assert.deepEqual(r.cli.command, ['jupyter', 'lab', '--ip=0.0.0.0', '--', '007']);
  const after = await parseCli(['--', 'plan', '--json']);
  assert.equal(after.kind, 'ok');
  if (after.kind === 'ok') assert.deepEqual([after.cli.action, after.cli.command], ['run', ['plan', '--json']]);
});

test('options still go through yargs: flags, --help, --version, unknown options, bad values', async () => {
  const r = await parseCli(['plan', '--log-format', 'json', '--config', '/x.ini', '--json', '--', 'id']);
  assert.equal(r.kind, 'ok');
  if (r.kind === 'ok') {
    assert.deepEqual(r.cli, { action: 'plan', config: '/x.ini', flags: { '--log-level': undefined, '--log-format': 'json' }, json: true, watch: false, command: ['id'] });
  }
  const help = await parseCli(['--help']);
  assert.equal(help.kind === 'exit' && help.code, 0);
  assert.match(help.kind === 'exit' ? help.out : '', /^Usage: nbstart/);
  const version = await parseCli(['--log-level=info', '--version']);
  assert.equal(version.kind === 'exit' && version.out, `nbstart 0.1.0 (node ${process.versions.node}, commit unknown)\n`);
  const bogus = await parseCli(['--bogus']);
  assert.equal(bogus.kind === 'exit' && bogus.code, 2);
  const bad = await parseCli(['--log-level', 'loud']);
  assert.match(bad.kind === 'exit' ? bad.err : '', /--log-level must be one of/);
});

test('a subcommand after an option with a value is still the subcommand', async () => {
  const r = await parseCli(['--log-level', 'debug', 'plan', '--json']);
  assert.equal(r.kind, 'ok');
  if (r.kind === 'ok') {
    assert.equal(r.cli.action, 'plan');
    assert.equal(r.cli.json, true);
    assert.equal(r.cli.flags['--log-level'], 'debug');
  }
  const c = await parseCli(['--config', '/x.ini', 'check']);
  assert.ok(c.kind === 'ok' && c.cli.action === 'check' && c.cli.config === '/x.ini');
});

test('--version and --version --json need no yargs and say the same as through it', async () => {
  const text = await parseCli(['--version']);
  assert.deepEqual(text, { kind: 'exit', code: 0, out: `nbstart 0.1.0 (node ${process.versions.node}, commit unknown)\n`, err: '' });
  for (const argv of [['--version', '--json'], ['--json', '--version'], ['--log-format=json', '--version', '--json']]) {
    const r = await parseCli(argv);
    assert.equal(r.kind, 'exit');
    if (r.kind === 'exit') assert.deepEqual(JSON.parse(r.out), { version: '0.1.0', node: process.versions.node, commit: 'unknown' }, JSON.stringify(argv));
  }
  const command = await parseCli(['echo', '--version']);
  assert.ok(command.kind === 'ok' && command.cli.command.join(' ') === 'echo --version', 'a command\'s own --version is left to it');
});
