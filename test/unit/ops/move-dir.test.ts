// Op move-dir: the template home becomes /home/<user> by the way the plan chose (rename, copy, link);
// a rename the filesystem refuses (EXDEV) becomes the op's orElse, and a copy that outgrows its
// limits becomes a link. The cross-device case uses a directory on /dev/shm (another filesystem).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyMoveDir, type MoveDirOp } from '../../../src/ops/move-dir.ts';
import { testdir } from '../helpers.ts';
import { applyContext } from './apply-context.ts';

const limits = { entries: 100, bytes: 1_000_000 };
const op = (how: MoveDirOp['how'], over: Partial<MoveDirOp> = {}): MoveDirOp => ({ kind: 'move-dir', from: '/home/jovyan', to: '/home/alice', how, limits, why: 'alice\'s home', ...over });
const template = (): string => testdir({ 'home/jovyan/.bashrc': 'rc\n', 'home/jovyan/work/notes.txt': 'n\n' });
const listing = (dir: string): string[] => fs.readdirSync(dir, { recursive: true }).map(String).sort();

/** A second filesystem for EXDEV: /dev/shm when it is not the temp directory's. */
const shm = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').dev !== fs.statSync(os.tmpdir()).dev ? fs.mkdtempSync('/dev/shm/nbstart-test-') : undefined;
after(() => { if (shm) fs.rmSync(shm, { recursive: true, force: true }); });
const EXDEV_SKIP = !shm && 'no second filesystem at /dev/shm to rename across';

/** The template on the temp filesystem, and `/other` (the target's parent) a fresh directory on /dev/shm. */
function acrossDevices(): { root: string; far: string } {
  const root = template();
  const far = fs.mkdtempSync(path.join(shm!, 'far-'));
  fs.symlinkSync(far, path.join(root, 'other'));
  return { root, far };
}

test('rename: the directory moves and the old path becomes a link to the new one (an image path)', () => {
  const root = template();
  const ino = fs.statSync(path.join(root, 'home/jovyan')).ino;
  const { ctx, msgs } = applyContext(root);
  applyMoveDir(op('rename', { orElse: 'copy' }), ctx);
  assert.equal(fs.statSync(path.join(root, 'home/alice')).ino, ino, 'the same directory');
  assert.equal(fs.readlinkSync(path.join(root, 'home/jovyan')), '/home/alice');
  assert.deepEqual(msgs('info'), ['moved /home/jovyan to /home/alice (and linked the old path)']);
});

test('rename refused across filesystems (EXDEV): the orElse copy is done instead, and said', { skip: EXDEV_SKIP }, () => {
  const { root, far } = acrossDevices();
  const { ctx, msgs } = applyContext(root);
  applyMoveDir(op('rename', { to: '/other/alice', orElse: 'copy' }), ctx);
  assert.deepEqual(listing(path.join(far, 'alice')), ['.bashrc', 'work', 'work/notes.txt']);
  assert.ok(fs.lstatSync(path.join(root, 'home/jovyan')).isDirectory(), 'a copy leaves the template as it is');
  assert.deepEqual(msgs('info'), ['/home/jovyan cannot be renamed on this filesystem (EXDEV): copying instead', 'copied /home/jovyan to /other/alice (3 entries, 5 bytes)']);
});

test('rename refused across filesystems with orElse link: a link to the template', { skip: EXDEV_SKIP }, () => {
  const { root, far } = acrossDevices();
  const { ctx, msgs } = applyContext(root);
  applyMoveDir(op('rename', { to: '/other/bob', orElse: 'link' }), ctx);
  assert.equal(fs.readlinkSync(path.join(far, 'bob')), '/home/jovyan');
  assert.deepEqual(msgs('info'), ['/home/jovyan cannot be renamed on this filesystem (EXDEV): linking instead', 'linked /other/bob -> /home/jovyan']);
});

test('rename refused across filesystems without an orElse: the error, and nothing changed', { skip: EXDEV_SKIP }, () => {
  const { root, far } = acrossDevices();
  assert.throws(() => applyMoveDir(op('rename', { to: '/other/carol' }), applyContext(root).ctx), /EXDEV/);
  assert.deepEqual(fs.readdirSync(far), []);
  assert.ok(fs.lstatSync(path.join(root, 'home/jovyan')).isDirectory());
});

test('a rename that fails otherwise is an error even with an orElse (an existing target is never merged into)', () => {
  const root = testdir({ 'home/jovyan/.bashrc': 'rc\n', 'home/alice/mine': 'm' });
  assert.throws(() => applyMoveDir(op('rename', { orElse: 'copy' }), applyContext(root).ctx), /ENOTEMPTY|EEXIST/);
  assert.deepEqual(listing(path.join(root, 'home/alice')), ['mine']);
});

test('copy: a complete copy under a temp name, then renamed into place; the template stays; a stale temp copy is cleared first', () => {
  const root = template();
  fs.mkdirSync(path.join(root, 'home/.alice.nbstart-tmp/half'), { recursive: true });
  const { ctx, msgs } = applyContext(root);
  applyMoveDir(op('copy'), ctx);
  assert.deepEqual(listing(path.join(root, 'home/alice')), ['.bashrc', 'work', 'work/notes.txt']);
  assert.equal(fs.readFileSync(path.join(root, 'home/alice/work/notes.txt'), 'utf8'), 'n\n');
  assert.deepEqual(listing(path.join(root, 'home/jovyan')), ['.bashrc', 'work', 'work/notes.txt']);
  assert.deepEqual(fs.readdirSync(path.join(root, 'home')).sort(), ['alice', 'jovyan'], 'no temp copy left');
  assert.deepEqual(msgs('info'), ['copied /home/jovyan to /home/alice (3 entries, 5 bytes)']);
});

test('a copy that outgrows its limits (the tree grew since the plan) becomes a link, with a warning; no partial copy stays', () => {
  // The warning names the limit passed ("grew to 2 entries": past the plan's 2).
  for (const [small, what] of [[{ entries: 2, bytes: 1_000_000 }, '2 entries'], [{ entries: 100, bytes: 3 }, '3 bytes']] as const) {
    const root = template();
    const { ctx, msgs } = applyContext(root);
    applyMoveDir(op('copy', { limits: small }), ctx);
    assert.equal(fs.readlinkSync(path.join(root, 'home/alice')), '/home/jovyan');
    assert.deepEqual(fs.readdirSync(path.join(root, 'home')).sort(), ['alice', 'jovyan']);
    assert.deepEqual(msgs('warn'), [`/home/jovyan grew to ${what} since the plan; linking /home/alice to it instead of copying`]);
    assert.deepEqual(msgs('info'), ['linked /home/alice -> /home/jovyan']);
  }
});

test('link: /home/<user> becomes a link to the template home (a volume stays where it is mounted)', () => {
  const root = template();
  const { ctx, msgs } = applyContext(root);
  applyMoveDir(op('link'), ctx);
  assert.equal(fs.readlinkSync(path.join(root, 'home/alice')), '/home/jovyan');
  assert.ok(fs.lstatSync(path.join(root, 'home/jovyan')).isDirectory());
  assert.deepEqual(msgs('info'), ['linked /home/alice -> /home/jovyan']);
});
