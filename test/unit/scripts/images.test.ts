// The pure parts of scripts/images.ts, and its build/push decisions against a fake engine (a shell
// script that keeps "local" and "registry" tags in files), so no container engine or registry is needed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDockerfile, repositoryOf } from '../../../scripts/images/dockerfile.ts';
import { folderHash, hashTag } from '../../../scripts/images/hash.ts';
import { parseBuildOptions } from '../../../scripts/images/options.ts';
import { buildOrder, folderForImage, withBases } from '../../../scripts/images/order.ts';
import { readFolders } from '../../../scripts/images.ts';
import { testdir } from '../helpers.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

test('Dockerfile: ARG defaults before FROM, substituted FROMs, stage names left out', () => {
  const info = parseDockerfile([
    '# syntax=docker/dockerfile:1',
    'ARG BASE_IMAGE=localhost/nbstart-foundation:latest',
    'ARG OTHER',
    'FROM ${BASE_IMAGE} AS build',
    'RUN echo \\',
    '    FROM not-an-image',
    'from --platform=linux/amd64 $OTHER',
    'FROM build',
    'FROM ${MISSING:-debian:12} AS x',
    'FROM scratch',
  ].join('\n'));
  assert.deepEqual(info.bases, ['localhost/nbstart-foundation:latest', 'debian:12']);
  assert.equal(info.args.get('BASE_IMAGE'), 'localhost/nbstart-foundation:latest');
  assert.ok(info.takesBaseImage);
  assert.equal(repositoryOf('localhost:5000/a/b:1.0@sha256:abc'), 'localhost:5000/a/b');
  assert.equal(repositoryOf('localhost:5000/a/b'), 'localhost:5000/a/b');
});

test('image references map to folders by name, nbstart-<name> or the prefix', () => {
  const folders = ['foundation', 'base-notebook', 'tensorflow-gpu'];
  assert.equal(folderForImage('localhost/nbstart-foundation:latest', folders, 'localhost/nbstart-'), 'foundation');
  assert.equal(folderForImage('ghcr.io/org/base-notebook:1', folders, 'ghcr.io/org/'), 'base-notebook');
  assert.equal(folderForImage('ghcr.io/org/img-base-notebook', folders, 'ghcr.io/org/img-'), 'base-notebook');
  assert.equal(folderForImage('ubuntu:24.04', folders, 'localhost/nbstart-'), undefined);
  assert.equal(folderForImage('quay.io/jupyter/base-notebook', folders, 'localhost/nbstart-'), 'base-notebook', 'same name: treated as the folder');
});

test('build order: bases first, alphabetical otherwise; cycles are named', () => {
  const deps = new Map([['c', ['b']], ['b', ['a']], ['a', []], ['z', []], ['d', ['a']]]);
  assert.deepEqual(buildOrder(deps), ['a', 'b', 'c', 'd', 'z']);
  assert.deepEqual([...withBases(['c'], deps)].sort(), ['a', 'b', 'c']);
  assert.throws(() => buildOrder(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), /cycle: a -> b -> c -> a/);
});

test('the repository\'s docker-stacks folders build in the right order', () => {
  const { folders, errors } = readFolders(path.join(REPO, 'docker-stacks'), 'localhost/nbstart-');
  assert.deepEqual(errors, []);
  const order = buildOrder(new Map([...folders].map(([k, f]) => [k, f.deps])));
  assert.deepEqual(order, ['foundation', 'base-notebook', 'tensorflow-cpu', 'tensorflow-gpu']);
  for (const tf of ['tensorflow-cpu', 'tensorflow-gpu']) {
    assert.deepEqual(folders.get(tf)!.deps, ['base-notebook']);
    assert.equal(folders.get(tf)!.baseArg, 'base-notebook');
  }
  assert.equal(folders.get('foundation')!.baseArg, undefined, 'ubuntu:24.04 is no folder');
  assert.equal(folders.get('foundation')!.options.context, '../..');
});

test('content hash: ops/ is left out; content, names, exec bits and bases count', () => {
  const dir = testdir({ 'img/Dockerfile': 'FROM x\n', 'img/a.txt': 'a', 'img/ops/build_options.txt': 'push: false\n', 'img/sub/ops/keep': 'k' });
  const d = path.join(dir, 'img');
  const h0 = folderHash(d);
  assert.match(hashTag(h0), /^[0-9a-f]{8}$/);
  fs.writeFileSync(path.join(d, 'ops/build_options.txt'), 'build: false\n');
  fs.writeFileSync(path.join(d, 'ops/notes.md'), 'anything');
  assert.equal(folderHash(d), h0, 'top-level ops/ does not count');
  fs.writeFileSync(path.join(d, 'sub/ops/keep'), 'changed');
  const h1 = folderHash(d);
  assert.notEqual(h1, h0, 'an ops/ deeper down is ordinary content');
  fs.chmodSync(path.join(d, 'a.txt'), 0o755);
  const h2 = folderHash(d);
  assert.notEqual(h2, h1, 'the executable bit counts');
  fs.renameSync(path.join(d, 'a.txt'), path.join(d, 'b.txt'));
  assert.notEqual(folderHash(d), h2, 'names count');
  assert.notEqual(folderHash(d, [], ['base1']), folderHash(d, [], ['base2']), 'the base\'s hash counts');
  assert.throws(() => folderHash(d, ['../nope']), /\.\.\/nope \(an input of .*\) does not exist/);
});

test('build_options.txt: values, comments and defaults', () => {
  const r = parseBuildOptions('# comment\n\nbuild: false   # not here\nPush: No\ncontext: ../..\ninputs: ../../dist/nbstart, x\n', 'f');
  assert.deepEqual(r, { options: { build: false, push: false, context: '../..', inputs: ['../../dist/nbstart', 'x'] }, errors: [] });
  assert.deepEqual(parseBuildOptions('', 'f').options, { build: true, push: true, context: '.', inputs: [] });
});

test('build_options.txt: every malformed line is named with file, line and a fix', () => {
  const text = 'build false\nbiuld: false\npush: maybe\npush: true\ncontext: /abs\ninputs:\nbuild: no\nbuild: yes\n';
  const { errors } = parseBuildOptions(text, 'docker-stacks/x/ops/build_options.txt');
  assert.deepEqual(errors, [
    'docker-stacks/x/ops/build_options.txt:1: expected "key: value", got "build false"; fix: write one setting per line, e.g. "build: false" (keys: build, push, context, inputs)',
    'docker-stacks/x/ops/build_options.txt:2: unknown key "biuld" (did you mean "build"?); fix: use one of build, push, context, inputs',
    'docker-stacks/x/ops/build_options.txt:3: "push" must be true or false, got "maybe"; fix: write "push: false" or "push: true"',
    'docker-stacks/x/ops/build_options.txt:4: "push" is set again (first on line 3); fix: keep one line per key',
    'docker-stacks/x/ops/build_options.txt:5: "context" must be relative to the folder, got "/abs"; fix: write e.g. "context: ../.." for the repository root',
    'docker-stacks/x/ops/build_options.txt:6: "inputs" has no value; fix: write "inputs: <path>"',
    'docker-stacks/x/ops/build_options.txt:8: "build" is set again (first on line 7); fix: keep one line per key',
  ]);
});

// A stand-in engine: `local` and `registry` files list the tags each side has; every call is logged.
const FAKE_ENGINE = `#!/bin/sh
d=$(dirname "$0")
echo "$*" >> "$d/calls"
case "$1" in
  --version) [ -e "$d/podman" ] && echo "podman version 0.0.0-fake" || echo "Docker version 0.0.0-fake"; exit 0 ;;
  image) grep -qxF "$3" "$d/local" 2>/dev/null; exit $? ;;
  manifest) grep -qxF "$3" "$d/registry" 2>/dev/null; exit $? ;;
  tag) echo "$3" >> "$d/local"; exit 0 ;;
  run) echo "3.11 2.36 x86_64"; exit 0 ;;
  build)
    [ -e "$d/fail-build" ] && exit 1
    for a in "$@"; do case "$a" in WHEELS=*) curl -s "\${a#WHEELS=}" > "$d/wheels-index" ;; esac; done
    prev=""; for a in "$@"; do [ "$prev" = "-t" ] && echo "$a" >> "$d/local"; prev=$a; done; exit 0 ;;
  push) [ -e "$d/offline" ] && { echo "dial tcp: connection refused" >&2; exit 125; }; echo "$2" >> "$d/registry"; exit 0 ;;
esac
exit 2
`;

// skopeo, which the podman path asks about the registry when it is installed.
const FAKE_SKOPEO = `#!/bin/sh
d=$(dirname "$0")
echo "skopeo $*" >> "$d/calls"
ref=\${3#docker://}
grep -qxF "$ref" "$d/registry" 2>/dev/null
`;

// pip, as ensureWheels calls it: records its arguments, "downloads" one wheel into --dest.
const FAKE_PIP = `#!/bin/sh
d=$(dirname "$0")
echo "$*" >> "$d/pip-calls"
while [ $# -gt 0 ]; do [ "$1" = "--dest" ] && : > "$2/demo-1.0-py3-none-any.whl"; shift; done
`;

function fakeSetup(): { engine: string; root: string; dir: string; calls: () => string[]; run: (...args: string[]) => { code: number; stdout: string; stderr: string } } {
  const dir = testdir({ 'engine/': '' });
  const engine = path.join(dir, 'engine', 'fake-engine');
  fs.writeFileSync(engine, FAKE_ENGINE, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'engine', 'skopeo'), FAKE_SKOPEO, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'engine', 'pip'), FAKE_PIP, { mode: 0o755 });
  const root = path.join(dir, 'images');
  fs.cpSync(path.join(REPO, 'test/fixtures/images'), root, { recursive: true });
  const run = (...args: string[]) => {
    const env = { ...process.env, PATH: `${path.join(dir, 'engine')}:${process.env['PATH']}`, NBSTART_PIP: path.join(dir, 'engine', 'pip'), NBSTART_CACHE_DIR: path.join(dir, 'cache') };
    const r = spawnSync(process.execPath, [path.join(REPO, 'scripts/images.ts'), '--engine', engine, '--root', root, '--prefix', 'registry.example/nb-', ...args], { encoding: 'utf8', timeout: 60_000, env });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const calls = () => (fs.existsSync(path.join(dir, 'engine/calls')) ? fs.readFileSync(path.join(dir, 'engine/calls'), 'utf8').trim().split('\n') : []);
  return { engine, root, dir, calls, run };
}

test('fake engine: builds in order with the base\'s exact tag, then skips everything (exit 3)', () => {
  const f = fakeSetup();
  const first = f.run();
  assert.equal(first.code, 0, first.stderr);
  const builds = f.calls().filter((c) => c.startsWith('build'));
  assert.equal(builds.length, 2, 'tiny-off has build: false');
  assert.match(builds[0]!, /-t registry\.example\/nb-tiny-base:[0-9a-f]{8} -t registry\.example\/nb-tiny-base:latest/);
  const baseTag = /nb-tiny-base:([0-9a-f]{8})/.exec(builds[0]!)![1];
  assert.match(builds[1]!, new RegExp(`--build-arg BASE_IMAGE=registry\\.example/nb-tiny-base:${baseTag} `));
  const second = f.run();
  assert.equal(second.code, 3, second.stderr);
  assert.match(second.stdout, /^tiny-base\t\S+\tbuild=skipped\tpush=not asked/m);
  assert.equal(f.calls().filter((c) => c.startsWith('build')).length, 2, 'no new build');
});

test('fake engine: a folder with requirements.txt gets its wheels from this host, for its base\'s Python, served to the build', () => {
  const f = fakeSetup();
  fs.writeFileSync(path.join(f.root, 'tiny-base/constraints.txt'), 'demo==1.0\n');
  fs.writeFileSync(path.join(f.root, 'tiny-child/requirements.txt'), 'demo\n');
  fs.writeFileSync(path.join(f.root, 'tiny-child/constraints.txt'), '# nothing of its own\n');
  const r = f.run();
  assert.equal(r.code, 0, r.stderr);
  const build = f.calls().filter((c) => c.startsWith('build')).find((c) => c.includes('tiny-child'))!;
  assert.match(build, /--network host --build-arg WHEELS=http:\/\/127\.0\.0\.1:\d+\/ /);
  const probe = f.calls().find((c) => c.startsWith('run'))!;
  assert.match(probe, /^run --rm --network none --entrypoint python3 registry\.example\/nb-tiny-base:[0-9a-f]{8} -c /, 'the Python of the exact base');
  assert.match(fs.readFileSync(path.join(f.dir, 'engine/wheels-index'), 'utf8'), /<a href="demo-1\.0-py3-none-any\.whl">/, 'the build saw the wheels');
  const pip = fs.readFileSync(path.join(f.dir, 'engine/pip-calls'), 'utf8').trim().split('\n');
  assert.equal(pip.length, 1);
  assert.match(pip[0]!, /^download .*--only-binary=:all: --python-version 3\.11 --implementation cp --abi cp311 --platform manylinux_2_36_x86_64 .*--platform manylinux1_x86_64 -r \S+tiny-child\/requirements\.txt -c \S+tiny-base\/constraints\.txt -c \S+tiny-child\/constraints\.txt$/);
  // A changed comment changes the image's hash (a rebuild) but not the wheels: no new download.
  fs.appendFileSync(path.join(f.root, 'tiny-child/constraints.txt'), '# still nothing\n');
  assert.equal(f.run().code, 0);
  assert.equal(fs.readFileSync(path.join(f.dir, 'engine/pip-calls'), 'utf8').trim().split('\n').length, 1);
  assert.equal(f.calls().filter((c) => c.startsWith('build')).length, 3);
});

test('fake engine: --push pushes what the registry lacks, skips what it has, honours push: false', () => {
  const f = fakeSetup();
  assert.equal(f.run().code, 0);
  const push1 = f.run('--push');
  assert.equal(push1.code, 0, push1.stderr);
  assert.match(push1.stdout, /^tiny-base\t\S+\tbuild=skipped\tpush=off\t/m, 'push: false');
  assert.match(push1.stdout, /^tiny-child\t\S+\tbuild=skipped\tpush=pushed\t/m);
  assert.deepEqual(f.calls().filter((c) => c.startsWith('push')).map((c) => c.replace(/:[0-9a-f]{8}$/, ':<hash>')), ['push registry.example/nb-tiny-child:<hash>', 'push registry.example/nb-tiny-child:latest']);
  const push2 = f.run('--push');
  assert.equal(push2.code, 3, 'the registry has the hash tag: nothing to do');
  assert.match(push2.stdout, /^tiny-child\t\S+\tbuild=skipped\tpush=skipped\t/m);
  assert.equal(f.calls().filter((c) => c.startsWith('push')).length, 2);
});

test('fake podman: the registry is asked through skopeo inspect when skopeo is installed', () => {
  const f = fakeSetup();
  fs.writeFileSync(path.join(f.dir, 'engine/podman'), '');
  assert.equal(f.run('--push').code, 0);
  assert.equal(f.run('--push').code, 3);
  const asked = f.calls().filter((c) => c.startsWith('skopeo') || c.startsWith('manifest'));
  assert.ok(asked.length >= 2 && asked.every((c) => /^skopeo inspect --raw docker:\/\/registry\.example\/nb-tiny-child:[0-9a-f]{8}$/.test(c)), asked.join('\n'));
});

test('fake engine: a failed build or push is exit 1; dependents are blocked, not built on a stale base', () => {
  const f = fakeSetup();
  fs.writeFileSync(path.join(f.dir, 'engine/fail-build'), '');
  const r = f.run();
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^tiny-base\t\S+\tbuild=failed\t/m);
  assert.match(r.stdout, /^tiny-child\t\S+\tbuild=blocked\tpush=not asked\tits base tiny-base failed$/m);
  fs.rmSync(path.join(f.dir, 'engine/fail-build'));
  fs.writeFileSync(path.join(f.dir, 'engine/offline'), '');
  const p = f.run('--push');
  assert.equal(p.code, 1);
  assert.match(p.stderr, /ERROR tiny-child: .*fake-engine push registry\.example\/nb-tiny-child:[0-9a-f]{8} exited 125/);
});

test('a malformed build_options.txt stops everything before any build (exit 1)', () => {
  const f = fakeSetup();
  fs.mkdirSync(path.join(f.root, 'tiny-child/ops'));
  fs.writeFileSync(path.join(f.root, 'tiny-child/ops/build_options.txt'), 'push: flase\n');
  const r = f.run();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ERROR .*tiny-child\/ops\/build_options\.txt:1: "push" must be true or false, got "flase"; fix: write "push: false" or "push: true"/);
  assert.match(r.stderr, /nothing was built/);
  assert.deepEqual(f.calls().filter((c) => c.startsWith('build')), []);
});

test('usage errors exit 2; FOLDERs limit the run to them and their bases', () => {
  const f = fakeSetup();
  assert.equal(f.run('--bogus').code, 2);
  assert.equal(f.run('nosuch').code, 2);
  assert.equal(f.run('--prefix', 'Bad Prefix').code, 2);
  const only = f.run('tiny-child');
  assert.equal(only.code, 0);
  assert.deepEqual(only.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]), ['tiny-base', 'tiny-child']);
  const dry = f.run('--dry-run', '--push');
  assert.equal(dry.code, 0, 'tiny-child would be pushed');
  assert.match(dry.stdout, /^tiny-child\t\S+\tbuild=skipped\tpush=would\t/m);
  assert.equal(f.calls().filter((c) => c.startsWith('push')).length, 0);
});
