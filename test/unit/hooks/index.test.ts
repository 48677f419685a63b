import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { HOOK_NAMES } from '../../../src/hooks/index.ts';
import { VERSION } from '../../../src/version.ts';
import { readFileSync } from 'node:fs';

test('[hooks] disable accepts exactly the built-in hooks of src/hooks/index.ts', () => {
  const all = loadConfig({ env: { NBSTART_DISABLE_HOOKS: HOOK_NAMES.join(',') }, flags: {}, strict: true, root: '/nonexistent' });
  assert.deepEqual(all.problems.errors, []);
  assert.deepEqual([...all.config.hooks.disable], [...HOOK_NAMES]);
  const bad = loadConfig({ env: { NBSTART_DISABLE_HOOKS: 'sudoo' }, flags: {}, strict: true, root: '/nonexistent' });
  assert.match(bad.problems.errors[0]!.message, /is not a built-in hook \(did you mean "sudo"\?\)/);
});

test('--version is package.json\'s version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
});
