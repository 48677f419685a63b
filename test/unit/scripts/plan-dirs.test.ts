// Planning hook directories with docker-stacks' rules: byte order, *.sh sourced, executables run,
// the rest named and skipped; missing directories skipped silently, bad ones a warning (or the end
// of start-up under abort); as root, root's world and root's scripts only; [hooks] as_user's share.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StartContext } from '../../../src/hooks/hook.ts';
import type { RunScriptsOp } from '../../../src/ops/run-scripts.ts';
import { planScriptDirs, type DirsSpec } from '../../../src/scripts/plan-dirs.ts';
import { configFrom } from '../helpers.ts';
import { rootContext, testFacts } from '../hooks/context.ts';

const isRoot = process.getuid!() === 0;
const D = '/hooks/d';
const spec = (over: Partial<DirsSpec> = {}): DirsSpec => ({ dirs: [D], setting: '[hooks] root_dirs', as: 'alice', asRoot: false, ...over });

/** A start context over a tree with these hook files (name → [content, mode]). */
function ctxWith(files: Record<string, [string, number]>, env: Record<string, string> = {}): StartContext {
  const tree: Record<string, string> = { 'hooks/d/': '', 'usr/bin/bash': '#!/bin/sh\n' };
  for (const [name, [content]] of Object.entries(files)) tree[`hooks/d/${name}`] = content;
  const ctx = rootContext(env, tree, '/');
  for (const [name, [, mode]] of Object.entries(files)) if (!name.endsWith('/')) fs.chmodSync(ctx.fs.real(`${D}/${name}`), mode);
  fs.chmodSync(ctx.fs.real('/usr/bin/bash'), 0o755);
  return { ...ctx, env: { PATH: '/usr/bin', ...env } };
}

const scripts = (ops: readonly unknown[]): [string, string][] => (ops as RunScriptsOp[]).flatMap((o) => o.files.map((f) => [path.basename(f.path), f.mode] as [string, string]));

test('byte order (C locale), *.sh sourced whatever its mode, executables run, the rest named in its place; subdirectories skipped silently', () => {
  const ctx = ctxWith({
    'a.sh': ['', 0o644], 'B.sh': ['', 0o644], '20-b.sh': ['', 0o600], '10-a': ['', 0o755], '05-plain': ['', 0o644], 'é.sh': ['', 0o644], 'sub/': ['', 0o755],
  });
  const fifo = spawnSync('mkfifo', [ctx.fs.real(`${D}/30-fifo`)]).status === 0;
  const plan = planScriptDirs(ctx, spec({ cwd: '/home/alice' }));
  // What is neither sourced nor run is named in its place ('Ignoring non-executable', as run-hooks.sh).
  assert.deepEqual(scripts(plan.ops), [
    ['05-plain', 'ignore'], ['10-a', 'exec'], ['20-b.sh', 'source'], ...(fifo ? [['30-fifo', 'ignore'] as [string, string]] : []),
    ['B.sh', 'source'], ['a.sh', 'source'], ['é.sh', 'source'],
  ]);
  assert.deepEqual(plan.notes, []);
  const op = plan.ops[0] as RunScriptsOp;
  assert.deepEqual({ ...op, files: [] }, {
    kind: 'run-scripts', dir: D, files: [], bash: 'bash', as: 'alice', cwd: '/home/alice',
    why: '[hooks] root_dirs: *.sh files are sourced, so their exports reach the command; executables run',
  });
});

test('one op per directory, in the order given; a missing directory is skipped without a word', () => {
  const ctx = ctxWith({ 'x.sh': ['', 0o644] });
  fs.mkdirSync(ctx.fs.real('/hooks/e'));
  fs.writeFileSync(ctx.fs.real('/hooks/e/y.sh'), '');
  const plan = planScriptDirs(ctx, spec({ dirs: ['/hooks/e', '/hooks/missing', D] }));
  assert.deepEqual(plan.ops.map((o) => (o as RunScriptsOp).dir), ['/hooks/e', D]);
  assert.deepEqual(plan.notes, []);
  assert.deepEqual(planScriptDirs(ctx, spec({ dirs: [] })), { ops: [], notes: [] });
});

test('a hook "directory" that is a file: a warning naming the setting; under abort it stops start-up', () => {
  const ctx = ctxWith({ 'x.sh': ['', 0o644] });
  const asFile = spec({ dirs: [`${D}/x.sh`], setting: '[hooks] user_dirs' });
  assert.deepEqual(planScriptDirs(ctx, asFile), { ops: [], notes: [{ level: 'warn', msg: `[hooks] user_dirs: ${D}/x.sh is not a directory; skipped (point [hooks] user_dirs at directories)` }] });
  const abort = { ...ctx, config: configFrom({ NBSTART_HOOKS_ON_FAILURE: 'abort' }) };
  assert.throws(() => planScriptDirs(abort, asFile), { message: `[hooks] user_dirs: ${D}/x.sh is not a directory; skipped (point [hooks] user_dirs at directories) ([hooks] on_failure = abort)` });
});

test('"executable" is decided for the starting process: owner, group (primary or supplementary) or other bits', () => {
  const ctx = ctxWith({ 'u': ['', 0o700], 'g': ['', 0o070], 'o': ['', 0o007] });
  // Files of a uid other than root's, so that the owner bits are what counts for their owner.
  if (isRoot) for (const n of ['u', 'g', 'o']) fs.chownSync(ctx.fs.real(`${D}/${n}`), 1234, 1234);
  const st = fs.statSync(ctx.fs.real(`${D}/u`));
  const as = (over: Parameters<typeof testFacts>[1]) => scripts(planScriptDirs({ ...ctx, facts: testFacts(ctx.fs, over) }, spec()).ops).filter(([, mode]) => mode !== 'ignore').map(([n]) => n);
  assert.deepEqual(as({ euid: 0 }), ['g', 'o', 'u'], 'root: any x bit');
  assert.deepEqual(as({ euid: st.uid, gid: st.gid, groups: [st.gid] }), ['u'], 'the owner: only the owner bits, even when in the group');
  assert.deepEqual(as({ euid: st.uid + 7, gid: st.gid, groups: [] }), ['g'], 'the primary group');
  assert.deepEqual(as({ euid: st.uid + 7, gid: st.gid + 7, groups: [st.gid] }), ['g'], 'a supplementary group');
  assert.deepEqual(as({ euid: st.uid + 7, gid: st.gid + 7, groups: [] }), ['o'], 'anyone else');
});

test('[hooks] as_user: `skip` leaves the named scripts to the user phase with a note; `only` takes just them', () => {
  const ctx = ctxWith({ '10activate-conda-env.sh': ['', 0o644], '20-other.sh': ['', 0o644] });
  const why = 'runs after the drop, as alice ([hooks] as_user)';
  const skipped = planScriptDirs(ctx, spec({ skip: { names: ['10activate-conda-env.sh'], why } }));
  assert.deepEqual(scripts(skipped.ops), [['20-other.sh', 'source']]);
  assert.deepEqual(skipped.notes, [{ level: 'info', msg: `${D}/10activate-conda-env.sh: ${why}` }]);
  assert.deepEqual(scripts(planScriptDirs(ctx, spec({ only: ['10activate-conda-env.sh'] })).ops), [['10activate-conda-env.sh', 'source']]);
  assert.deepEqual(planScriptDirs(ctx, spec({ only: ['not-here.sh'] })), { ops: [], notes: [] }, 'a directory without the named scripts gets no op');
});

test('as root, a script that someone else can change is not run: one error line; under abort start-up stops', () => {
  const ctx = ctxWith({ '10-theirs.sh': ['', 0o644] });
  if (isRoot) fs.chownSync(ctx.fs.real(`${D}/10-theirs.sh`), 1010, 100); // otherwise the test user's tree is not root's anyway
  const plan = planScriptDirs(ctx, spec({ asRoot: true, as: 'root' }));
  assert.deepEqual(scripts(plan.ops), []);
  const errors = plan.notes.filter((n) => n.level === 'error');
  assert.equal(errors.length, 1, JSON.stringify(plan.notes));
  assert.match(errors[0]!.msg, new RegExp(`^${D}/10-theirs.sh is not run as root: .* belongs to uid \\d+, not root \\(only files that root alone can change run as root\\)$`));
  const abort = { ...ctx, config: configFrom({ NBSTART_HOOKS_ON_FAILURE: 'abort' }) };
  assert.throws(() => planScriptDirs(abort, spec({ asRoot: true, as: 'root' })), /is not run as root: .*\(\[hooks\] on_failure = abort\)$/);
});

test('as root: root\'s world on the op, bash by absolute path from root\'s PATH, what was left out said once', { skip: !isRoot && 'needs a tree of root\'s' }, () => {
  const ctx = ctxWith({ 'a.sh': ['', 0o644] }, { PATH: '/opt/conda/bin:/usr/bin', HOME: '/home/jovyan' });
  fs.mkdirSync(ctx.fs.real('/opt/conda/bin'), { recursive: true, mode: 0o775 });
  fs.chmodSync(ctx.fs.real('/opt/conda/bin'), 0o775);
  fs.mkdirSync(ctx.fs.real('/hooks/e'));
  fs.writeFileSync(ctx.fs.real('/hooks/e/b.sh'), '');
  const plan = planScriptDirs(ctx, spec({ dirs: [D, '/hooks/e'], asRoot: true, as: 'root' }));
  const ops = plan.ops as RunScriptsOp[];
  assert.deepEqual(ops.map((o) => [o.dir, o.bash, o.world?.set['PATH'], o.world?.set['HOME'], o.world?.cwd, 'cwd' in o]), [
    [D, '/usr/bin/bash', '/usr/bin', '/root', '/', false], ['/hooks/e', '/usr/bin/bash', '/usr/bin', '/root', '/', false],
  ]);
  // docker-stacks' own layout ($CONDA_DIR group-writable, first on PATH) is said; anything else is warned.
  assert.deepEqual(plan.notes, [{ level: 'info', msg: 'scripts run as root do not get what the person could change: left out PATH entry /opt/conda/bin (is writable by group 0 (mode 775))' }]);
  fs.mkdirSync(ctx.fs.real('/opt/tools'), { mode: 0o777 });
  fs.chmodSync(ctx.fs.real('/opt/tools'), 0o777);
  const other = planScriptDirs({ ...ctx, env: { ...ctx.env, PATH: '/opt/tools:/usr/bin' } }, spec({ asRoot: true, as: 'root' }));
  assert.deepEqual(other.notes.map((n) => n.level), ['warn'], JSON.stringify(other.notes));
});

test('as root without a bash that root alone can change on PATH: the directory is skipped with an error', { skip: !isRoot && 'needs a tree of root\'s' }, () => {
  const ctx = ctxWith({ 'a.sh': ['', 0o644] });
  fs.chmodSync(ctx.fs.real('/usr/bin/bash'), 0o757);
  const plan = planScriptDirs(ctx, spec({ asRoot: true, as: 'root' }));
  assert.deepEqual(plan, { ops: [], notes: [{ level: 'error', msg: `[hooks] root_dirs: no bash that root alone can change is on PATH /usr/bin; the scripts of ${D} are skipped` }] });
});
