// The one ordered list of hooks (src/hooks/index.ts) and [hooks] disable.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { existsSync } from 'node:fs';
import { enabledHooks, HOOK_NAMES, ROOT_HOOKS, START_HOOKS, USER_HOOKS } from '../../../src/hooks/index.ts';

test('[hooks] disable accepts exactly the built-in hooks of src/hooks/index.ts', () => {
  const all = loadConfig({ env: { NBSTART_DISABLE_HOOKS: HOOK_NAMES.join(',') }, flags: {}, strict: true, root: '/nonexistent' });
  assert.deepEqual(all.problems.errors, []);
  assert.deepEqual([...all.config.hooks.disable], [...HOOK_NAMES]);
  const bad = loadConfig({ env: { NBSTART_DISABLE_HOOKS: 'sudoo' }, flags: {}, strict: true, root: '/nonexistent' });
  assert.match(bad.problems.errors[0]!.message, /is not a built-in hook \(did you mean "sudo"\?\)/);
});

test('the one ordered list: every hook is named like its file, in the list of its phase, in start-up order', () => {
  const lists = [[START_HOOKS, 'start'], [ROOT_HOOKS, 'root'], [USER_HOOKS, 'user']] as const;
  for (const [hooks, phase] of lists) {
    for (const h of hooks) {
      assert.equal(h.phase, phase, h.name);
      assert.match(h.name, /^[a-z]+(-[a-z]+)*$/);
      assert.ok(existsSync(new URL(`../../../src/hooks/${h.name}.ts`, import.meta.url)), `src/hooks/${h.name}.ts`);
      assert.notEqual(h.summary.trim(), '', h.name);
    }
  }
  assert.deepEqual(HOOK_NAMES, [
    'start-dirs', 'home', 'accounts', 'sudo', 'ssh', 'label', 'metrics', 'chown', 'nss-wrapper', 'non-root-hints', 'resources', 'environment', 'root-dirs', 'home-links', 'user-dirs',
  ]);
});

test('enabledHooks leaves out what [hooks] disable names, keeping the order', () => {
  const config = loadConfig({ env: { NBSTART_DISABLE_HOOKS: 'ssh, home' }, flags: {}, strict: true, root: '/nonexistent' }).config;
  assert.deepEqual(enabledHooks(ROOT_HOOKS, config).map((h) => h.name), ['accounts', 'sudo', 'label', 'metrics', 'chown', 'nss-wrapper', 'non-root-hints', 'resources', 'environment', 'root-dirs']);
  assert.deepEqual(enabledHooks(USER_HOOKS, config).map((h) => h.name), ['home-links', 'user-dirs']);
});
