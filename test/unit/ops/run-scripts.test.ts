// Op run-scripts: the pure parts (the scripts' environment in and out) and the executor driving a
// real /bin/bash over small script directories, as docker-stacks' run-hooks.sh runs them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyRunScripts, mergeEnv, parseEnvDump, ScriptsStopped, scriptEnv, type RunScriptsOp, type ScriptWorld } from '../../../src/ops/run-scripts.ts';
import type { ScriptFailure } from '../../../src/ops/context.ts';
import { captureLog, dies, testdir } from '../helpers.ts';

// --- pure ------------------------------------------------------------------------------------------

const WORLD: ScriptWorld = { set: { PATH: '/usr/bin:/bin', HOME: '/root', PYTHONNOUSERSITE: '1' }, unset: ['XDG_CONFIG_HOME'], cwd: '/' };

test('scriptEnv: the state\'s variables (unset ones dropped), the world laid over, PWD the working directory', () => {
  const env = { PATH: '/opt/conda/bin:/usr/bin', HOME: '/home/alice', XDG_CONFIG_HOME: '/home/alice/.config', GONE: undefined, KEEP: 'k' };
  assert.deepEqual(scriptEnv(env, WORLD, '/'), { PATH: '/usr/bin:/bin', HOME: '/root', PYTHONNOUSERSITE: '1', KEEP: 'k', PWD: '/' });
  assert.deepEqual(scriptEnv(env, undefined, '/home/alice'), { PATH: '/opt/conda/bin:/usr/bin', HOME: '/home/alice', XDG_CONFIG_HOME: '/home/alice/.config', KEEP: 'k', PWD: '/home/alice' });
});

test('mergeEnv: what the scripts left as given changes nothing; what they changed is taken; what they unset goes', () => {
  const env: Record<string, string | undefined> = { PATH: '/opt/conda/bin:/usr/bin', HOME: '/home/alice', KEEP: 'k', DROP: 'd', 'odd-name': 'o' };
  const given = scriptEnv(env, WORLD, '/');
  const left = { ...given, KEEP: 'k', NEW: 'n', CONDA_PREFIX: '/opt/conda' } as Record<string, string>;
  delete left['DROP'];
  delete left['odd-name']; // bash cannot keep a name it cannot export: never taken as an unset
  delete left['PWD'];
  mergeEnv(env, given, left, WORLD);
  assert.deepEqual(env, { PATH: '/opt/conda/bin:/usr/bin', HOME: '/home/alice', KEEP: 'k', NEW: 'n', CONDA_PREFIX: '/opt/conda', 'odd-name': 'o' });
});

test('mergeEnv: a :-list extended around what root was given is extended from the person\'s own value', () => {
  const person = { PATH: '/opt/conda/bin:/usr/local/bin:/usr/bin', LD_LIBRARY_PATH: '/home/alice/lib' };
  const world: ScriptWorld = { set: { PATH: '/usr/local/bin:/usr/bin', LD_LIBRARY_PATH: '/usr/lib/x' }, unset: [], cwd: '/' };
  const env: Record<string, string | undefined> = { ...person };
  const given = scriptEnv(env, world, '/');
  mergeEnv(env, given, { ...given, PATH: '/opt/tool/bin:/usr/local/bin:/usr/bin:/opt/last', LD_LIBRARY_PATH: '/replaced' }, world);
  assert.equal(env['PATH'], '/opt/tool/bin:/opt/conda/bin:/usr/local/bin:/usr/bin:/opt/last');
  assert.equal(env['LD_LIBRARY_PATH'], '/replaced', 'no longer holding what was given: taken as it is');
  const plain: Record<string, string | undefined> = { PATH: '/a:/b' };
  const g2 = scriptEnv(plain, undefined, '/');
  mergeEnv(plain, g2, { ...g2, PATH: '/x:/a:/b' });
  assert.equal(plain['PATH'], '/x:/a:/b', 'without a world the scripts saw the person\'s own value');
});

test('mergeEnv: bash\'s own variables are never taken as the scripts\' doing, nor as unset', () => {
  const env: Record<string, string | undefined> = { SHLVL: '1', PWD: '/x', OLDPWD: '/y', _: '/usr/bin/env' };
  const given = { SHLVL: '1', PWD: '/x', OLDPWD: '/y', _: '/usr/bin/env' };
  mergeEnv(env, given, {});
  assert.deepEqual(env, { SHLVL: '1', PWD: '/x', OLDPWD: '/y', _: '/usr/bin/env' });
});

test('parseEnvDump: NUL-separated NAME=value (values with = and newlines), without bash\'s variables and exported functions', () => {
  const dump = ['A=1', 'B=x=y', 'C=line1\nline2', 'EMPTY=', 'SHLVL=2', '_=/usr/bin/env', 'PWD=/', 'OLDPWD=/tmp', 'BASH_FUNC_f%%=() {  echo; }', 'noequals', '=lead', '', ''].join('\0');
  assert.deepEqual(parseEnvDump(dump), { A: '1', B: 'x=y', C: 'line1\nline2', EMPTY: '' });
});

// --- the executor on real bash -----------------------------------------------------------------------

const isRoot = process.getuid!() === 0;


interface Dir {
  readonly root: string;
  readonly dir: string;
  op(over?: Partial<RunScriptsOp>): RunScriptsOp;
  read(name: string): string;
}

/** A hook directory of scripts (name → [content, mode]); `*.sh` are sourced, the rest run. */
function scriptDir(files: Record<string, [string, number]>): Dir {
  const root = testdir({ 'd/': '', 'out/': '' });
  const dir = path.join(root, 'd');
  for (const [name, [content, mode]] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), content);
    fs.chmodSync(path.join(dir, name), mode);
  }
  const names = Object.keys(files).sort();
  return {
    root, dir,
    op: (over = {}) => ({
      kind: 'run-scripts', dir, bash: '/bin/bash', as: 'alice', cwd: root, why: 'w',
      files: names.map((n) => ({ path: path.join(dir, n), mode: n.endsWith('.sh') ? 'source' : 'exec' })), ...over,
    }),
    read: (name) => fs.readFileSync(path.join(root, 'out', name), 'utf8'),
  };
}

/** Runs the op; HOME is the tree (so that no ~/.bashrc of the test user is read). */
async function runOp(d: Dir, over: Partial<RunScriptsOp> = {}, env: Record<string, string> = {}, scripts: { timeoutMs?: number; onFailure?: (f: ScriptFailure) => 'continue' | 'abort' } = {}) {
  const cap = captureLog();
  const failures: ScriptFailure[] = [];
  const onFailure = scripts.onFailure ?? (() => 'continue' as const);
  const state = { env: { PATH: '/usr/bin:/bin', HOME: d.root, OUT: path.join(d.root, 'out'), ...env } as Record<string, string | undefined>, cwd: '/' };
  const run = applyRunScripts(d.op(over), { root: '', state, log: cap.log, scripts: { timeoutMs: scripts.timeoutMs ?? 0, onFailure: (f) => { failures.push(f); return onFailure(f); } } });
  return { run, state, failures, ...cap };
}

test('scripts run in the plan\'s order in one bash; the log names each before it runs', async () => {
  const d = scriptDir({
    '10-first.sh': ['echo first >> "$OUT/order"\n', 0o644],
    '20-exec': ['#!/bin/sh\necho exec >> "$OUT/order"\n', 0o755],
    '30-last.sh': ['echo "last $$" >> "$OUT/order"\n', 0o644],
    '40-pid.sh': ['echo $$ > "$OUT/pid"\n', 0o644],
  });
  const r = await runOp(d);
  await r.run;
  const order = d.read('order').split('\n');
  assert.deepEqual(order.slice(0, 2), ['first', 'exec']);
  assert.equal(order[2], `last ${d.read('pid').trim()}`, 'sourced scripts share one shell');
  assert.deepEqual(r.msgs('info'), [
    `Running hooks in: ${d.dir} as uid: ${process.getuid!()} gid: ${process.getgid!()}`,
    `Sourcing shell script: ${d.dir}/10-first.sh`, `Running executable: ${d.dir}/20-exec`,
    `Sourcing shell script: ${d.dir}/30-last.sh`, `Sourcing shell script: ${d.dir}/40-pid.sh`,
    `Done running hooks in: ${d.dir}`,
  ]);
  assert.deepEqual(r.failures, []);
});

test('variables and functions of one sourced script are seen by the next; exports reach the command, the rest does not', async () => {
  const d = scriptDir({
    '10-define.sh': ['greet() { echo "hello $1"; }\nexport EXPORTED=1\nLOCAL=2\nexport CONDA_PREFIX=/opt/conda/envs/a\n', 0o644],
    '20-use.sh': ['greet "$EXPORTED $LOCAL" > "$OUT/used"\nunset DROPME\n', 0o644],
    '30-child': ['#!/bin/sh\necho "${EXPORTED-unset} ${LOCAL-unset}" > "$OUT/child"\n', 0o755],
  });
  const r = await runOp(d, {}, { DROPME: 'x' });
  await r.run;
  assert.equal(d.read('used'), 'hello 1 2\n');
  assert.equal(d.read('child'), '1 unset\n', 'an executable sees what was exported only');
  assert.equal(r.state.env['EXPORTED'], '1');
  assert.equal(r.state.env['CONDA_PREFIX'], '/opt/conda/envs/a');
  assert.ok(!('LOCAL' in r.state.env));
  assert.ok(!('DROPME' in r.state.env), 'a variable the scripts unset is gone');
  assert.ok(!Object.keys(r.state.env).some((k) => k.startsWith('BASH_FUNC_')));
  assert.equal(r.state.env['PATH'], '/usr/bin:/bin');
});

test('a script\'s set -e does not leak into the next one; positional parameters are empty; fd 3 is closed for scripts', async () => {
  const d = scriptDir({
    '10-strict.sh': ['set -e\necho "args=$#" > "$OUT/args"\n{ true >&3; } 2>/dev/null && echo open > "$OUT/fd3" || echo closed > "$OUT/fd3"\n', 0o644],
    '20-lax.sh': ['false\necho survived > "$OUT/lax"\n', 0o644],
    '30-child': ['#!/bin/sh\n{ true >&3; } 2>/dev/null && echo open > "$OUT/fd3-child" || echo closed > "$OUT/fd3-child"\n', 0o755],
  });
  const r = await runOp(d);
  await r.run;
  assert.equal(d.read('args'), 'args=0\n');
  assert.equal(d.read('lax'), 'survived\n');
  assert.equal(d.read('fd3'), 'closed\n');
  assert.equal(d.read('fd3-child'), 'closed\n');
});

test('the scripts run in the op\'s working directory (the world\'s when there is one), with PWD to match', async () => {
  const d = scriptDir({ '10-where.sh': ['echo "$(pwd -P) $PWD" > "$OUT/where"\n', 0o644] });
  await (await runOp(d, { cwd: d.dir })).run;
  const real = fs.realpathSync(d.dir);
  assert.equal(d.read('where'), `${real} ${d.dir}\n`);
  await (await runOp(d, { world: { set: { PATH: '/usr/bin:/bin' }, unset: [], cwd: '/' } })).run;
  assert.equal(d.read('where'), '/ /\n');
});

test('in root\'s world: the scripts see root\'s PATH and HOME; a PATH they extend is extended from the person\'s', async () => {
  const d = scriptDir({ '10-world.sh': ['echo "$PATH|$HOME|${XDG_CONFIG_HOME-none}" > "$OUT/seen"\nexport PATH="/opt/tool/bin:$PATH"\nexport ADDED=yes\n', 0o644] });
  const world: ScriptWorld = { set: { PATH: '/usr/bin:/bin', HOME: d.root }, unset: ['XDG_CONFIG_HOME'], cwd: '/' };
  const r = await runOp(d, { world }, { PATH: '/opt/conda/bin:/usr/bin:/bin', HOME: '/home/alice', XDG_CONFIG_HOME: '/home/alice/.config' });
  await r.run;
  assert.equal(d.read('seen'), `/usr/bin:/bin|${d.root}|none\n`);
  assert.equal(r.state.env['PATH'], '/opt/tool/bin:/opt/conda/bin:/usr/bin:/bin');
  assert.equal(r.state.env['HOME'], '/home/alice', 'left as given: the person\'s stays');
  assert.equal(r.state.env['XDG_CONFIG_HOME'], '/home/alice/.config', 'kept from the scripts is not unset for the command');
  assert.equal(r.state.env['ADDED'], 'yes');
});

test('a failing script under on_failure = continue: one error line, the next script still runs', async () => {
  const d = scriptDir({
    '10-fail': ['#!/bin/sh\nexit 3\n', 0o755],
    '20-return.sh': ['return 5\n', 0o644],
    '30-after.sh': ['export AFTER=ran\n', 0o644],
  });
  const r = await runOp(d);
  await r.run;
  assert.deepEqual(r.failures, [
    { file: `${d.dir}/10-fail`, kind: 'failed', detail: 'exit status 3' },
    { file: `${d.dir}/20-return.sh`, kind: 'failed', detail: 'exit status 5' },
  ]);
  assert.deepEqual(r.msgs('error'), [
    `${d.dir}/10-fail has failed, continuing execution (exit status 3)`,
    `${d.dir}/20-return.sh has failed, continuing execution (exit status 5)`,
  ]);
  assert.equal(r.state.env['AFTER'], 'ran');
});

test('a failing script under on_failure = abort: ScriptsStopped (status 1), nothing after it runs, the environment is not taken', async () => {
  const d = scriptDir({
    '10-set.sh': ['export SET_BEFORE=1\n', 0o644],
    '20-fail': ['#!/bin/sh\nexit 9\n', 0o755],
    '30-never.sh': ['echo ran > "$OUT/never"\n', 0o644],
  });
  const r = await runOp(d, {}, {}, { onFailure: () => 'abort' });
  await assert.rejects(r.run, (err: unknown) => {
    assert.ok(err instanceof ScriptsStopped);
    assert.equal(err.status, 1);
    assert.equal(err.message, `${d.dir}/20-fail exit status 9 ([hooks] on_failure = abort)`);
    return true;
  });
  assert.ok(!fs.existsSync(path.join(d.root, 'out/never')));
  assert.deepEqual(r.msgs('error'), [`${d.dir}/20-fail has failed (exit status 9); stopping start-up ([hooks] on_failure = abort)`]);
  assert.ok(!('SET_BEFORE' in r.state.env));
});

test('a sourced script that exits the shell stops start-up with its status, as start.sh does', async () => {
  for (const [body, status] of [['exit 7\n', 7], ['set -e\nfalse\n', 1]] as const) {
    const d = scriptDir({ '10-exit.sh': [body, 0o644], '20-never.sh': ['echo ran > "$OUT/never"\n', 0o644] });
    const r = await runOp(d);
    await assert.rejects(r.run, (err: unknown) => err instanceof ScriptsStopped && err.status === status && err.message === `${d.dir}/10-exit.sh exited the shell with status ${status}`);
    assert.ok(!fs.existsSync(path.join(d.root, 'out/never')), body);
    assert.deepEqual(r.msgs('error'), [`${d.dir}/10-exit.sh exited the shell with status ${status}: start-up stops, as with start.sh`]);
    assert.deepEqual(r.failures, [], 'not a failure for on_failure: the shell is gone');
  }
});

test('a script past [hooks] timeout is killed with its process group; under continue the next directory\'s work goes on', async () => {
  const d = scriptDir({ '10-hang': ['#!/bin/sh\nsleep 300 &\necho $! > "$OUT/bg"\nexec sleep 300\n', 0o755], '20-never.sh': ['echo ran > "$OUT/never"\n', 0o644] });
  // Long enough for the script to start its child and say its pid on a loaded machine.
  const r = await runOp(d, {}, {}, { timeoutMs: 1500 });
  await r.run;
  assert.deepEqual(r.failures.map((f) => [f.file, f.kind, f.detail]), [[`${d.dir}/10-hang`, 'timed-out', 'timed out after 1.5s; killed with its process group']]);
  assert.deepEqual(r.msgs('error'), [`${d.dir}/10-hang has failed, continuing execution (timed out after 1.5s; killed with its process group)`]);
  assert.ok(await dies(Number(d.read('bg'))), 'the script\'s background child is gone too');
  assert.ok(!fs.existsSync(path.join(d.root, 'out/never')), 'the rest of that bash went with it');
});

test('a timeout under abort stops start-up', async () => {
  const d = scriptDir({ '10-hang': ['#!/bin/sh\nexec sleep 300\n', 0o755] });
  const r = await runOp(d, {}, {}, { timeoutMs: 300, onFailure: () => 'abort' });
  await assert.rejects(r.run, (err: unknown) => err instanceof ScriptsStopped && err.status === 1 && /10-hang timed out after 0.3s/.test(err.message));
});

test('after a script that timed out (continue), the command\'s environment is as it was', async () => {
  const d = scriptDir({ '10-hang': ['#!/bin/sh\nexec sleep 300\n', 0o755] });
  const r = await runOp(d, {}, { KEEP: 'k' }, { timeoutMs: 300 });
  await r.run;
  assert.equal(r.state.env['KEEP'], 'k');
  assert.equal(r.state.env['PATH'], '/usr/bin:/bin');
});

test('a background child a script starts keeps running, and does not hold start-up', async () => {
  const d = scriptDir({
    '10-daemon.sh': ['(exec sleep 120) >/dev/null 2>&1 &\necho $! > "$OUT/daemon"\n', 0o644],
    '20-exec': ['#!/bin/sh\n(exec sleep 120) >/dev/null 2>&1 &\necho $! > "$OUT/daemon2"\n', 0o755],
    '30-after.sh': ['export AFTER=1\n', 0o644],
  });
  const r = await runOp(d);
  await r.run; // would wait two minutes if the children held the channel
  const pids = [Number(d.read('daemon')), Number(d.read('daemon2'))];
  try {
    for (const pid of pids) assert.doesNotThrow(() => process.kill(pid, 0), `background child ${pid} still runs`);
    assert.equal(r.state.env['AFTER'], '1', 'the environment came back all the same');
  } finally {
    for (const pid of pids) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
});

test('no files: nothing is started, the two log lines only', async () => {
  const d = scriptDir({});
  const r = await runOp(d, { bash: '/nonexistent/bash' });
  await r.run;
  assert.deepEqual(r.msgs('info'), [`Running hooks in: ${d.dir} as uid: ${process.getuid!()} gid: ${process.getgid!()}`, `Done running hooks in: ${d.dir}`]);
  assert.deepEqual(r.failures, []);
});

test('a bash that cannot be started is a failure of the directory, for on_failure to decide', async () => {
  const d = scriptDir({ '10-a.sh': ['true\n', 0o644] });
  const cont = await runOp(d, { bash: '/nonexistent/bash' });
  await cont.run;
  assert.equal(cont.failures.length, 1);
  assert.equal(cont.failures[0]!.file, d.dir);
  assert.match(cont.failures[0]!.detail, /^\/nonexistent\/bash could not be started: /);
  const abort = await runOp(d, { bash: '/nonexistent/bash' }, {}, { onFailure: () => 'abort' });
  await assert.rejects(abort.run, (err: unknown) => err instanceof ScriptsStopped && err.status === 1);
});

test('a shell killed by a signal is a failure (signal), not an exit status', async () => {
  const d = scriptDir({ '10-kill.sh': ['kill -9 $$\n', 0o644] });
  const r = await runOp(d);
  await r.run;
  assert.deepEqual(r.failures.map((f) => [f.kind, f.detail]), [['signal', 'killed by SIGKILL']]);
});

test('as root the scripts run as root (the log says which uid)', { skip: !isRoot && 'root only' }, async () => {
  const d = scriptDir({ '10-id.sh': ['id -u > "$OUT/uid"\n', 0o644] });
  const r = await runOp(d);
  await r.run;
  assert.equal(d.read('uid'), '0\n');
  assert.match(r.msgs('info')[0]!, / as uid: 0 gid: 0$/);
});
