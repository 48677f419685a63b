// scripts/images.ts with real podman on tiny image folders (test/fixtures/images, copied so they can
// be changed): the first run builds in dependency order, a second run skips the unchanged folders
// (exit 3), ops/ changes rebuild nothing, a content change rebuilds the folder and what builds on it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONTAINERS_CONF, podman, podmanOk, REPO } from './lib/podman.ts';

const TAG = process.env['NBSTART_E2E_TAG'] || 'test';
const PREFIX = `localhost/nbstart-e2e-${TAG}-`;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-images-'));

/** This test's images (podman is shared with other test runs: never look at theirs). */
function ourImages(): string[] {
  return podman(['images', '--format', '{{.Repository}}:{{.Tag}} {{.Id}}']).stdout.split('\n').filter((l) => l.startsWith(PREFIX)).sort();
}

function removeImages(): void {
  const ours = ourImages().map((l) => l.split(' ')[0]!);
  if (ours.length > 0) podman(['rmi', '-f', ...ours]);
}

function images(...args: string[]): { code: number; stdout: string; stderr: string; rows: Map<string, string> } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts/images.ts'), '--root', root, '--prefix', PREFIX, '--engine', 'podman', ...args], {
    encoding: 'utf8', timeout: 300_000, env: { ...process.env, CONTAINERS_CONF },
  });
  const rows = new Map(r.stdout.split('\n').filter((l) => l !== '').map((l) => [l.split('\t')[0]!, l]));
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, rows };
}

const label = (ref: string): string => podmanOk(['image', 'inspect', '--format', '{{index .Labels "org.nbstart.images.hash"}}', ref]).stdout.trim();
const idOf = (ref: string): string => podmanOk(['image', 'inspect', '--format', '{{.Id}}', ref]).stdout.trim();

before(() => {
  fs.cpSync(path.join(REPO, 'test/fixtures/images'), root, { recursive: true });
  removeImages();
});
after(() => {
  removeImages();
  fs.rmSync(root, { recursive: true, force: true });
});

test('build, skip when unchanged, ignore ops/, rebuild a changed folder and its dependents', () => {
  const first = images();
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.rows.get('tiny-base')!, /\tbuild=built\t/);
  assert.match(first.rows.get('tiny-child')!, /\tbuild=built\t/);
  assert.match(first.rows.get('tiny-off')!, /\tbuild=off\t/);
  const baseRef = first.rows.get('tiny-base')!.split('\t')[1]!;
  const childRef = first.rows.get('tiny-child')!.split('\t')[1]!;
  assert.match(baseRef, new RegExp(`^${PREFIX}tiny-base:[0-9a-f]{8}$`));
  assert.equal(label(baseRef).slice(0, 8), baseRef.split(':').at(-1), 'the tag is the first 8 hex of the hash label');
  assert.equal(idOf(`${PREFIX}tiny-base:latest`), idOf(baseRef), 'latest is the same image');
  assert.match(first.stderr, new RegExp(`FROM ${baseRef.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'the child built on the exact base just built');
  assert.equal(podman(['image', 'exists', `${PREFIX}tiny-off:latest`]).code, 1, 'build: false');
  const run = podmanOk(['run', '--rm', '--pull=never', '--network', 'none', childRef, 'cat', '/tiny/hello.txt', '/tiny/child.txt']);
  assert.equal(run.stdout, 'hello from tiny-base\nchild\n');

  const second = images();
  assert.equal(second.code, 3, `${second.stdout}${second.stderr}`);
  assert.match(second.rows.get('tiny-base')!, new RegExp(`\tbuild=skipped\t.*${baseRef.split(':').at(-1)} exists`));
  assert.match(second.rows.get('tiny-child')!, /\tbuild=skipped\t/);
  assert.doesNotMatch(second.stderr, /STEP/, 'podman build never ran');

  fs.appendFileSync(path.join(root, 'tiny-base/ops/build_options.txt'), '# a comment about pushing\n');
  fs.writeFileSync(path.join(root, 'tiny-base/ops/notes.md'), 'ops/ holds how to build, not what');
  assert.equal(images().code, 3, 'ops/ is not part of the hash');

  fs.writeFileSync(path.join(root, 'tiny-base/hello.txt'), 'hello again\n');
  const third = images();
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.rows.get('tiny-base')!, /\tbuild=built\t/);
  assert.match(third.rows.get('tiny-child')!, /\tbuild=built\t/, 'a changed base gives its dependents a new hash');
  assert.notEqual(third.rows.get('tiny-child')!.split('\t')[1], childRef);
});

test('a malformed build_options.txt: exit 1 naming file, line and fix; nothing is built', () => {
  fs.writeFileSync(path.join(root, 'tiny-off/ops/build_options.txt'), 'build = false\n');
  fs.writeFileSync(path.join(root, 'tiny-base/hello.txt'), 'changed once more\n');
  const before_ = ourImages();
  const r = images();
  fs.writeFileSync(path.join(root, 'tiny-off/ops/build_options.txt'), 'build: false\npush: false\n');
  assert.equal(r.code, 1, `${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /ERROR .*tiny-off\/ops\/build_options\.txt:1: expected "key: value", got "build = false"; fix: write one setting per line, e\.g\. "build: false"/);
  assert.equal(r.stdout, '');
  assert.deepEqual(ourImages(), before_, 'no image was built or tagged');
});
