import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';

const GUARD = path.resolve(import.meta.dirname, '../../src/snapshot-guard.ts');

/** Bundles `body` after the guard (as src/snapshot.ts does) and builds a V8 start-up snapshot of it. */
async function buildSnapshot(body: string): Promise<{ status: number | null; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-snapshot-guard-'));
  try {
    fs.writeFileSync(path.join(dir, 'reader.ts'), body);
    // A stand-in for pino's thread-stream, whose module code reads NODE_V8_COVERAGE.
    fs.mkdirSync(path.join(dir, 'node_modules/thread-stream'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/thread-stream/index.js'), 'module.exports = { coverage: process.env.NODE_V8_COVERAGE };\n');
    fs.writeFileSync(path.join(dir, 'entry.ts'), [
      `import ${JSON.stringify(GUARD)};`,
      `import './reader.ts';`,
      `import { releaseSnapshotGuard } from ${JSON.stringify(GUARD)};`,
      `import { startupSnapshot } from 'node:v8';`,
      'releaseSnapshotGuard();',
      // Whole again: these would throw if the guard were still on.
      'if (typeof process.cwd() !== "string" || process.argv.length === 0 || process.env.PATH === undefined) throw new Error("not restored");',
      'startupSnapshot.setDeserializeMainFunction(() => {});',
    ].join('\n'));
    await build({ entryPoints: [path.join(dir, 'entry.ts')], outfile: path.join(dir, 'entry.cjs'), bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
    const r = spawnSync(process.execPath, ['--snapshot-blob', path.join(dir, 'snap.blob'), '--build-snapshot', path.join(dir, 'entry.cjs')], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('module code that reads the environment, argv or the uid fails the snapshot build, naming the read', async () => {
  const cases: readonly (readonly [string, string])[] = [
    ['export const home = process.env.HOME;', 'process.env.HOME'], ['export const a = process.argv.length;', 'process.argv'],
    ['export const u = process.geteuid!();', 'process.geteuid'],
    // Allowed for thread-stream only, not for anyone else.
    ['export const c = process.env.NODE_V8_COVERAGE;', 'process.env.NODE_V8_COVERAGE'],
  ];
  for (const [code, read] of cases) {
    const r = await buildSnapshot(code);
    assert.notEqual(r.status, 0, code);
    assert.match(r.stderr, new RegExp(`${read.replace('.', '\\.')} was read while building the start-up snapshot`), code);
  }
});

test('reads inside functions, by Node\'s own modules and the allowed one by its library pass; the process is whole again after release', async () => {
  const r = await buildSnapshot([
    'import * as assert from "node:assert";', // node:assert's colours read process.env inside Node
    'import threadStream from "thread-stream";',
    'export const later = () => process.env.HOME;',
    'void assert, threadStream;',
  ].join('\n'));
  assert.equal(r.status, 0, r.stderr);
});
