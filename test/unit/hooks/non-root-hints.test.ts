import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { homeHint, nonRootHints } from '../../../src/hooks/non-root-hints.ts';
import type { PlanContext } from '../../../src/hooks/hook.ts';
import { rootContext } from './context.ts';

/** A non-root start (uid 1010, gid 0) in which the home is `writable` or not, docker-stacks' mode 2775 root:users. */
function nonRoot(env: Record<string, string>, writable: boolean): PlanContext {
  const ctx = rootContext(env, {}, '/home/jovyan', false);
  fs.chmodSync(path.join(ctx.fs.root, 'home/jovyan'), 0o2775);
  fs.chownSync(path.join(ctx.fs.root, 'home/jovyan'), 1000, 100);
  return { ...ctx, fs: { ...ctx.fs, access: () => writable } };
}

test('--user 1010 (gid 0): a home it cannot write gets the hint to add the home\'s group, users', async () => {
  const plan = await nonRootHints.plan(nonRoot({}, false));
  assert.deepEqual(plan.ops, []);
  assert.equal(plan.notes.length, 1);
  assert.equal(plan.notes[0]!.level, 'warn');
  assert.match(plan.notes[0]!.msg, /^no write access to \/home\/jovyan for uid 1010 \(gid 0, groups 0\): add the container to group 'users' \(100\), e\.g\. docker run --group-add=users/);
});

test('a home that is not group-writable: the hint names the owner instead', () => {
  const ctx = nonRoot({}, false);
  fs.chmodSync(path.join(ctx.fs.root, 'home/jovyan'), 0o755);
  assert.match(homeHint(ctx) ?? '', /start the container as uid 1000, or as root/);
});

test('NB_USER without root: the name is given, the home stays the template\'s, and the hint says so', async () => {
  const plan = await nonRootHints.plan(nonRoot({ NB_USER: 'kitten' }, true));
  assert.deepEqual(plan.notes.map((n) => n.msg), ['user is kitten but home is /home/jovyan: only a container started as root can rename the home (docker run --user root, or runAsUser: 0)']);
});

test('nothing to say: a writable home and the template\'s name, or a root start', async () => {
  assert.deepEqual((await nonRootHints.plan(nonRoot({}, true))).notes, []);
  assert.deepEqual((await nonRootHints.plan(rootContext({ NB_USER: 'alice' }))).notes, []);
});
