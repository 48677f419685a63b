// nbstart plan: what the planned ops leave for the next phase, and configuration problems in place
// of a plan. The whole plan against real systems is e2e (test/e2e/home.test.ts, hooks.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { afterPlans, planAll } from '../../../src/plan/dry-run.ts';
import type { Planned } from '../../../src/pipeline.ts';

const planned = (ops: Planned['plan']['ops']): Planned => ({ hook: { name: 'environment', phase: 'root', summary: 's' }, plan: { ops, notes: [] } });

test('afterPlans: set-env, unset-env and chdir in plan order; the input is not changed', () => {
  const env = { PATH: '/usr/bin', GONE: 'x', KEPT: 'k' };
  const out = afterPlans([
    planned([{ kind: 'set-env', name: 'A', value: '1', why: 'w' }, { kind: 'chdir', path: '/home/alice', why: 'w' }]),
    planned([{ kind: 'unset-env', name: 'GONE', why: 'w' }, { kind: 'set-env', name: 'A', value: '2', why: 'w' }, { kind: 'chdir', path: '/srv', why: 'w' }]),
  ], env, '/');
  assert.deepEqual(out, { env: { PATH: '/usr/bin', KEPT: 'k', A: '2' }, cwd: '/srv' });
  assert.deepEqual(env, { PATH: '/usr/bin', GONE: 'x', KEPT: 'k' });
  assert.deepEqual(afterPlans([], env, '/x'), { env, cwd: '/x' });
});

test('planAll: a configuration problem is the answer instead of a plan, one "error:" line naming the setting', async () => {
  const r = await planAll({
    load: (env) => loadConfig({ env: { ...env, NB_UID: 'abc' }, flags: {}, strict: true, root: '/nonexistent' }),
    command: () => ['true'], json: false,
  });
  // (This machine's /etc/passwd may lack the template user too: that is a second line.)
  assert.equal(r.errors[0]!.setting, 'NB_UID');
  assert.equal(r.text.split('\n').filter((l) => l !== '').length, r.errors.length);
  assert.match(r.text, /^error: NB_UID: expected an integer from 0 to 4294967294, got "abc"; fix: set NB_UID to the numeric user id/);
});
