// validate(): every row of the settings table reaches its place in Config through its parser; an
// unset or invalid value leaves the row's typed default; optional settings stay absent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemList } from '../../../src/config/problems.ts';
import type { RawValue } from '../../../src/config/raw.ts';
import { SETTINGS, type Setting } from '../../../src/config/settings.ts';
import type { Config } from '../../../src/config/types.ts';
import { originOf, validate } from '../../../src/config/validate.ts';
import { HOOK_NAMES } from '../../../src/hooks/index.ts';
import { fixture } from '../helpers.ts';

const ENV = { hookNames: HOOK_NAMES };

function validated(values: Record<string, string>): { config: Config; problems: ProblemList } {
  const raw = new Map<string, RawValue>(Object.entries(values).map(([k, v]) => [k, { value: v, origin: `origin of ${k}` }]));
  const problems = new ProblemList();
  return { config: validate(raw, problems, ENV), problems };
}

/** One good raw value per parsed row, where it lands in Config, and what it becomes. */
const GOOD: readonly { key: string; raw: string; at: (c: Config) => unknown; want: unknown }[] = [
  { key: 'user.name', raw: 'alice', at: (c) => c.user.name, want: 'alice' },
  { key: 'user.uid', raw: '1010', at: (c) => c.user.uid, want: 1010 },
  { key: 'user.gid', raw: '1020', at: (c) => c.user.gid, want: 1020 },
  { key: 'user.group', raw: 'science', at: (c) => c.user.group, want: 'science' },
  { key: 'user.template', raw: 'ubuntu', at: (c) => c.user.template, want: 'ubuntu' },
  { key: 'user.shell', raw: '/bin/zsh', at: (c) => c.user.shell, want: '/bin/zsh' },
  { key: 'user.grant_sudo', raw: 'yes', at: (c) => c.user.grantSudo, want: true },
  { key: 'user.adopt', raw: 'admin,ops', at: (c) => c.user.adopt, want: ['admin', 'ops'] },
  { key: 'user.allow_root', raw: '1', at: (c) => c.user.allowRoot, want: true },
  { key: 'groups.list', raw: 'physics:3000', at: (c) => c.groups.wanted, want: [{ name: 'physics', gid: 3000 }] },
  { key: 'groups.allow_gids', raw: '42', at: (c) => c.groups.allowGids, want: [42] },
  { key: 'groups.keep', raw: 'staff', at: (c) => c.groups.keep, want: ['staff'] },
  { key: 'home.source', raw: '/mnt/home/{user}', at: (c) => c.home.source, want: '/mnt/home/{user}' },
  { key: 'home.links', raw: 'work,data', at: (c) => c.home.links, want: ['work', 'data'] },
  { key: 'home.copy_limit', raw: '10M', at: (c) => c.home.copyLimit, want: 10 * 1024 ** 2 },
  { key: 'home.jupyter_config', raw: 'conf/.jupyter', at: (c) => c.home.jupyterConfig, want: 'conf/.jupyter' },
  { key: 'home.bashrc', raw: 'conf/.bashrc', at: (c) => c.home.bashrc, want: 'conf/.bashrc' },
  { key: 'hooks.start_dirs', raw: '/a', at: (c) => c.hooks.startDirs, want: ['/a'] },
  { key: 'hooks.root_dirs', raw: '/b,/c', at: (c) => c.hooks.rootDirs, want: ['/b', '/c'] },
  { key: 'hooks.as_user', raw: 'x.sh', at: (c) => c.hooks.asUser, want: ['x.sh'] },
  { key: 'hooks.user_dirs', raw: '/d', at: (c) => c.hooks.userDirs, want: ['/d'] },
  { key: 'hooks.on_failure', raw: 'abort', at: (c) => c.hooks.onFailure, want: 'abort' },
  { key: 'hooks.timeout', raw: '5', at: (c) => c.hooks.timeoutMs, want: 5000 },
  { key: 'hooks.disable', raw: 'sudo', at: (c) => c.hooks.disable, want: ['sudo'] },
  { key: 'chown.home', raw: 'yes', at: (c) => c.chown.home, want: true },
  { key: 'chown.home_opts', raw: '-R', at: (c) => c.chown.homeOpts, want: { recursive: true } },
  { key: 'chown.extra', raw: '/opt/conda', at: (c) => c.chown.extra, want: ['/opt/conda'] },
  { key: 'chown.extra_opts', raw: '-R', at: (c) => c.chown.extraOpts, want: { recursive: true } },
  { key: 'exec.command', raw: 'jupyter lab', at: (c) => c.exec.command, want: ['jupyter', 'lab'] },
  { key: 'exec.umask', raw: '002', at: (c) => c.exec.umask, want: 2 },
  { key: 'exec.unset', raw: 'TOKEN', at: (c) => c.exec.unset, want: ['TOKEN'] },
  { key: 'label.text', raw: 'Course 101', at: (c) => c.label.text, want: 'Course 101' },
  { key: 'label.color', raw: 'navy', at: (c) => c.label.color, want: '#000080' },
  { key: 'metrics.cells', raw: 'yes', at: (c) => c.metrics.cells, want: true },
  { key: 'metrics.path', raw: '/srv/metrics/', at: (c) => c.metrics.path, want: '/srv/metrics' },
  { key: 'metrics.formats', raw: 'jsonl', at: (c) => c.metrics.formats, want: ['jsonl'] },
  { key: 'resources.threads', raw: '4', at: (c) => c.resources.threads, want: 4 },
  { key: 'resources.export_limits', raw: 'no', at: (c) => c.resources.exportLimits, want: false },
  { key: 'log.level', raw: 'debug', at: (c) => c.log.level, want: 'debug' },
  { key: 'log.format', raw: 'json', at: (c) => c.log.format, want: 'json' },
];

/** Rows that validate() does not put into Config itself (auth_state paths are read by load.ts). */
const NOT_IN_CONFIG = /^auth_state\./;

test('every parsed row of the table has its place in Config (this table covers them all)', () => {
  const parsed = (SETTINGS as readonly Setting[]).filter((s) => s.parse && !NOT_IN_CONFIG.test(s.key)).map((s) => s.key);
  assert.deepEqual(GOOD.map((g) => g.key).sort(), [...parsed].sort());
});

for (const g of GOOD) {
  test(`${g.key} = ${JSON.stringify(g.raw)} reaches Config as ${JSON.stringify(g.want)}; its origin is kept`, () => {
    const { config, problems } = validated({ [g.key]: g.raw });
    assert.deepEqual(problems.items, []);
    assert.deepEqual(g.at(config), g.want);
    assert.deepEqual([...config.origins], [[g.key, `origin of ${g.key}`]]);
  });
}

test('with nothing set every row has its typed default, and optional settings are absent', () => {
  const { config, problems } = validated({});
  assert.deepEqual(problems.items, []);
  for (const s of SETTINGS as readonly Setting[]) {
    const g = GOOD.find((x) => x.key === s.key);
    if (!g) continue;
    assert.deepEqual(g.at(config), s.value, s.key);
  }
  for (const k of ['name', 'uid', 'gid', 'group', 'shell'] as const) assert.ok(!(k in config.user), `user.${k} present`);
  assert.ok(!('source' in config.home));
  assert.ok(!('umask' in config.exec));
  assert.ok(!('text' in config.label));
  assert.deepEqual(config.ssh, []);
  assert.equal(config.origins.size, 0);
});

test('an invalid value is one problem naming its origin, and the row default stands', () => {
  const { config, problems } = validated({
    'user.uid': '12ab', 'hooks.timeout': 'soon', 'home.copy_limit': 'big', 'log.level': 'loud', 'label.color': 'not-a-colour',
    'exec.command': '[]', 'hooks.on_failure': 'stop', 'user.grant_sudo': 'maybe', 'exec.umask': '9',
  });
  assert.deepEqual(problems.errors.map((p) => p.setting).sort(), [
    'origin of exec.command', 'origin of exec.umask', 'origin of home.copy_limit', 'origin of hooks.on_failure', 'origin of hooks.timeout',
    'origin of label.color', 'origin of log.level', 'origin of user.grant_sudo', 'origin of user.uid',
  ]);
  assert.ok(!('uid' in config.user), 'no uid at all, not NaN or 0');
  assert.ok(!('umask' in config.exec));
  assert.equal(config.hooks.timeoutMs, 300_000);
  assert.equal(config.home.copyLimit, 1024 ** 3);
  assert.equal(config.log.level, 'info');
  assert.equal(config.label.color, '#f37726');
  assert.deepEqual(config.exec.command, ['bash']);
  assert.equal(config.hooks.onFailure, 'continue');
  assert.equal(config.user.grantSudo, false);
});

test('a list keeps its good items when some are bad', () => {
  const { config, problems } = validated({ 'chown.extra': '/ok,relative', 'hooks.disable': 'sudo,nope' });
  assert.deepEqual(config.chown.extra, ['/ok']);
  assert.deepEqual(config.hooks.disable, ['sudo']);
  assert.deepEqual(problems.errors.map((p) => p.value), ['relative', 'nope']);
});

test('[ssh.NAME] keys go to the section validator: one server, sorted by name', () => {
  const key = fixture('ssh/ssh_host_ed25519_key.pub').split(' ').slice(0, 2).join(' ');
  const { config, problems } = validated({ 'ssh.b.host_key': key, 'ssh.a.host_key': key, 'ssh.a.port': '2222' });
  assert.deepEqual(problems.errors, []);
  assert.deepEqual(config.ssh.map((s) => [s.name, s.port]), [['a', 2222], ['b', 22]]);
});

test('originOf: where a set setting came from, else the name it is given by', () => {
  const { config } = validated({ 'user.uid': '1010' });
  assert.equal(originOf(config, 'user.uid', 'NB_UID'), 'origin of user.uid');
  assert.equal(originOf(config, 'user.gid', 'NB_GID'), 'NB_GID');
});
