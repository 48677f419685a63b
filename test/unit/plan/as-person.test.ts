// `nbstart plan` plans the user phase as the person against what the root phase will leave:
// projectRootPhase reads the planned root ops, projectedFs shows a tree as it will be, and
// planAsPerson/userPhaseChild run that planning in a child process (which, as root, drops to the person).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { home } from '../../../src/hooks/home.ts';
import { planAsPerson, projectedFs, projectRootPhase, USER_PHASE_FLAG, type Projection } from '../../../src/plan/as-person.ts';
import type { Op } from '../../../src/plan/ops.ts';
import { readFs } from '../../../src/system/read-fs.ts';
import { testdir } from '../helpers.ts';
import { rootContext } from '../hooks/context.ts';

const limits = { entries: 20_000, bytes: 1024 };
const isRoot = process.getuid!() === 0;

test('projectRootPhase: the move of the template home, the directories made, the owners refitted', () => {
  const ops: Op[] = [
    { kind: 'mkdir', path: '/home', mode: 0o755, uid: 0, gid: 0, why: 'w' },
    { kind: 'move-dir', from: '/home/jovyan', to: '/home/alice', how: 'rename', orElse: 'copy', limits, why: 'w' },
    { kind: 'chown-tree', path: '/srv/extra', uid: 1010, gid: 100, recursive: true, why: 'CHOWN_EXTRA: no refit of owners' },
    { kind: 'chown-tree', path: '/home/jovyan', uid: 1010, gid: 1020, recursive: true, only: { uid: 1000, gid: 100 }, why: 'w' },
    { kind: 'mkdir', path: '/var/log/nbstart', mode: 0o750, uid: 1010, gid: 1020, why: 'w' },
  ];
  assert.deepEqual(projectRootPhase(ops), {
    alias: { path: '/home/alice', from: '/home/jovyan', link: false },
    made: [{ path: '/home', uid: 0, gid: 0, mode: 0o755 }, { path: '/var/log/nbstart', uid: 1010, gid: 1020, mode: 0o750 }],
    refit: { under: '/home/jovyan', from: { uid: 1000, gid: 100 }, to: { uid: 1010, gid: 1020 } },
  });
  const link = projectRootPhase([{ kind: 'move-dir', from: '/home/jovyan', to: '/home/alice', how: 'link', limits, why: 'w' }]);
  assert.deepEqual(link, { alias: { path: '/home/alice', from: '/home/jovyan', link: true }, made: [] });
  assert.deepEqual(projectRootPhase([]), { made: [] });
});

test('projectRootPhase of the home hook\'s real plan: a rename of /home/jovyan to /home/alice', async () => {
  const ctx = rootContext({ NB_USER: 'alice' });
  const pr = projectRootPhase((await home.plan(ctx)).ops);
  assert.deepEqual(pr.alias, { path: '/home/alice', from: '/home/jovyan', link: false });
});

/** A tree with the template home and an unrelated directory. */
function tree(): string {
  return testdir({ 'home/jovyan/.bashrc': 'rc\n', 'home/jovyan/work/': '', 'home/alicex/': '', 'etc/hostname': 'h\n' });
}

test('projectedFs with a moved home: /home/alice reads as the template home did; other paths as they are', () => {
  const root = tree();
  const view = projectedFs(readFs(root), { alias: { path: '/home/alice', from: '/home/jovyan', link: false }, made: [] });
  assert.equal(view.root, root);
  assert.equal(view.readText('/home/alice/.bashrc'), 'rc\n');
  assert.equal(view.real('/home/alice/work'), path.join(root, 'home/jovyan/work'));
  assert.equal(view.lstat('/home/alice').kind, 'dir');
  assert.equal(view.stat('/home/alice/work').kind, 'dir');
  assert.deepEqual(view.readdir('/home/alice'), ['.bashrc', 'work']);
  assert.equal(view.access('/home/alice/.bashrc', fs.constants.R_OK), true);
  assert.equal(view.tree('/home/alice', limits).entries, readFs(root).tree('/home/jovyan', limits).entries);
  assert.equal(view.readText('/etc/hostname'), 'h\n');
  assert.deepEqual(view.readdir('/home/alicex'), [], '/home/alicex is not under /home/alice');
  assert.equal(view.readlink('/home/alice'), undefined);
});

test('projectedFs with a linked home: /home/alice is a link of root\'s to the template home', () => {
  const view = projectedFs(readFs(tree()), { alias: { path: '/home/alice', from: '/home/jovyan', link: true }, made: [] });
  assert.deepEqual(view.lstat('/home/alice'), { kind: 'link', uid: 0, gid: 0, mode: 0o777, dev: 0, size: '/home/jovyan'.length });
  assert.equal(view.readlink('/home/alice'), '/home/jovyan');
  assert.equal(view.stat('/home/alice').kind, 'dir');
  assert.equal(view.lstat('/home/alice/work').kind, 'dir');
});

test('projectedFs: directories the root phase makes exist, empty, with their owner and mode; existing paths win', () => {
  const root = tree();
  const pr: Projection = { made: [{ path: '/var/log/nbstart', uid: 1010, gid: 1020, mode: 0o750 }, { path: '/etc', uid: 7, gid: 7, mode: 0o700 }] };
  const view = projectedFs(readFs(root), pr);
  assert.deepEqual(view.stat('/var/log/nbstart'), { kind: 'dir', uid: 1010, gid: 1020, mode: 0o750, dev: 0, size: 0 });
  assert.deepEqual(view.lstat('/var/log/nbstart'), { kind: 'dir', uid: 1010, gid: 1020, mode: 0o750, dev: 0, size: 0 });
  assert.deepEqual(view.readdir('/var/log/nbstart'), []);
  assert.equal(view.readdir('/var/log/other'), undefined);
  assert.equal(view.stat('/var/log/nbstart/x').kind, 'missing');
  const etc = view.stat('/etc');
  assert.ok(etc.kind === 'dir' && etc.uid === fs.statSync(path.join(root, 'etc')).uid, 'the real /etc, not the made one');
});

test('projectedFs: owners that follow the person are refitted under the tree, through the alias too; others stay', () => {
  const root = tree();
  const me = { uid: process.getuid!(), gid: process.getgid!() };
  const to = { uid: 4242, gid: 4343 };
  const view = projectedFs(readFs(root), { alias: { path: '/home/alice', from: '/home/jovyan', link: false }, made: [], refit: { under: '/home/jovyan', from: me, to } });
  for (const p of ['/home/jovyan/.bashrc', '/home/alice/.bashrc', '/home/alice/work', '/home/alice']) {
    const st = view.lstat(p);
    assert.ok(st.kind !== 'missing' && st.kind !== 'denied');
    assert.deepEqual([st.uid, st.gid], [4242, 4343], p);
    const s2 = view.stat(p);
    assert.ok('uid' in s2 && s2.uid === 4242, p);
  }
  const outside = view.lstat('/etc/hostname');
  assert.ok('uid' in outside && outside.uid === me.uid, 'outside the refitted tree nothing changes');
  const other = projectedFs(readFs(root), { made: [], refit: { under: '/home/jovyan', from: { uid: 99999, gid: 99999 }, to } }).lstat('/home/jovyan/.bashrc');
  assert.ok('uid' in other && other.uid === me.uid && other.gid === me.gid, 'only the old ids are refitted');
  assert.equal(view.lstat('/home/alice/none').kind, 'missing');
});

test('projectedFs refit (as root): an entry of a third uid under the tree keeps its owner', { skip: !isRoot && 'needs root to make entries of other uids' }, () => {
  const root = tree();
  fs.lchownSync(path.join(root, 'home/jovyan/work'), 1234, 1234);
  fs.lchownSync(path.join(root, 'home/jovyan/.bashrc'), 1000, 100);
  const view = projectedFs(readFs(root), { made: [], refit: { under: '/home/jovyan', from: { uid: 1000, gid: 100 }, to: { uid: 1010, gid: 1020 } } });
  const w = view.lstat('/home/jovyan/work');
  const b = view.lstat('/home/jovyan/.bashrc');
  assert.ok('uid' in w && 'uid' in b);
  assert.deepEqual([w.uid, w.gid, b.uid, b.gid], [1234, 1234, 1010, 1020]);
});

/** A probe that does what main does for USER_PHASE_FLAG, over the tree at `root`. */
function probe(root: string): string {
  const src = (p: string) => JSON.stringify(new URL(`../../../src/${p}`, import.meta.url).href);
  const file = path.join(root, 'probe.ts');
  fs.writeFileSync(file, [
    `import { userPhaseChild, USER_PHASE_FLAG } from ${src('plan/as-person.ts')};`,
    `import { homeLinks } from ${src('hooks/home-links.ts')};`,
    `import { readFs } from ${src('system/read-fs.ts')};`,
    'if (process.argv[2] !== USER_PHASE_FLAG) process.exit(9);',
    'const chunks = [];',
    'for await (const c of process.stdin) chunks.push(c);',
    `process.stdout.write(await userPhaseChild([homeLinks], readFs(${JSON.stringify(root)}), Buffer.concat(chunks).toString('utf8')));`,
  ].join('\n'));
  fs.chmodSync(file, 0o644);
  return file;
}

/** alice's start with an external home and the docker-stacks `work` directory in the template home. */
async function aliceStart(files: Record<string, string>) {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010', NB_GID: '1010', NBSTART_HOME_SOURCE: '/mnt/home/{user}', NBSTART_HOME_LINKS: 'work,data' }, { 'home/jovyan/work/': '', ...files });
  fs.chmodSync(ctx.fs.root, 0o755); // the person must be able to reach the tree
  const projection = projectRootPhase((await home.plan(ctx)).ops);
  return { ctx, projection, input: { config: ctx.config, identity: ctx.identity, env: { PATH: '/usr/bin' }, cwd: '/home/alice', projection } };
}

test('planAsPerson: the child plans the user phase through the projection (the image\'s work directory is seen where the move puts it)', async () => {
  const { ctx, input } = await aliceStart({ 'mnt/home/alice/work/': '', 'mnt/home/alice/data/': '', 'mnt/home/alice/jupyter/.jupyter/': '' });
  for (const d of ['mnt', 'mnt/home', 'mnt/home/alice']) fs.chmodSync(path.join(ctx.fs.root, d), 0o755);
  const planned = await planAsPerson(input, [probe(ctx.fs.root)]);
  assert.ok(Array.isArray(planned), JSON.stringify(planned));
  assert.deepEqual(planned.map((p) => p.hook), [{ name: 'home-links', phase: 'user', summary: (await import('../../../src/hooks/home-links.ts')).homeLinks.summary }]);
  const plan = planned[0]!.plan;
  // work is the image's empty directory where the move leaves it, so it gives way to the link.
  assert.deepEqual(plan.ops.flatMap((o) => o.kind === 'symlink' ? [[o.path, o.replaceEmptyDir ?? false]] : []), [['/home/alice/work', true], ['/home/alice/data', false]]);
  assert.deepEqual(plan.notes, []);
});

test('planAsPerson: the child leaves out what [hooks] disable names, as a start does', async () => {
  const { ctx, input } = await aliceStart({ 'mnt/home/alice/work/': '' });
  for (const d of ['mnt', 'mnt/home', 'mnt/home/alice']) fs.chmodSync(path.join(ctx.fs.root, d), 0o755);
  const disabled = { ...input, config: { ...input.config, hooks: { ...input.config.hooks, disable: ['home-links'] } } };
  assert.deepEqual(await planAsPerson(disabled, [probe(ctx.fs.root)]), []);
});

test('planAsPerson: a child that fails gives its last stderr line as the reason', async () => {
  const root = testdir({ 'fail.ts': 'process.stderr.write("first\\nthe reason\\n"); process.exit(3);\n' });
  const r = await planAsPerson((await aliceStart({})).input, [path.join(root, 'fail.ts')]);
  assert.deepEqual(r, { error: 'the reason' });
  const silent = testdir({ 'silent.ts': 'process.exit(5);\n' });
  assert.deepEqual(await planAsPerson((await aliceStart({})).input, [path.join(silent, 'silent.ts')]), { error: 'exit status 5' });
  assert.equal(USER_PHASE_FLAG, '--nbstart-internal-plan-user-phase');
});

test('planAsPerson as root: the child has become the person, so a home closed to them is seen as the start will see it', { skip: !isRoot && 'needs root to drop to the person' }, async () => {
  const { ctx, input } = await aliceStart({ 'mnt/home/alice/': '' });
  fs.chmodSync(path.join(ctx.fs.root, 'mnt'), 0o755);
  fs.chmodSync(path.join(ctx.fs.root, 'mnt/home'), 0o700); // root's alone: root could look in, alice cannot
  const planned = await planAsPerson(input, [probe(ctx.fs.root)]);
  assert.ok(Array.isArray(planned), JSON.stringify(planned));
  assert.deepEqual(planned[0]!.plan.notes.map((n) => n.msg), ['external home unusable: alice (uid 1010) is not allowed to open /mnt/home/alice; starting in /home/alice (see /home/alice/HOME-NOT-AVAILABLE.txt)']);
});
