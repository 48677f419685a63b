// Hooks on a read-only root filesystem and without CAP_CHOWN: /proc/self/mountinfo and
// /proc/self/status are planted in the temp tree, as the root prefix reads them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemList } from '../../../src/config/problems.ts';
import { accounts } from '../../../src/hooks/accounts.ts';
import { chown } from '../../../src/hooks/chown.ts';
import { home } from '../../../src/hooks/home.ts';
import { homeLinks } from '../../../src/hooks/home-links.ts';
import type { PlanContext } from '../../../src/hooks/hook.ts';
import type { Op } from '../../../src/plan/ops.ts';
import { sudo } from '../../../src/hooks/sudo.ts';
import { placeHome } from '../../../src/identity/home-place.ts';
import { resolveFor } from '../../../src/identity/resolve.ts';
import { decide } from '../../../src/policy.ts';
import { fixture, rootOnly } from '../helpers.ts';
import { rootContext, testFacts } from './context.ts';

const READ_ONLY = { 'proc/self/mountinfo': fixture('podman/mountinfo-read-only') };
const NO_CHOWN = { 'proc/self/status': fixture('podman/status-setuid-setgid-nnp') };
const LIB = { 'usr/lib/x86_64-linux-gnu/libnss_wrapper.so': '' };
const ALICE = { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' };
/** Ops as one short line each: `kind path` or `set-env NAME=value`. */
const lines = (ops: readonly Op[]): string[] => ops.map((o) => `${o.kind} ${'path' in o ? o.path : o.kind === 'set-env' ? `${o.name}=${o.value}` : o.kind === 'write-files' ? o.files.map((f) => f.path).join(' ') : ''}`);

/** The context main builds: the identity placed by resolveFor (home fallback included). */
function placed(env: Record<string, string>, files: Record<string, string>): PlanContext {
  const ctx = rootContext(env, files);
  const id = placeHome(ctx.fs, ctx.facts, ctx.identity, new ProblemList());
  return { ...ctx, identity: id! };
}

test('accounts on a read-only /etc: nothing in /etc, passwd and group for nss_wrapper under /tmp, owned by root', async () => {
  const ctx = placed(ALICE, { ...READ_ONLY, ...LIB });
  const plan = await accounts.plan(ctx);
  assert.deepEqual(lines(plan.ops), [
    'mkdir /tmp/nbstart-nss-1010', 'write-files /tmp/nbstart-nss-1010/passwd /tmp/nbstart-nss-1010/group',
    'set-env NSS_WRAPPER_PASSWD=/tmp/nbstart-nss-1010/passwd', 'set-env NSS_WRAPPER_GROUP=/tmp/nbstart-nss-1010/group',
    'set-env LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libnss_wrapper.so',
  ]);
  const write = plan.ops[1]!;
  assert.ok(write.kind === 'write-files');
  const passwd = write.files[0]!;
  assert.ok(passwd.uid === 0 && passwd.mode === 0o644);
  assert.match(passwd.content, /^alice:x:1010:1020::\/tmp\/nbstart-home-1010:\/bin\/bash$/m);
  assert.equal(plan.notes.filter((n) => n.level === 'warn').length, 1);
  assert.match(plan.notes[0]!.msg, /^\/etc\/passwd is on a read-only filesystem: \/etc is left as it is/);
});

test('accounts on a read-only /etc will not write into an nss_wrapper directory root does not own', async () => {
  const ctx = placed(ALICE, { ...READ_ONLY, ...LIB, 'tmp/nbstart-nss-1010/': '' });
  // As root the test gives the directory away; as anyone else it is not root's already.
  if (process.getuid!() === 0) (await import('node:fs')).chownSync(ctx.fs.real('/tmp/nbstart-nss-1010'), 1010, 1010);
  await assert.rejects(accounts.plan(ctx), /\/tmp\/nbstart-nss-1010 exists and is not a directory of root's/);
});

test('accounts on a read-only /etc that is already right (a ConfigMap): nothing planned, nothing said', async () => {
  const ctx = rootContext({}, READ_ONLY);
  assert.deepEqual(await accounts.plan(ctx), { ops: [], notes: [] });
});

test('accounts removes temp files an interrupted start left, even when nothing needs writing', { skip: rootOnly('account files of root\'s (others are rewritten root\'s)') }, async () => {
  const ctx = rootContext({}, { 'etc/.passwd.nbstart-tmp': 'half', 'etc/.gshadow.nbstart-tmp': 'half', 'etc/.group.nbstart-tmp/': '' });
  assert.deepEqual(lines((await accounts.plan(ctx)).ops), ['remove /etc/.passwd.nbstart-tmp', 'remove /etc/.gshadow.nbstart-tmp']);
});

test('home without CAP_CHOWN: the template home is linked rather than copied, and one warning replaces the chown', async () => {
  const ctx = placed(ALICE, NO_CHOWN);
  const plan = await home.plan(ctx);
  assert.deepEqual(plan.ops.map((o) => o.kind), ['move-dir', 'chdir']);
  const move = plan.ops[0]!;
  assert.ok(move.kind === 'move-dir');
  assert.deepEqual([move.how, move.orElse], ['rename', 'link'], 'a rename where the filesystem allows it, never a copy');
  assert.deepEqual(plan.notes.filter((n) => n.level === 'warn'), [{ level: 'warn', msg: 'without CAP_CHOWN the files in /home/alice keep their owner 1000:100 instead of following alice to 1010:1020 (add CHOWN to the container\'s capabilities)' }]);
});

test('home on a read-only root: only the warning and the working directory; the person makes the scratch home', async () => {
  const ctx = placed(ALICE, READ_ONLY);
  const plan = await home.plan(ctx);
  assert.deepEqual(plan.ops, [{ kind: 'chdir', path: '/tmp/nbstart-home-1010', why: 'the working directory follows the home' }]);
  assert.equal(plan.notes.length, 1);
  assert.match(plan.notes[0]!.msg, /\/home is on a read-only filesystem/);
  const user = await homeLinks.plan(ctx);
  assert.deepEqual(user.ops.map((o) => o.kind === 'mkdir' && [o.path, o.mode, o.uid]), [['/tmp/nbstart-home-1010', 0o700, 1010]]);
});

test('CHOWN_HOME without CAP_CHOWN: the policy skips the hook with one warning', () => {
  const d = decide(chown, rootContext({ CHOWN_HOME: 'yes', CHOWN_EXTRA: '/opt/conda' }, NO_CHOWN));
  assert.deepEqual(d, { run: false, note: { level: 'warn', msg: 'CHOWN_HOME and CHOWN_EXTRA are set but the container lacks CAP_CHOWN: chown skipped (add CHOWN to the container\'s capabilities)' } });
});

test('GRANT_SUDO under no_new_privs warns that sudo will refuse; on a read-only root it writes nothing', async () => {
  const sudoers = { 'etc/sudoers': 'Defaults env_reset\n', 'etc/sudoers.d/': '' };
  const nnp = await sudo.plan(rootContext({ ...ALICE, GRANT_SUDO: 'yes' }, { ...sudoers, ...NO_CHOWN }));
  assert.equal(nnp.ops.length, 1);
  assert.match(nnp.notes[0]!.msg, /no_new_privs .*sudo will refuse to run/);
  const ro = decide(sudo, rootContext({ ...ALICE, GRANT_SUDO: 'yes' }, { ...sudoers, ...READ_ONLY }));
  assert.equal(ro.run, false);
  assert.match(!ro.run ? ro.note!.msg : '', /^GRANT_SUDO is set but \/etc\/sudoers.d is on a read-only filesystem: sudo skipped/);
});

test('root without CAP_SETUID/CAP_SETGID is an identity error before anything is planned', () => {
  const ctx = rootContext(ALICE, { 'proc/self/status': 'CapEff:\t0000000000000001\nNoNewPrivs:\t1\n' });
  const problems = new ProblemList();
  resolveFor(ctx.fs, testFacts(ctx.fs), ctx.config, problems);
  assert.equal(problems.errors.length, 1);
  assert.match(problems.errors[0]!.message, /lack CAP_SETUID and CAP_SETGID: started as root, nbstart cannot become the person/);
});
