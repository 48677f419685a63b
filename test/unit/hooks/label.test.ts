import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { label, labelConfig, LABEL_CONFIG_FILE, LABEL_EXTENSION_DIR } from '../../../src/hooks/label.ts';
import { planHooks, type Planned } from '../../../src/pipeline.ts';
import { apply } from '../../../src/plan/apply.ts';
import { createLogger } from '../../../src/log.ts';
import { fileWrites, rootOnly } from '../helpers.ts';
import { rootContext } from './context.ts';

const rel = (p: string): string => p.slice(1);
/** An image with the extension installed, as the foundation and the shim layer lay it out. */
const EXTENSION = { [`${rel(LABEL_EXTENSION_DIR)}/package.json`]: '{}' };

test('a label writes the page-config drop-in, creating the system dirs', { skip: rootOnly('system directories of root\'s') }, async () => {
  const ctx = rootContext({ NBSTART_LABEL: 'Course <101> "x"', NBSTART_LABEL_COLOR: 'navy' }, { ...EXTENSION, 'usr/local/etc/': '' });
  const plan = await label.plan(ctx);
  const mkdirs = plan.ops.filter((o) => o.kind === 'mkdir').map((o) => o.kind === 'mkdir' && [o.path, o.mode, o.uid, o.gid]);
  assert.deepEqual(mkdirs, ['/usr/local/etc/jupyter', '/usr/local/etc/jupyter/labconfig', '/usr/local/etc/jupyter/labconfig/page_config.d'].map((p) => [p, 0o755, 0, 0]));
  const writes = fileWrites(plan.ops);
  assert.deepEqual(writes.map((w) => [w.path, w.mode, w.uid, w.gid]), [[LABEL_CONFIG_FILE, 0o644, 0, 0]]);
  assert.deepEqual(JSON.parse(writes[0]!.content), { nbstartLabel: 'Course <101> "x"', nbstartLabelColor: '#000080', nbstartLabelTextColor: '#ffffff' });
  assert.equal(writes[0]!.content, labelConfig('Course <101> "x"', '#000080'));
  assert.equal(JSON.parse(labelConfig('x', '#ffd700')).nbstartLabelTextColor, '#000000', 'black on gold');
});

test('converges: applied once, the next plan is empty; a changed text rewrites the file', { skip: rootOnly('system directories of root\'s') }, async () => {
  const ctx = rootContext({ NBSTART_LABEL: 'A' }, EXTENSION);
  await apply((await label.plan(ctx)).ops, { root: ctx.fs.root, state: { env: {}, cwd: '/' }, log: createLogger('silent', 'json'), scripts: { timeoutMs: 0, onFailure: () => 'continue' } });
  assert.equal(fs.readFileSync(path.join(ctx.fs.root, LABEL_CONFIG_FILE), 'utf8'), labelConfig('A', '#f37726'));
  assert.deepEqual((await label.plan(ctx)).ops, []);
  const again = rootContext({ NBSTART_LABEL: 'B' }, EXTENSION);
  fs.cpSync(path.join(ctx.fs.root, 'usr/local/etc'), path.join(again.fs.root, 'usr/local/etc'), { recursive: true });
  const ops = (await label.plan(again)).ops;
  assert.deepEqual(fileWrites(ops).map((f) => f.path), [LABEL_CONFIG_FILE]);
});

test('without a label the file is removed, and nothing happens when it is absent', async () => {
  const plan = await label.plan(rootContext({}, { [rel(LABEL_CONFIG_FILE)]: labelConfig('x', '#000000') }));
  assert.deepEqual(plan.ops.map((o) => `${o.kind} ${o.kind === 'remove' ? o.path : ''}`), [`remove ${LABEL_CONFIG_FILE}`]);
  assert.deepEqual(await label.plan(rootContext({ NBSTART_LABEL: '  ' }, EXTENSION)), { ops: [], notes: [] });
  assert.deepEqual(await label.plan(rootContext({})), { ops: [], notes: [] });
});

test('an image without the extension: a warning and no file (a stale one is removed)', async () => {
  const plan = await label.plan(rootContext({ NBSTART_LABEL: 'A' }));
  assert.deepEqual(plan.ops, []);
  assert.match(plan.notes[0]!.msg, /NBSTART_LABEL is set but this image lacks \/usr\/local\/share\/jupyter\/labextensions\/nbstart-label .*: no label/);
  const stale = await label.plan(rootContext({ NBSTART_LABEL: 'A' }, { [rel(LABEL_CONFIG_FILE)]: labelConfig('A', '#f37726') }));
  assert.deepEqual(stale.ops.map((o) => o.kind), ['remove']);
});

test('root will not write through a directory someone else could change', { skip: rootOnly('system directories of root\'s') }, async () => {
  const ctx = rootContext({ NBSTART_LABEL: 'A' }, { ...EXTENSION, 'usr/local/etc/jupyter/': '' });
  fs.chmodSync(path.join(ctx.fs.root, 'usr/local/etc/jupyter'), 0o777);
  const plan = await label.plan(ctx);
  assert.deepEqual(plan.ops, []);
  assert.match(plan.notes[0]!.msg, /root will not write \/usr\/local\/etc\/jupyter\/labconfig\/page_config\.d\/nbstart-label\.json: \/usr\/local\/etc\/jupyter is writable by others \(mode 777\); no label/);

  const linked = rootContext({ NBSTART_LABEL: 'A' }, { ...EXTENSION, 'elsewhere/': '', 'usr/local/etc/': '' });
  fs.symlinkSync('../../../elsewhere', path.join(linked.fs.root, 'usr/local/etc/jupyter'));
  assert.match((await label.plan(linked)).notes[0]!.msg, /\/usr\/local\/etc\/jupyter is a symbolic link/);
});

test('a non-root start cannot write system files: the policy skips the hook with a warning, no ops', async () => {
  const [{ plan }] = await planHooks([label], rootContext({ NBSTART_LABEL: 'A' }, EXTENSION, '/home/jovyan', false)) as [Planned];
  assert.deepEqual(plan.ops, []);
  assert.match(plan.notes[0]!.msg, /^NBSTART_LABEL is set but the container did not start as root: label skipped/);
});

test('asked: only a label that is not in place yet, or a file without a label, asks for root', () => {
  assert.equal(label.asked(rootContext({})), undefined);
  assert.equal(label.asked(rootContext({ NBSTART_LABEL: 'A' }, EXTENSION)), 'NBSTART_LABEL is set');
  assert.equal(label.asked(rootContext({ NBSTART_LABEL: 'A' }, { ...EXTENSION, [rel(LABEL_CONFIG_FILE)]: labelConfig('A', '#f37726') })), undefined, 'baked in: nothing to do');
  assert.match(label.asked(rootContext({}, { [rel(LABEL_CONFIG_FILE)]: '{}' }))!, /^no label is configured and \/usr\/local\/etc\/jupyter\/labconfig\/page_config\.d\/nbstart-label\.json remains$/);
});
