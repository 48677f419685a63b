import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { formatProblem } from '../../../src/config/problems.ts';
import { testdir } from '../helpers.ts';

const INI = '[user]\nname = ini-user\nuid = 2000\nshell = /bin/zsh\n[log]\nlevel = debug\n';

test('precedence: defaults < ini < env < flags', () => {
  const root = testdir({ 'etc/nbstart/nbstart.ini': INI });
  const only = loadConfig({ env: {}, flags: {}, strict: false, root });
  assert.equal(only.config.user.name, 'ini-user');
  assert.equal(only.config.user.uid, 2000);
  assert.equal(only.config.log.level, 'debug');
  const env = loadConfig({ env: { NB_USER: 'env-user', NBSTART_LOG_LEVEL: 'warn' }, flags: {}, strict: false, root });
  assert.equal(env.config.user.name, 'env-user');
  assert.equal(env.config.user.uid, 2000);
  assert.equal(env.config.log.level, 'warn');
  const flag = loadConfig({ env: { NBSTART_LOG_LEVEL: 'warn' }, flags: { '--log-level': 'error' }, strict: false, root });
  assert.equal(flag.config.log.level, 'error');
  assert.equal(flag.config.origins.get('log.level'), '--log-level');
});

test('a missing default ini is fine; a missing explicit one is an error naming it', () => {
  const root = testdir({});
  assert.equal(loadConfig({ env: {}, flags: {}, strict: false, root }).problems.items.length, 0);
  const p = loadConfig({ env: { NBSTART_CONFIG: '/nope.ini' }, flags: {}, strict: false, root }).problems.errors[0]!;
  assert.equal(p.setting, 'NBSTART_CONFIG');
  const q = loadConfig({ configFlag: '/nope.ini', env: {}, flags: {}, strict: false, root }).problems.errors[0]!;
  assert.equal(q.setting, '--config');
});

test('unknown keys: warning at run time, error for check, with a close match', () => {
  const root = testdir({ 'etc/nbstart/nbstart.ini': '[user]\nnmae = x\n[exce]\ncommand = y\n' });
  const run = loadConfig({ env: {}, flags: {}, strict: false, root });
  assert.equal(run.problems.errors.length, 0);
  assert.equal(run.problems.items.length, 2);
  const check = loadConfig({ env: {}, flags: {}, strict: true, root });
  const lines = check.problems.errors.map(formatProblem);
  assert.match(lines[0]!, /^\[user\] nmae in \/etc\/nbstart\/nbstart.ini: is not a known key \(did you mean "name"\?\)/);
  assert.match(lines[1]!, /\[exce\].*did you mean "exec"/);
});

test('every bad value is reported at once, one line each, naming setting, value and fix', () => {
  const env = {
    NB_UID: '12ab', NB_GID: '4294967295', NB_USER: 'a:b', NB_GROUP: 'x\ny', GRANT_SUDO: 'maybe', NB_UMASK: '999',
    CHOWN_HOME_OPTS: '-R --from=0', CHOWN_EXTRA: 'relative/path', JUPYTER_ENV_VARS_TO_UNSET: 'OK,not-ok', NBSTART_LOG_FORMAT: 'xml',
  };
  const { problems } = loadConfig({ env, flags: {}, strict: false, root: testdir({}) });
  const lines = problems.errors.map(formatProblem);
  assert.equal(lines.length, 10);
  for (const l of lines) {
    assert.doesNotMatch(l, /\n/);
    assert.match(l, /; fix: /);
  }
  assert.ok(lines.includes('NB_UID: expected an integer from 0 to 4294967294, got "12ab"; fix: set NB_UID to the numeric user id, e.g. 1000'));
  assert.ok(lines.some((l) => l.startsWith('NB_GROUP: ') && l.includes('"x\\ny"')));
});

test('exec.command accepts words or a JSON array', () => {
  const root = testdir({ 'etc/nbstart/nbstart.ini': '[exec]\ncommand = ["jupyter", "lab", "--ServerApp.ip=0.0.0.0 x"]\n' });
  assert.deepEqual(loadConfig({ env: {}, flags: {}, strict: false, root }).config.exec.command, ['jupyter', 'lab', '--ServerApp.ip=0.0.0.0 x']);
  const root2 = testdir({ 'etc/nbstart/nbstart.ini': '[exec]\ncommand = start-notebook.py  --x\n' });
  assert.deepEqual(loadConfig({ env: {}, flags: {}, strict: false, root: root2 }).config.exec.command, ['start-notebook.py', '--x']);
});
