import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { formatProblem } from '../../../src/config/problems.ts';
import { testdir } from '../helpers.ts';

const load = (env: Record<string, string>, ini?: string) =>
  loadConfig({ env, flags: {}, strict: true, root: testdir(ini === undefined ? {} : { 'etc/nbstart/nbstart.ini': ini }) });

test('metrics are off by default, with both formats under /var/log/nbstart', () => {
  assert.deepEqual(load({}).config.metrics, { cells: false, path: '/var/log/nbstart', formats: ['jsonl', 'prometheus'] });
});

test('[metrics] from the ini, overridden by the environment', () => {
  const r = load({ NBSTART_METRICS_FORMATS: 'jsonl' }, '[metrics]\ncells = yes\npath = /srv/metrics/\nformats = prometheus\n');
  assert.deepEqual(r.config.metrics, { cells: true, path: '/srv/metrics', formats: ['jsonl'] });
  assert.equal(r.problems.items.length, 0);
});

test('bad values name the setting', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ NBSTART_METRICS_CELLS: 'sometimes' }, /^NBSTART_METRICS_CELLS: expected yes\/no/],
    [{ NBSTART_METRICS_PATH: 'var/log' }, /^NBSTART_METRICS_PATH: the metrics directory must be an absolute path/],
    [{ NBSTART_METRICS_PATH: '/var/log/a b' }, /may contain only letters/],
    [{ NBSTART_METRICS_PATH: "/var/log/x');import os" }, /may contain only letters/],
    [{ NBSTART_METRICS_PATH: '/var/../etc' }, /must not contain "\." or "\.\." components/],
    [{ NBSTART_METRICS_PATH: '/tmp' }, /at least two levels deep/],
    [{ NBSTART_METRICS_FORMATS: 'jsonl,csv' }, /^NBSTART_METRICS_FORMATS: expected a comma-separated list of jsonl, prometheus/],
  ];
  for (const [env, re] of cases) {
    const r = load(env);
    assert.match(formatProblem(r.problems.errors[0]!), re, JSON.stringify(env));
  }
});
