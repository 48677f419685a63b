// `nbstart plan --watch`: what a plan depends on that can change on disk (the watching itself: test/e2e/hooks.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchedPaths } from '../../src/watch.ts';
import { configFrom } from './helpers.ts';

test('the ini, every hook directory in run order, and the auth_state file when one is named', () => {
  const config = configFrom({ NBSTART_START_DIRS: '/s1,/s2', NBSTART_ROOT_DIRS: '/r', NBSTART_USER_DIRS: '/u' });
  assert.deepEqual(watchedPaths(config, {}, '/etc/nbstart/nbstart.ini'), ['/etc/nbstart/nbstart.ini', '/s1', '/s2', '/r', '/u']);
  assert.deepEqual(watchedPaths(config, { NBSTART_AUTH_STATE_FILE: '/run/secrets/auth_state.json' }, '/conf.ini'), ['/conf.ini', '/s1', '/s2', '/r', '/u', '/run/secrets/auth_state.json']);
  assert.deepEqual(watchedPaths(configFrom({}), { NBSTART_AUTH_STATE_FILE: '' }, '/i'), ['/i', '/usr/local/bin/start-notebook.d', '/usr/local/bin/before-notebook.d']);
});
