import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homeLinks } from '../../../src/hooks/home-links.ts';
import { rootContext } from './context.ts';

const ENV = { NBSTART_HOME_SOURCE: '/mnt/home/{user}', NBSTART_HOME_LINKS: 'work' };
const SOURCE = { 'mnt/home/jovyan/work/': '' };
const MOUNTINFO = [
  '308 205 0:55 / / rw,relatime - overlay overlay rw',
  '320 308 0:60 / /home/jovyan/work rw,relatime - ext4 /dev/sdb rw',
].join('\n');

const symlinks = (ops: readonly { kind: string }[]) => ops.filter((o) => o.kind === 'symlink');

test('[home] links: the image\'s empty ~/work gives way to the link (docker-stacks images ship one)', async () => {
  const plan = await homeLinks.plan(rootContext(ENV, { ...SOURCE, 'home/jovyan/work/': '' }));
  assert.deepEqual(symlinks(plan.ops), [{ kind: 'symlink', path: '/home/jovyan/work', target: '/mnt/home/jovyan/work', replaceEmptyDir: true, why: '[home] links: an empty directory (docker-stacks images ship ~/work) gives way to the link' }]);
  assert.deepEqual(plan.notes, []);
});

test('[home] links: a directory with something in it is left alone, with the warning', async () => {
  const plan = await homeLinks.plan(rootContext(ENV, { ...SOURCE, 'home/jovyan/work/notes.txt': 'mine' }));
  assert.deepEqual(symlinks(plan.ops), []);
  assert.deepEqual(plan.notes.map((n) => [n.level, n.msg]), [['warn', '/home/jovyan/work is a real directory; left alone (move it away to get the link to /mnt/home/jovyan/work)']]);
});

test('[home] links: an empty directory that is a mount point is left alone (removing it would fail)', async () => {
  const plan = await homeLinks.plan(rootContext(ENV, { ...SOURCE, 'home/jovyan/work/': '', 'proc/self/mountinfo': MOUNTINFO }));
  assert.deepEqual(symlinks(plan.ops), []);
  assert.equal(plan.notes.length, 1);
});

test('[home] links: a missing name is linked as before', async () => {
  const plan = await homeLinks.plan(rootContext(ENV, SOURCE));
  assert.deepEqual(symlinks(plan.ops), [{ kind: 'symlink', path: '/home/jovyan/work', target: '/mnt/home/jovyan/work', why: '[home] links' }]);
});
