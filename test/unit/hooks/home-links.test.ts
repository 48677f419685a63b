// Hook home-links (user phase, as the person): the external home's directories and the links to
// it in /home/<user>, JUPYTER_CONFIG_DIR and the user bashrc, the note left when it is unusable, and
// the scratch home. Plans are applied to the tree and planned again: a second start changes nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { homeLinks, PROBLEM_FILE, problemNote, problemText } from '../../../src/hooks/home-links.ts';
import type { PlanContext } from '../../../src/hooks/hook.ts';
import { apply } from '../../../src/plan/apply.ts';
import type { Op } from '../../../src/plan/ops.ts';
import { captureLog } from '../helpers.ts';
import { rootContext } from './context.ts';

const ALICE = { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1010', NBSTART_HOME_SOURCE: '/mnt/home/{user}', NBSTART_HOME_LINKS: 'work,data' };
const short = (ops: readonly Op[]): string[] => ops.map((o) => {
  switch (o.kind) {
    case 'mkdir': return `mkdir ${o.path}`;
    case 'symlink': return `link ${o.path} -> ${o.target}`;
    case 'set-env': return `${o.name}=${o.value}`;
    case 'chdir': return `cd ${o.path}`;
    case 'remove': return `rm ${o.path}`;
    case 'write-files': return `write ${o.files.map((f) => f.path).join(' ')}`;
    default: return o.kind;
  }
});
const applyTo = async (ctx: PlanContext, ops: readonly Op[]) => apply(ops, { root: ctx.fs.root, state: { env: {}, cwd: '/' }, log: captureLog().log, scripts: { timeoutMs: 0, onFailure: () => 'continue' } });

test('the note in the home says what happened, what it means and who can fix it', () => {
  const text = problemText('alice', 1010, '/mnt/home/alice', '/home/alice', '/mnt/home/alice does not exist');
  assert.equal(text, [
    'Your home directory /mnt/home/alice could not be used when this notebook server started:',
    '  /mnt/home/alice does not exist', '',
    'Files saved in /home/alice now are kept inside the container only and are lost when it stops.',
    'Please ask your JupyterHub administrator to check the home volume of alice (uid 1010);',
    'the server picks it up again at its next start.', '',
  ].join('\n'));
  assert.deepEqual(problemNote('/home/alice/x.txt', 'alice', 1010, 1020, '/s', '/home/alice', 'r'), {
    kind: 'write-files', why: 'r', files: [{ path: '/home/alice/x.txt', content: problemText('alice', 1010, '/s', '/home/alice', 'r'), mode: 0o644, uid: 1010, gid: 1020, summary: 'why the home is missing' }],
  });
});

test('without [home] source: nothing to do, and the command starts wherever earlier hooks said', async () => {
  assert.deepEqual(await homeLinks.plan(rootContext({ NB_USER: 'alice' }, { 'home/alice/': '' })), { ops: [], notes: [] });
  assert.deepEqual(homeLinks.needs(rootContext({})), {});
});

test('a usable source: missing directories made parents first, links made, config dir and bashrc exported, cwd the home', async () => {
  const ctx = rootContext(ALICE, { 'home/alice/': '', 'mnt/home/alice/data/': '' });
  const plan = await homeLinks.plan(ctx);
  assert.deepEqual(short(plan.ops), [
    'mkdir /mnt/home/alice/jupyter', 'mkdir /mnt/home/alice/jupyter/.jupyter', 'mkdir /mnt/home/alice/work',
    'link /home/alice/work -> /mnt/home/alice/work', 'link /home/alice/data -> /mnt/home/alice/data',
    'JUPYTER_CONFIG_DIR=/mnt/home/alice/jupyter/.jupyter', 'NBSTART_USER_BASHRC=/mnt/home/alice/jupyter/.bashrc', 'cd /home/alice',
  ]);
  assert.ok(plan.ops.every((o) => o.kind !== 'mkdir' || (o.uid === 1010 && o.gid === 1010 && o.mode === 0o755)));
  assert.deepEqual(plan.notes, []);
  await applyTo(ctx, plan.ops);
  assert.equal(fs.readlinkSync(path.join(ctx.fs.root, 'home/alice/work')), '/mnt/home/alice/work');
  const again = await homeLinks.plan(ctx);
  assert.deepEqual(short(again.ops), ['JUPYTER_CONFIG_DIR=/mnt/home/alice/jupyter/.jupyter', 'NBSTART_USER_BASHRC=/mnt/home/alice/jupyter/.bashrc', 'cd /home/alice'], 'converged');
});

test('a link pointing elsewhere is planned again; a real directory or file in its place is left alone with a warning', async () => {
  const ctx = rootContext(ALICE, { 'home/alice/data/mine': 'x', 'mnt/home/alice/work/': '', 'mnt/home/alice/data/': '', 'mnt/home/alice/jupyter/.jupyter/': '' });
  fs.symlinkSync('/tmp', path.join(ctx.fs.root, 'home/alice/work'));
  const plan = await homeLinks.plan(ctx);
  const link = plan.ops.find((o) => o.kind === 'symlink');
  assert.deepEqual(link, { kind: 'symlink', path: '/home/alice/work', target: '/mnt/home/alice/work', why: 'the link pointed elsewhere' });
  assert.deepEqual(plan.notes, [{ level: 'warn', msg: '/home/alice/data is a real directory; left alone (move it away to get the link to /mnt/home/alice/data)' }]);
  const withFile = rootContext({ ...ALICE, NBSTART_HOME_LINKS: 'notes' }, { 'home/alice/notes': 'x', 'mnt/home/alice/notes/': '', 'mnt/home/alice/jupyter/.jupyter/': '' });
  assert.deepEqual((await homeLinks.plan(withFile)).notes.map((n) => n.msg), ['/home/alice/notes is a real file; left alone (move it away to get the link to /mnt/home/alice/notes)']);
});

test('an unusable source: one warning, the note written for the person, the command starts in the local home', async () => {
  for (const [files, reason] of [
    [{}, '/mnt/home/alice does not exist'],
    [{ 'mnt/home/alice': 'a file' }, '/mnt/home/alice is not a directory'],
  ] as const) {
    const ctx = rootContext(ALICE, { 'home/alice/': '', ...files });
    const plan = await homeLinks.plan(ctx);
    assert.deepEqual(short(plan.ops), [`write /home/alice/${PROBLEM_FILE}`, 'cd /home/alice'], reason);
    assert.deepEqual(plan.ops[0], problemNote(`/home/alice/${PROBLEM_FILE}`, 'alice', 1010, 1010, '/mnt/home/alice', '/home/alice', reason));
    assert.deepEqual(plan.notes, [{ level: 'warn', msg: `external home unusable: ${reason}; starting in /home/alice (see /home/alice/${PROBLEM_FILE})` }]);
  }
});

test('a source the person may not open is unusable for that reason', { skip: process.getuid!() === 0 && 'root opens any directory (as the person: test/unit/plan/as-person.test.ts)' }, async () => {
  const ctx = rootContext(ALICE, { 'home/alice/': '', 'mnt/home/alice/': '' });
  fs.chmodSync(path.join(ctx.fs.root, 'mnt/home'), 0o000);
  try {
    const plan = await homeLinks.plan(ctx);
    assert.match(plan.notes[0]!.msg, /^external home unusable: alice \(uid 1010\) is not allowed to open \/mnt\/home\/alice;/);
  } finally {
    fs.chmodSync(path.join(ctx.fs.root, 'mnt/home'), 0o755);
  }
});

test('the note of an earlier start is removed once the source is usable again', async () => {
  const ctx = rootContext(ALICE, { [`home/alice/${PROBLEM_FILE}`]: 'old note', 'mnt/home/alice/work/': '', 'mnt/home/alice/data/': '', 'mnt/home/alice/jupyter/.jupyter/': '' });
  const plan = await homeLinks.plan(ctx);
  assert.deepEqual(plan.ops[0], { kind: 'remove', path: `/home/alice/${PROBLEM_FILE}`, why: 'the external home is usable again' });
});

test('a scratch home (read-only /home) is made by the person, private, before anything else', async () => {
  const ctx = rootContext(ALICE, { 'mnt/home/alice/work/': '', 'mnt/home/alice/data/': '', 'mnt/home/alice/jupyter/.jupyter/': '' });
  const scratch = { ...ctx, identity: { ...ctx.identity, home: '/tmp/nbstart-home-1010', homeFallback: { kind: 'scratch' as const, reason: '/home is read-only' } } };
  const plan = await homeLinks.plan(scratch);
  assert.deepEqual(plan.ops[0], { kind: 'mkdir', path: '/tmp/nbstart-home-1010', mode: 0o700, uid: 1010, gid: 1010, private: true, why: 'scratch home: /home is read-only' });
  assert.equal(short(plan.ops).at(-1), 'cd /tmp/nbstart-home-1010');
  const noSource = await homeLinks.plan({ ...scratch, config: rootContext({ NB_USER: 'alice' }).config });
  assert.deepEqual(short(noSource.ops), ['mkdir /tmp/nbstart-home-1010']);
});

// [home] links over what docker-stacks images ship (the template home, not renamed here).
const STACKS = { NBSTART_HOME_SOURCE: '/mnt/home/{user}', NBSTART_HOME_LINKS: 'work' };
const STACKS_SOURCE = { 'mnt/home/jovyan/work/': '' };
const links = (ops: readonly Op[]) => ops.filter((o) => o.kind === 'symlink');

test('[home] links: the image\'s empty ~/work gives way to the link (docker-stacks images ship one)', async () => {
  const plan = await homeLinks.plan(rootContext(STACKS, { ...STACKS_SOURCE, 'home/jovyan/work/': '' }));
  assert.deepEqual(links(plan.ops), [{ kind: 'symlink', path: '/home/jovyan/work', target: '/mnt/home/jovyan/work', replaceEmptyDir: true, why: '[home] links: an empty directory (docker-stacks images ship ~/work) gives way to the link' }]);
  assert.deepEqual(plan.notes, []);
});

test('[home] links: an empty directory that is a mount point is left alone (removing it would fail)', async () => {
  const mountinfo = ['308 205 0:55 / / rw,relatime - overlay overlay rw', '320 308 0:60 / /home/jovyan/work rw,relatime - ext4 /dev/sdb rw'].join('\n');
  const plan = await homeLinks.plan(rootContext(STACKS, { ...STACKS_SOURCE, 'home/jovyan/work/': '', 'proc/self/mountinfo': mountinfo }));
  assert.deepEqual(links(plan.ops), []);
  assert.equal(plan.notes.length, 1);
});
