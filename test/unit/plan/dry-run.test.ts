// nbstart plan: configuration problems in place of a plan. What the planned ops leave for the next
// phase is pipeline.ts's afterOps (test/unit/pipeline.test.ts). The whole plan against real systems
// is e2e (test/e2e/home.test.ts, hooks.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { planAll } from '../../../src/plan/dry-run.ts';

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
