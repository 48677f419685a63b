import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { formatProblem } from '../../../src/config/problems.ts';
import { parseThreads } from '../../../src/config/resources.ts';
import { testdir } from '../helpers.ts';

const load = (env: Record<string, string>, ini?: string) =>
  loadConfig({ env, flags: {}, strict: true, root: testdir(ini === undefined ? {} : { 'etc/nbstart/nbstart.ini': ini }) });

test('by default the thread caps follow the CPU limit and the limits are exported', () => {
  assert.deepEqual(load({}).config.resources, { threads: 'auto', exportLimits: true });
});

test('[resources] from the ini, overridden by NBSTART_THREADS and NBSTART_EXPORT_LIMITS', () => {
  const ini = load({}, '[resources]\nthreads = 4\nexport_limits = no\n');
  assert.deepEqual(ini.config.resources, { threads: 4, exportLimits: false });
  assert.equal(ini.config.origins.get('resources.threads'), '[resources] threads in /etc/nbstart/nbstart.ini');
  const env = load({ NBSTART_THREADS: 'no', NBSTART_EXPORT_LIMITS: 'yes' }, '[resources]\nthreads = 4\nexport_limits = no\n');
  assert.deepEqual(env.config.resources, { threads: 'no', exportLimits: true });
  assert.equal(env.config.origins.get('resources.threads'), 'NBSTART_THREADS');
  assert.equal(env.problems.items.length, 0);
});

test('threads: auto, no or 1..4096, any case, spaces around', () => {
  assert.deepEqual(['auto', ' AUTO ', 'no', 'No', '1', '16', '4096'].map(parseThreads), ['auto', 'auto', 'no', 'no', 1, 16, 4096]);
  for (const bad of ['0', '4097', '-1', '1.5', 'yes', 'all', '2 threads', '']) assert.equal(parseThreads(bad), undefined, bad);
});

test('bad values are errors naming the setting, the value and the fix', () => {
  const cases: [Record<string, string>, string | undefined, RegExp][] = [
    [{ NBSTART_THREADS: '0' }, undefined, /^NBSTART_THREADS: expected auto, no, or a whole number from 1 to 4096, got "0"; fix: set NBSTART_THREADS to auto/],
    [{ NBSTART_THREADS: 'max' }, undefined, /^NBSTART_THREADS: expected auto, no, or a whole number/],
    [{ NBSTART_EXPORT_LIMITS: 'maybe' }, undefined, /^NBSTART_EXPORT_LIMITS: expected yes\/no/],
    [{}, '[resources]\nthreads = 1.5\n', /^\[resources\] threads in \/etc\/nbstart\/nbstart\.ini: expected auto, no, or a whole number/],
    [{}, '[resources]\nthread = 2\n', /is not a known key \(did you mean "threads"\?\)/],
  ];
  for (const [env, ini, re] of cases) {
    const r = load(env, ini);
    assert.equal(r.problems.errors.length, 1, JSON.stringify(r.problems.items));
    assert.match(formatProblem(r.problems.errors[0]!), re, JSON.stringify(env));
  }
});
