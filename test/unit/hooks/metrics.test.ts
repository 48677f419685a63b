import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CELLS_MODULE, KERNEL_CONFIG, kernelConfig, metrics } from '../../../src/hooks/metrics.ts';
import { apply } from '../../../src/plan/apply.ts';
import { createLogger } from '../../../src/log.ts';
import { fileWrites, rootOnly } from '../helpers.ts';
import { rootContext } from './context.ts';

const MODULE = { [CELLS_MODULE.slice(1)]: '# module\n' };
const ON = { NB_UID: '1010', NBSTART_METRICS_CELLS: 'yes' };

test('on: the metrics dir is made for the person, the kernel config is written by root', { skip: rootOnly('system directories of root\'s') }, async () => {
  const plan = await metrics.plan(rootContext(ON, { ...MODULE, 'var/log/': '' }));
  assert.deepEqual(plan.ops.map((o) => o.kind === 'mkdir' ? `mkdir ${o.path} ${o.uid}:${o.gid}` : o.kind === 'write-files' ? o.files.map((f) => `write ${f.path} ${f.uid}:${f.gid} ${f.mode.toString(8)}`).join() : o.kind), [
    'mkdir /var/log/nbstart 1010:100',
    'mkdir /etc/ipython 0:0',
    `write ${KERNEL_CONFIG} 0:0 644`,
  ]);
  const cfg = fileWrites(plan.ops).at(-1)!;
  assert.match(cfg.content, /^# Written by nbstart/);
  assert.match(cfg.content, /^c\.InteractiveShellApp\.extensions\.append\('nbstart_cells'\)$/m);
  assert.match(cfg.content, /^c\.NbstartCells\.directory = "\/var\/log\/nbstart"$/m);
  assert.match(cfg.content, /^c\.NbstartCells\.formats = \["jsonl","prometheus"\]$/m);
  assert.match(cfg.content, /spec_from_file_location\('nbstart_cells', "\/usr\/local\/lib\/nbstart\/python\/nbstart_cells\.py"\)/);
});

test('converges, and a restart as another uid hands the directory and its counts over', { skip: rootOnly('system directories of root\'s') }, async () => {
  const ctx = rootContext(ON, { ...MODULE });
  await apply((await metrics.plan(ctx)).ops, { root: ctx.fs.root, state: { env: {}, cwd: '/' }, log: createLogger('silent', 'json'), scripts: { timeoutMs: 0, onFailure: () => 'continue' } });
  if (process.geteuid?.() === 0) {
    assert.equal(fs.statSync(path.join(ctx.fs.root, 'var/log/nbstart')).uid, 1010);
    assert.deepEqual((await metrics.plan(ctx)).ops, []);
  }
  const other = rootContext({ ...ON, NB_UID: '1020' }, { ...MODULE, 'var/log/nbstart/': '', [KERNEL_CONFIG.slice(1)]: kernelConfig(ctx.config.metrics) });
  const st = fs.statSync(path.join(other.fs.root, 'var/log/nbstart'));
  const ops = (await metrics.plan(other)).ops;
  assert.deepEqual(ops, [{
    kind: 'chown-tree', path: '/var/log/nbstart', uid: 1020, gid: 100, recursive: true, only: { uid: st.uid, gid: st.gid },
    why: `/var/log/nbstart and its counts follow the person from ${st.uid}:${st.gid} to 1020:100`,
  }]);
});

test('off: nbstart\'s config is removed; an image\'s own config is never touched', async () => {
  const mine = await metrics.plan(rootContext({}, { [KERNEL_CONFIG.slice(1)]: '# Written by nbstart because ...\n' }));
  assert.deepEqual(mine.ops.map((o) => o.kind), ['remove']);
  const theirs = { [KERNEL_CONFIG.slice(1)]: 'c.IPKernelApp.matplotlib = "inline"\n' };
  assert.deepEqual(await metrics.plan(rootContext({}, theirs)), { ops: [], notes: [] });
  const on = await metrics.plan(rootContext(ON, { ...MODULE, ...theirs }));
  assert.deepEqual(on.ops, []);
  assert.match(on.notes[0]!.msg, /the image has its own \/etc\/ipython\/ipython_kernel_config\.py: add c\.InteractiveShellApp\.extensions\.append\('nbstart_cells'\)/);
});

test('an image without the extension module gets a warning, not a config that fails in every kernel', async () => {
  const plan = await metrics.plan(rootContext(ON));
  assert.deepEqual(plan.ops, []);
  assert.match(plan.notes[0]!.msg, /lacks \/usr\/local\/lib\/nbstart\/python\/nbstart_cells\.py/);
});

test('a metrics path that is a symlink or a file is refused', { skip: rootOnly('system directories of root\'s') }, async () => {
  const ctx = rootContext(ON, { ...MODULE, 'var/log/': '', 'tmp/x/': '' });
  fs.symlinkSync('/tmp/x', path.join(ctx.fs.root, 'var/log/nbstart'));
  const plan = await metrics.plan(ctx);
  assert.deepEqual(plan.ops, []);
  assert.match(plan.notes[0]!.msg, /\/var\/log\/nbstart exists and is not a directory/);
});
