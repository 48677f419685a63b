import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_HOOK_NAMES } from '../../../src/config/settings.ts';
import { HOOK_NAMES } from '../../../src/hooks/index.ts';
import { VERSION } from '../../../src/version.ts';
import { readFileSync } from 'node:fs';

test('the names [hooks] disable accepts are exactly the built-in hooks, in run order', () => {
  assert.deepEqual([...BUILTIN_HOOK_NAMES], [...HOOK_NAMES]);
});

test('--version is package.json\'s version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
});
