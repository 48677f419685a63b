import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { logFunctions } from '../../../src/scripts/log-functions.ts';

/** Runs `script` in bash after the log functions for `format`; its status and stderr. */
// stdin is not a socket: Debian's bash would read ~/.bashrc, taking itself for a shell run by sshd.
function bash(format: 'docker-stacks' | 'pretty' | 'json', script: string, env: Record<string, string> = {}): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync('bash', ['-c', `${logFunctions(format)}\n${script}`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

const STAMP = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}';

test('scripts find start.sh\'s _log functions: levels, INFO by default, on stderr', () => {
  const r = bash('docker-stacks', '_log "no level here"; _log_info a b; _log_warn w; _log_error e; _log DEBUG d; echo out');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'out\n');
  const lines = r.stderr.trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => l.replace(new RegExp(`\\[${STAMP}\\]`), '[T]')), ['INFO[T] no level here', 'INFO[T] a b', 'WARNING[T] w', 'ERROR[T] e', 'DEBUG[T] d']);
});

test('_log_fatal logs FATAL and exits the shell with 1', () => {
  const r = bash('docker-stacks', '_log_fatal gone; echo not-reached');
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`^FATAL\\[${STAMP}\\] gone\\n$`));
  assert.equal(r.stdout, '');
});

test('JUPYTER_DOCKER_STACKS_QUIET hides INFO and DEBUG, not warnings; a multi-line message cannot fake a WARNING line', () => {
  const r = bash('docker-stacks', '_log_info hidden; _log DEBUG hidden; _log_warn shown; _log_info $\'x\\nWARNING y\'', { JUPYTER_DOCKER_STACKS_QUIET: '1' });
  assert.match(r.stderr, new RegExp(`^WARNING\\[${STAMP}\\] shown\\n$`));
  const loud = bash('docker-stacks', '_log_info $\'x\\nWARNING y\\rERROR z\'');
  assert.deepEqual(loud.stderr.split(/[\r\n]/).filter((l) => /^(WARNING|ERROR)/.test(l)), []);
});

test('in the json format each line is one pino-like object', () => {
  const r = bash('json', '_log_warn \'say "hi" \\ there\'; _log_error $\'two\\nlines\\ttab\'');
  const [a, b] = r.stderr.trimEnd().split('\n').map((l) => JSON.parse(l) as { level: number; time: number; msg: string; name: string });
  assert.deepEqual([a!.level, a!.msg, a!.name], [40, 'say "hi" \\ there', 'nbstart']);
  assert.deepEqual([b!.level, b!.msg], [50, 'two\nlines\ttab']);
  assert.ok(Math.abs(a!.time - Date.now()) < 60_000);
});

test('a script that brings its own _log keeps it', () => {
  const own = bash('docker-stacks', '_log_info x', { 'BASH_FUNC__log%%': '() { echo "own $*" >&2; }' });
  assert.equal(own.stderr, 'own INFO x\n');
});
