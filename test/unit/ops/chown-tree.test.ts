// Op chown-tree's executor: what it says about a walk (the walk itself: test/unit/system/chown-tree.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyChownTree, type ChownTreeOp } from '../../../src/ops/chown-tree.ts';
import { testdir } from '../helpers.ts';
import { applyContext } from './apply-context.ts';

const me = { uid: process.getuid!(), gid: process.getgid!() };
const isRoot = me.uid === 0;
const op = (p: string, over: Partial<ChownTreeOp> = {}): ChownTreeOp => ({ kind: 'chown-tree', path: p, uid: me.uid, gid: me.gid, recursive: true, why: 'CHOWN_EXTRA', ...over });

test('a walk says how many entries of how many it gave away, with the counts as fields', () => {
  const root = testdir({ 'srv/data/a': 'a', 'srv/data/sub/b': 'b' });
  const { ctx, lines } = applyContext(root);
  applyChownTree(op('/srv/data'), ctx);
  const info = lines.filter((l) => l.level === 'info');
  assert.equal(info.length, 1);
  assert.equal(info[0]!.msg, `/srv/data: 0 of 4 entries given to ${me.uid}:${me.gid}`);
  assert.deepEqual([info[0]!['visited'], info[0]!['changed'], info[0]!['skipped'], info[0]!['hardLinkCount'], info[0]!['why']], [4, 0, 0, 0, 'CHOWN_EXTRA']);
  assert.equal(typeof info[0]!['ms'], 'number');
  assert.ok(!('hardLinks' in info[0]!), 'the named paths are warnings of their own, not a field');
});

test('as root: entries whose owner differs are given away, and counted', { skip: !isRoot && 'needs root to change owners' }, () => {
  const root = testdir({ 'srv/data/a': 'a', 'srv/data/b': 'b' });
  fs.lchownSync(path.join(root, 'srv/data/b'), 1010, 1020);
  const { ctx, msgs } = applyContext(root);
  applyChownTree(op('/srv/data', { uid: 1010, gid: 1020 }), ctx);
  assert.deepEqual(msgs('info'), ['/srv/data: 2 of 3 entries given to 1010:1020']);
  for (const f of ['srv/data', 'srv/data/a', 'srv/data/b']) assert.deepEqual([fs.lstatSync(path.join(root, f)).uid, fs.lstatSync(path.join(root, f)).gid], [1010, 1020], f);
});

test('a path root will not walk: one warning naming it and why, and nothing else', () => {
  const root = testdir({ 'srv/open/': '', 'etc/passwd': 'p' });
  fs.chmodSync(path.join(root, 'srv/open'), 0o777);
  fs.symlinkSync(path.join(root, 'etc'), path.join(root, 'srv/open/work'));
  for (const [p, why] of [
    ['/srv/open/work/passwd', /is a symbolic link in a directory others can write \(or not made by root\): root does not follow it$/],
    ['/no/such/dir', /cannot be looked at \(ENOENT\)$/],
  ] as const) {
    const { ctx, lines } = applyContext(root);
    applyChownTree(op(p, { uid: 4242, gid: 4242 }), ctx);
    assert.deepEqual(lines.map((l) => l.level), ['warn'], p);
    assert.ok(lines[0]!.msg.startsWith(`${p}: ownership not changed: `), lines[0]!.msg);
    assert.match(lines[0]!.msg, why);
  }
  assert.equal(fs.lstatSync(path.join(root, 'etc/passwd')).uid, me.uid);
});

test('files with more than one link are named (the first ten), the rest counted, and none is given away', () => {
  const root = testdir({ 'srv/data/': '', 'elsewhere/': '' });
  for (let i = 0; i < 12; i++) {
    const f = path.join(root, `elsewhere/f${String(i).padStart(2, '0')}`);
    fs.writeFileSync(f, 'x');
    fs.linkSync(f, path.join(root, `srv/data/h${String(i).padStart(2, '0')}`));
  }
  const { ctx, lines } = applyContext(root);
  applyChownTree(op('/srv/data', { uid: 4242, gid: 4242, recursive: true }), ctx);
  const warn = lines.filter((l) => l.level === 'warn').map((l) => l.msg);
  assert.equal(warn.length, 11, warn.join('\n'));
  for (const w of warn.slice(0, 10)) assert.match(w, /\/srv\/data\/h\d\d: not given to 4242:4242: it has more than one link \(a hard link to a file elsewhere keeps its owner\)$/);
  assert.equal(warn[10], '/srv/data: 2 more files with more than one link were left as they are');
  for (let i = 0; i < 12; i++) assert.equal(fs.statSync(path.join(root, `elsewhere/f${String(i).padStart(2, '0')}`)).uid, me.uid);
});

test('a long walk logs its progress every 10,000 entries', () => {
  const root = testdir({ 'srv/many/': '' });
  for (let i = 0; i < 10_000; i++) fs.writeFileSync(path.join(root, `srv/many/${i}`), '');
  const { ctx, lines } = applyContext(root);
  applyChownTree(op('/srv/many'), ctx);
  const progress = lines.filter((l) => l.msg.startsWith('chown walk in progress'));
  assert.deepEqual(progress.map((l) => [l.level, l.msg, l['path'], l['visited']]), [['info', 'chown walk in progress (10000 entries)', '/srv/many', 10000]]);
  fs.rmSync(root, { recursive: true });
});
