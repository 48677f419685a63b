// planHooks and applyPlanned: plans see the environment and working directory earlier plans leave;
// a hook the policy skips has its note and no ops; failures are named by their hook once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Hook, Needs, PlanContext } from '../../src/hooks/hook.ts';
import { ScriptsStopped } from '../../src/ops/run-scripts.ts';
import { afterOps, applyPlanned, HookError, planHooks } from '../../src/pipeline.ts';
import type { Op, Plan } from '../../src/plan/ops.ts';
import { captureLog, testdir } from './helpers.ts';
import { rootContext } from './hooks/context.ts';

/** A hook that records the env and cwd it was planned with and returns `plan`. */
function hook(name: string, plan: (ctx: PlanContext) => Plan, needs: Needs = {}, asked?: string): Hook & { seen: { env: Record<string, string | undefined>; cwd: string }[] } {
  const seen: { env: Record<string, string | undefined>; cwd: string }[] = [];
  return {
    name, phase: 'root', summary: `${name} summary`, needs: () => needs, asked: () => asked, seen,
    async plan(ctx) {
      seen.push({ env: { ...ctx.env }, cwd: ctx.cwd });
      return plan(ctx);
    },
  };
}

const ops = (...o: Op[]): Plan => ({ ops: o, notes: [] });
const ctxFor = (env: Record<string, string> = {}, privileged = true): PlanContext => ({ ...rootContext(env, {}, '/start', privileged), env: { KEEP: 'k', DROP: 'd', ...env } });

test('each plan sees the environment and working directory the plans before it leave; the context itself is not changed', async () => {
  const a = hook('a', () => ops(
    { kind: 'set-env', name: 'HOME', value: '/home/alice', why: 'w' },
    { kind: 'unset-env', name: 'DROP', why: 'w' },
    { kind: 'chdir', path: '/home/alice', why: 'w' },
  ));
  const b = hook('b', (ctx) => ops({ kind: 'set-env', name: 'SEEN', value: `${ctx.env['HOME']} in ${ctx.cwd}`, why: 'w' }));
  const c = hook('c', () => ops());
  const ctx = ctxFor();
  const planned = await planHooks([a, b, c], ctx);
  assert.deepEqual(a.seen, [{ env: { KEEP: 'k', DROP: 'd' }, cwd: '/start' }]);
  assert.deepEqual(b.seen, [{ env: { KEEP: 'k', HOME: '/home/alice' }, cwd: '/home/alice' }]);
  assert.deepEqual(c.seen, [{ env: { KEEP: 'k', HOME: '/home/alice', SEEN: '/home/alice in /home/alice' }, cwd: '/home/alice' }]);
  assert.deepEqual(ctx.env, { KEEP: 'k', DROP: 'd' });
  assert.equal(ctx.cwd, '/start');
  assert.deepEqual(planned.map((p) => [p.hook.name, p.plan.ops.length]), [['a', 3], ['b', 1], ['c', 0]]);
});

test('a hook the policy skips: not planned; its note when something asked for it, nothing otherwise', async () => {
  const asked = hook('sudo', () => ops({ kind: 'set-env', name: 'X', value: '1', why: 'w' }), { root: true }, 'GRANT_SUDO is set');
  const silent = hook('quiet', () => ops({ kind: 'set-env', name: 'Y', value: '1', why: 'w' }), { root: true });
  const planned = await planHooks([asked, silent], ctxFor({}, false));
  assert.deepEqual(asked.seen, []);
  assert.deepEqual(silent.seen, []);
  assert.deepEqual(planned.map((p) => p.plan), [
    { ops: [], notes: [{ level: 'warn', msg: 'GRANT_SUDO is set but the container did not start as root: sudo skipped (start it as root: docker run --user root, or runAsUser: 0)' }] },
    { ops: [], notes: [] },
  ]);
});

test('a planner that throws is wrapped once in HookError naming it; a HookError passes as it is; later hooks are not planned', async () => {
  const later = hook('later', () => ops());
  await assert.rejects(planHooks([hook('bad', () => { throw new Error('broken input'); }), later], ctxFor()), (err: unknown) => {
    assert.ok(err instanceof HookError);
    assert.equal(err.message, 'hook bad: broken input');
    return true;
  });
  assert.deepEqual(later.seen, []);
  const own = new HookError('inner', new Error('x'));
  await assert.rejects(planHooks([hook('outer', () => { throw own; })], ctxFor()), (err: unknown) => err === own);
  await assert.rejects(planHooks([hook('sudo', () => ops(), { root: true }, 'GRANT_SUDO is set')], ctxFor({ NBSTART_HOOKS_ON_FAILURE: 'abort' }, false)),
    /^HookError: hook sudo: GRANT_SUDO is set but .*\(\[hooks\] on_failure = abort\)$/);
});

const applyCtx = (root: string) => ({ root, state: { env: {} as Record<string, string | undefined>, cwd: '/' }, scripts: { timeoutMs: 0, onFailure: () => 'continue' as const } });

test('applyPlanned: each hook\'s notes through a logger bound to {hook, phase}, then its ops, in order', async () => {
  const { log, lines } = captureLog();
  const ctx = applyCtx(testdir({}));
  await applyPlanned([
    { hook: { name: 'a', phase: 'root', summary: '' }, plan: { ops: [{ kind: 'set-env', name: 'A', value: '1', why: 'w' }], notes: [{ level: 'warn', msg: 'a says' }] } },
    { hook: { name: 'b', phase: 'user', summary: '' }, plan: { ops: [{ kind: 'chdir', path: '/b', why: 'w' }], notes: [{ level: 'info', msg: 'b says' }] } },
  ], ctx, log);
  assert.deepEqual(ctx.state, { env: { A: '1' }, cwd: '/b' });
  const said = lines.filter((l) => l.msg.endsWith(' says')).map((l) => [l.level, l['hook'], l['phase'], l.msg]);
  assert.deepEqual(said, [['warn', 'a', 'root', 'a says'], ['info', 'b', 'user', 'b says']]);
  assert.deepEqual(lines.find((l) => l.msg === 'set A')?.['hook'], 'a');
});

test('applyPlanned: a failing op stops there, as HookError naming the hook and the op; later hooks are not applied', async () => {
  const root = testdir({ 'etc/file': 'x' });
  const ctx = applyCtx(root);
  await assert.rejects(applyPlanned([
    { hook: { name: 'mk', phase: 'root', summary: '' }, plan: { ops: [{ kind: 'mkdir', path: '/etc/file/sub', mode: 0o755, uid: 0, gid: 0, why: 'w' }], notes: [] } },
    { hook: { name: 'after', phase: 'root', summary: '' }, plan: { ops: [{ kind: 'set-env', name: 'LATE', value: '1', why: 'w' }], notes: [] } },
  ], ctx, captureLog().log), (err: unknown) => {
    assert.ok(err instanceof HookError);
    assert.equal(err.hook, 'mk');
    assert.match(err.message, /^hook mk: mkdir \/etc\/file\/sub \(mode 755, owner 0:0\): ENOTDIR/);
    return true;
  });
  assert.deepEqual(ctx.state.env, {});
  assert.equal(fs.readFileSync(path.join(root, 'etc/file'), 'utf8'), 'x');
});

test('applyPlanned: a script that exits the shell stops start-up as ScriptsStopped, not wrapped', async () => {
  const root = testdir({ 'd/10-exit.sh': 'exit 4\n' });
  await assert.rejects(applyPlanned([{ hook: { name: 'root-dirs', phase: 'root', summary: '' }, plan: { notes: [], ops: [{
    kind: 'run-scripts', dir: `${root}/d`, files: [{ path: `${root}/d/10-exit.sh`, mode: 'source' }], bash: '/bin/bash', as: 'root', cwd: root, why: 'w',
  }] } }], { ...applyCtx(''), state: { env: { HOME: root }, cwd: root } }, captureLog().log), (err: unknown) => err instanceof ScriptsStopped && err.status === 4);
});

test('afterOps: set-env, unset-env and chdir in order; the inputs are not changed', () => {
  const env = { PATH: '/usr/bin', GONE: 'x', KEPT: 'k' };
  const out = afterOps([
    { kind: 'set-env', name: 'A', value: '1', why: 'w' }, { kind: 'chdir', path: '/home/alice', why: 'w' },
    { kind: 'unset-env', name: 'GONE', why: 'w' }, { kind: 'set-env', name: 'A', value: '2', why: 'w' }, { kind: 'chdir', path: '/srv', why: 'w' },
  ], env, '/');
  assert.deepEqual(out, { env: { PATH: '/usr/bin', KEPT: 'k', A: '2' }, cwd: '/srv' });
  assert.deepEqual(env, { PATH: '/usr/bin', GONE: 'x', KEPT: 'k' });
  assert.deepEqual(afterOps([], env, '/x'), { env, cwd: '/x' });
});
