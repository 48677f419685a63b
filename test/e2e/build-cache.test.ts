// The test images' own upkeep, with real podman: a rebuild replaces its predecessor instead of
// leaving it behind untagged (a TensorFlow image is 2 GB, and a machine that keeps podman's storage
// between runs ran out of disk that way), one a container still uses goes once it is free, and a
// build keeps no image per step.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE_IMAGE, buildImage, podman, podmanOk, pruneSuperseded, REPO } from './lib/podman.ts';

const TAG = process.env['NBSTART_E2E_TAG'] || 'test';
const PARENT = `localhost/nbstart-e2e-${TAG}-rebuild-parent:latest`;
const CHILD = `localhost/nbstart-e2e-${TAG}-rebuild-child:latest`;
const DIR = path.join('.cache', `e2e-build-cache-${TAG}`);
const abs = (f: string): string => path.join(REPO, DIR, f);

fs.rmSync(abs(''), { recursive: true, force: true });
fs.mkdirSync(abs('parent'), { recursive: true });
fs.mkdirSync(abs('child'), { recursive: true });
// Three steps each, so a per-step image cache would show as extra images.
fs.writeFileSync(abs('parent/Dockerfile'), 'ARG BASE_IMAGE\nFROM $BASE_IMAGE\nCOPY value /value\nRUN cp /value /copy\nRUN cat /copy\n');
fs.writeFileSync(abs('child/Dockerfile'), 'ARG BASE_IMAGE\nFROM $BASE_IMAGE\nCOPY value /child\nRUN cat /child\n');

const idOf = (ref: string): string => podmanOk(['image', 'inspect', '--format', '{{.Id}}', ref]).stdout.trim();
const exists = (id: string): boolean => podman(['image', 'exists', id]).code === 0;
const allIds = (): Set<string> => new Set(podmanOk(['images', '-a', '-q', '--no-trunc']).stdout.split('\n').filter(Boolean).map((l) => l.replace(/^sha256:/, '')));

function build(which: 'parent' | 'child', value: string): string {
  fs.writeFileSync(abs(`${which}/value`), value);
  const tag = which === 'parent' ? PARENT : CHILD;
  buildImage({
    tag, dockerfile: path.join(DIR, which, 'Dockerfile'), inputs: [path.join(DIR, which)], context: path.join(DIR, which),
    buildArgs: { BASE_IMAGE: which === 'parent' ? BASE_IMAGE : PARENT }, from: [which === 'parent' ? BASE_IMAGE : PARENT],
  });
  return idOf(tag);
}

let container = '';
after(() => {
  if (container !== '') podman(['rm', '-f', container]);
  podman(['rmi', CHILD]);
  podman(['rmi', PARENT]);
  fs.rmSync(abs(''), { recursive: true, force: true });
});

test('a rebuild removes the image it replaces, and keeps no image per step', () => {
  const before = allIds();
  const first = build('parent', 'one\n');
  const added = [...allIds()].filter((id) => !before.has(id));
  assert.deepEqual(added, [first], 'one build, one new image (no cached image per RUN or COPY)');
  assert.equal(build('parent', 'one\n'), first, 'unchanged inputs build nothing');

  const second = build('parent', 'two\n');
  assert.notEqual(second, first);
  assert.equal(exists(first), false, 'the replaced image is gone');
  assert.equal(podmanOk(['run', '--rm', '--pull=never', '--network', 'none', PARENT, 'cat', '/copy']).stdout, 'two\n');
});

test('an image built on a replaced one keeps running; one a container still uses stays until pruneSuperseded finds it free', () => {
  build('parent', 'three\n');
  const child1 = build('child', 'a\n');
  const parentOld = idOf(PARENT);
  container = podmanOk(['create', '--pull=never', '--network', 'none', PARENT, 'true']).stdout.trim();
  const parentNew = build('parent', 'four\n');
  assert.notEqual(parentNew, parentOld);
  assert.equal(exists(parentOld), true, 'the old parent stays while a container was made from it');
  assert.equal(podmanOk(['run', '--rm', '--pull=never', '--network', 'none', child1, 'cat', '/value', '/child']).stdout, 'three\na\n', 'the old child still runs');

  const child2 = build('child', 'a\n');
  assert.notEqual(child2, child1, 'a new parent is a new key for the child');
  assert.equal(exists(child1), false, 'the replaced child is gone');
  pruneSuperseded();
  assert.equal(exists(parentOld), true, 'still in use by the container');
  podmanOk(['rm', container]);
  container = '';
  pruneSuperseded();
  assert.equal(exists(parentOld), false, 'untagged and unused: pruned');
  assert.equal(exists(parentNew), true);
  assert.equal(podmanOk(['run', '--rm', '--pull=never', '--network', 'none', CHILD, 'cat', '/value', '/child']).stdout, 'four\na\n');
});
