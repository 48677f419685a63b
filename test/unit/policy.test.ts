// The one capability and failure policy: what a missing need means, with and without something that
// asked for the hook's work, under [hooks] on_failure continue and abort; script problems; user-phase
// failures. The hooks here are small inline ones: the policy reads only their needs and asked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hook, Needs, PlanContext } from '../../src/hooks/hook.ts';
import { decide, HookError, onScriptFailure, scriptProblem, unmet, userPhaseFailure } from '../../src/policy.ts';
import { configFrom, fixture } from './helpers.ts';
import { rootContext } from './hooks/context.ts';

const READ_ONLY = { 'proc/self/mountinfo': fixture('podman/mountinfo-read-only') };
/** CapEff 0xc0: CAP_SETGID and CAP_SETUID only. */
const SETUID_SETGID = { 'proc/self/status': fixture('podman/status-setuid-setgid-nnp') };

const NOT_ROOT = { reason: 'the container did not start as root', fix: 'start it as root: docker run --user root, or runAsUser: 0' };
const NO_CHOWN = { reason: 'the container lacks CAP_CHOWN', fix: 'add CHOWN to the container\'s capabilities' };

/** A hook with these needs and this answer to "what asked for you"; plan() must not be reached by decide. */
function hook(needs: Needs, asked: string | undefined, name = 'probe'): Hook {
  return {
    name, phase: 'root', summary: 's', needs: () => needs, asked: () => asked,
    plan: () => { throw new Error('decide() called plan()'); },
  };
}

const ctxOf = (files: Record<string, string> = {}, env: Record<string, string> = {}, privileged = true): PlanContext => rootContext(env, files, '/', privileged);

test('unmet: nothing needed, nothing missing', () => {
  assert.deepEqual(unmet({}, ctxOf()), []);
  assert.deepEqual(unmet({ root: true, caps: ['CAP_CHOWN'], writable: ['/etc'] }, ctxOf()), [], 'root, capabilities unknown (no status): assumed present');
});

test('unmet: root needed in a start that is not root\'s: one reason, capabilities not asked about', () => {
  assert.deepEqual(unmet({ root: true, caps: ['CAP_CHOWN'] }, ctxOf(SETUID_SETGID, {}, false)), [NOT_ROOT]);
});

test('unmet: a capability missing from CapEff, each with its fix; present ones are not named', () => {
  const ctx = ctxOf(SETUID_SETGID);
  assert.deepEqual(unmet({ root: true, caps: ['CAP_CHOWN', 'CAP_SETUID', 'CAP_FOWNER'] }, ctx), [
    NO_CHOWN, { reason: 'the container lacks CAP_FOWNER', fix: 'add FOWNER to the container\'s capabilities' },
  ]);
});

test('unmet: paths on a read-only filesystem, named together ("is" for one, "are" for more); writable ones are fine', () => {
  const ctx = ctxOf(READ_ONLY);
  const fix = 'mount a writable volume there, or drop readOnlyRootFilesystem';
  assert.deepEqual(unmet({ writable: ['/etc/sudoers.d', '/tmp'] }, ctx), [{ reason: '/etc/sudoers.d is on a read-only filesystem', fix }]);
  assert.deepEqual(unmet({ writable: ['/etc/ssh', '/usr/local/share/jupyter'] }, ctx), [{ reason: '/etc/ssh and /usr/local/share/jupyter are on a read-only filesystem', fix }]);
  assert.deepEqual(unmet({ writable: ['/tmp/x', '/run'] }, ctx), []);
  assert.deepEqual(unmet({ writable: ['/etc'] }, ctxOf()), [], 'no mount table: not known to be read-only');
});

test('decide: needs met → the hook plans, whatever asked for it', () => {
  assert.deepEqual(decide(hook({ root: true }, 'GRANT_SUDO is set'), ctxOf()), { run: true });
  assert.deepEqual(decide(hook({}, undefined), ctxOf(READ_ONLY, {}, false)), { run: true });
});

test('decide: needs unmet and nothing asked → skipped without a word, even under abort', () => {
  assert.deepEqual(decide(hook({ root: true }, undefined), ctxOf({}, {}, false)), { run: false });
  assert.deepEqual(decide(hook({ root: true }, undefined), ctxOf({}, { NBSTART_HOOKS_ON_FAILURE: 'abort' }, false)), { run: false });
});

test('decide: needs unmet and asked → skipped with one warning: what asked, every reason, the hook, every fix', () => {
  const d = decide(hook({ root: true, caps: ['CAP_CHOWN'], writable: ['/etc/ssh'] }, 'CHOWN_HOME is set', 'chown'), ctxOf({ ...SETUID_SETGID, ...READ_ONLY }));
  assert.deepEqual(d, { run: false, note: { level: 'warn', msg:
    'CHOWN_HOME is set but the container lacks CAP_CHOWN and /etc/ssh is on a read-only filesystem: chown skipped '
    + '(add CHOWN to the container\'s capabilities; mount a writable volume there, or drop readOnlyRootFilesystem)' } });
});

test('decide: needs unmet and asked under on_failure = abort → HookError naming the hook, nothing planned', () => {
  const ctx = ctxOf({}, { NBSTART_HOOKS_ON_FAILURE: 'abort' }, false);
  assert.throws(() => decide(hook({ root: true }, 'GRANT_SUDO is set', 'sudo'), ctx), (err: unknown) => {
    assert.ok(err instanceof HookError);
    assert.equal(err.hook, 'sudo');
    assert.equal(err.message, 'hook sudo: GRANT_SUDO is set but the container did not start as root: sudo skipped (start it as root: docker run --user root, or runAsUser: 0) ([hooks] on_failure = abort)');
    return true;
  });
});

test('HookError names the hook once and keeps the cause', () => {
  const cause = new Error('EACCES: permission denied');
  const e = new HookError('home-links', cause);
  assert.equal(e.message, 'hook home-links: EACCES: permission denied');
  assert.equal(e.cause, cause);
  assert.equal(e.name, 'HookError');
});

test('onScriptFailure: every failed script gets [hooks] on_failure', () => {
  const f = { file: '/x.sh', kind: 'failed' as const, detail: 'exit status 1' };
  assert.equal(onScriptFailure(configFrom({}))(f), 'continue');
  assert.equal(onScriptFailure(configFrom({ NBSTART_HOOKS_ON_FAILURE: 'abort' }))({ ...f, kind: 'timed-out' }), 'abort');
});

test('scriptProblem: a note at the given level, or under abort an error that stops start-up', () => {
  assert.deepEqual(scriptProblem(configFrom({}), '/d is not a directory'), { level: 'warn', msg: '/d is not a directory' });
  assert.deepEqual(scriptProblem(configFrom({}), '/d/x is not run as root', 'error'), { level: 'error', msg: '/d/x is not run as root' });
  assert.throws(() => scriptProblem(configFrom({ NBSTART_HOOKS_ON_FAILURE: 'abort' }), '/d is not a directory'), { message: '/d is not a directory ([hooks] on_failure = abort)' });
});

test('userPhaseFailure: only a user-dirs failure under abort stops start-up; everything else degrades', () => {
  const abort = configFrom({ NBSTART_HOOKS_ON_FAILURE: 'abort' });
  const cont = configFrom({});
  const boom = new Error('boom');
  assert.equal(userPhaseFailure(abort, new HookError('user-dirs', boom)), 'stop');
  assert.equal(userPhaseFailure(cont, new HookError('user-dirs', boom)), 'degrade');
  assert.equal(userPhaseFailure(abort, new HookError('home-links', boom)), 'degrade');
  assert.equal(userPhaseFailure(abort, boom), 'degrade');
});
