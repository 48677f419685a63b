// What --version shows: the version (kept in step with package.json; moved here from
// test/unit/hooks/index.test.ts), the Node.js it runs on and the build's commit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VERSION, versionInfo, versionText } from '../../src/version.ts';

test('--version is package.json\'s version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
});

test('versionInfo from source: this Node.js, and no commit (the build writes one into the bundle)', () => {
  assert.deepEqual(versionInfo(), { version: VERSION, node: process.versions.node, commit: 'unknown' });
});

test('versionText: one line with the commit cut to 12 characters (a dirty tree says so), or one JSON object', () => {
  const info = { version: '1.2.3', node: '26.10.0', commit: '0123456789abcdef0123' };
  assert.equal(versionText(info, false), 'nbstart 1.2.3 (node 26.10.0, commit 0123456789ab)\n');
  assert.equal(versionText({ ...info, commit: '0123456789abcdef0123-dirty' }, false), 'nbstart 1.2.3 (node 26.10.0, commit 0123456789ab-dirty)\n');
  assert.equal(versionText({ ...info, commit: 'unknown' }, false), 'nbstart 1.2.3 (node 26.10.0, commit unknown)\n');
  assert.deepEqual(JSON.parse(versionText(info, true)), info);
  assert.ok(versionText(info, true).endsWith('}\n'));
});
