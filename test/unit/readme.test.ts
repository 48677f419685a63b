import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { settingsMarkdown } from '../../scripts/settings-table.ts';

test('the README holds the settings table generated from src/config/settings.ts (node scripts/settings-table.ts)', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(settingsMarkdown()), 'README.md settings table is out of date: paste the output of `node scripts/settings-table.ts`');
});
