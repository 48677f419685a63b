import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemList } from '../../../src/config/problems.ts';
import { placeHome } from '../../../src/identity/home-place.ts';
import { parseStatus } from '../../../src/system/capabilities.ts';
import { fixture } from '../helpers.ts';
import { rootContext, testFacts } from '../hooks/context.ts';

const ALL = parseStatus('CapEff:\t00000000a80425fb\n');
const NO_CHOWN = parseStatus(fixture('podman/status-setuid-setgid-nnp'));
const READ_ONLY = { 'proc/self/mountinfo': fixture('podman/mountinfo-read-only') };
const mountinfo = (lines: string[]): Record<string, string> => ({ 'proc/self/mountinfo': `${lines.join('\n')}\n` });

test('a writable /home keeps /home/<user>, with or without CAP_CHOWN (the template home is moved or linked)', () => {
  for (const status of [ALL, NO_CHOWN]) {
    const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010' });
    const id = placeHome(ctx.fs, testFacts(ctx.fs, { status }), ctx.identity, new ProblemList());
    assert.equal(id?.home, '/home/alice');
    assert.equal(id?.homeFallback, undefined);
  }
});

test('read-only root: a scratch home under /tmp, made later by the person, with the reason', () => {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010' }, READ_ONLY);
  const id = placeHome(ctx.fs, testFacts(ctx.fs, { status: ALL }), ctx.identity, new ProblemList())!;
  assert.equal(id.home, '/tmp/nbstart-home-1010');
  assert.equal(id.homeFallback?.kind, 'scratch');
  assert.match(id.homeFallback!.reason, /^\/home is on a read-only filesystem, so \/home\/alice cannot be created; HOME is \/tmp\/nbstart-home-1010, which is lost when the container stops/);
});

test('read-only root with the template home on a volume (z2jh\'s home PVC at /home/jovyan): that home is used', () => {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010' }, mountinfo(['1 0 0:1 / / ro - overlay overlay rw', '2 1 0:2 / /home/jovyan rw - ext4 /dev/pvc rw']));
  const id = placeHome(ctx.fs, testFacts(ctx.fs, { status: NO_CHOWN }), ctx.identity, new ProblemList())!;
  assert.equal(id.home, '/home/jovyan');
  assert.equal(id.homeFallback?.kind, 'template');
});

test('an existing /home/<user> (a mounted home) is used even on a read-only root', () => {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010' }, { ...READ_ONLY, 'home/alice/': '' });
  assert.equal(placeHome(ctx.fs, testFacts(ctx.fs, { status: ALL }), ctx.identity, new ProblemList())?.home, '/home/alice');
});

test('no template home to move and no CAP_CHOWN: scratch home, since root cannot give a new directory away', () => {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010', NBSTART_TEMPLATE_USER: 'nobody' });
  const id = placeHome(ctx.fs, testFacts(ctx.fs, { status: NO_CHOWN }), ctx.identity, new ProblemList())!;
  assert.equal(id.homeFallback?.kind, 'scratch');
  assert.match(id.homeFallback!.reason, /without CAP_CHOWN root cannot create \/home\/alice for uid 1010/);
});

test('read-only root and read-only /tmp: an error naming both fixes', () => {
  const ctx = rootContext({ NB_USER: 'alice', NB_UID: '1010' }, mountinfo(['1 0 0:1 / / ro - overlay overlay rw']));
  const problems = new ProblemList();
  assert.equal(placeHome(ctx.fs, testFacts(ctx.fs, { status: ALL }), ctx.identity, problems), undefined);
  assert.match(problems.errors[0]!.message, /\/tmp is read-only too: there is no writable place for alice's home/);
  assert.match(problems.errors[0]!.fix, /mount an emptyDir \(tmpfs\) at \/tmp/);
});
