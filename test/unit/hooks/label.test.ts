import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENABLE_JSON, LABEL_ENABLE_FILE, LABEL_EXTENSION_DIR, label, labelCss, MAIN_JS } from '../../../src/hooks/label.ts';
import { planHooks, type Planned } from '../../../src/pipeline.ts';
import { apply } from '../../../src/plan/apply.ts';
import { createLogger } from '../../../src/log.ts';
import { fileWrites, rootOnly } from '../helpers.ts';
import { rootContext } from './context.ts';

const CSS = `${LABEL_EXTENSION_DIR}/label.css`;
const JS = `${LABEL_EXTENSION_DIR}/main.js`;
const rel = (p: string): string => p.slice(1);

test('a label writes the extension, its stylesheet and the enabling drop-in, creating system dirs', { skip: rootOnly('system directories of root\'s') }, async () => {
  const ctx = rootContext({ NBSTART_LABEL: 'Course <101>', NBSTART_LABEL_COLOR: 'navy' }, { 'etc/': '', 'usr/local/share/': '' });
  const plan = await label.plan(ctx);
  const mkdirs = plan.ops.filter((o) => o.kind === 'mkdir').map((o) => o.kind === 'mkdir' && o.path);
  assert.deepEqual(mkdirs, ['/usr/local/share/jupyter', '/usr/local/share/jupyter/nbextensions', LABEL_EXTENSION_DIR, '/etc/jupyter', '/etc/jupyter/nbconfig', '/etc/jupyter/nbconfig/common.d']);
  assert.equal(plan.ops.filter((o) => o.kind === 'write-files').length, 1, 'the three files are one step');
  const writes = fileWrites(plan.ops);
  assert.deepEqual(writes.map((w) => w.path), [JS, CSS, LABEL_ENABLE_FILE], 'the enabling file comes last');
  for (const w of writes) assert.deepEqual([w.mode, w.uid, w.gid], [0o644, 0, 0]);
  const css = writes[1]!.content;
  assert.match(css, /#nbstart-label::before \{ content: "Course\\000020\\00003C101\\00003E"; \}/);
  assert.match(css, /background: #000080;\n {2}color: #ffffff;/);
  assert.equal(writes[2]!.content, ENABLE_JSON);
  assert.deepEqual(JSON.parse(ENABLE_JSON), { load_extensions: { 'nbstart-label/main': true } });
});

test('converges: applied once, the next plan is empty; a changed text rewrites only the stylesheet', { skip: rootOnly('system directories of root\'s') }, async () => {
  const ctx = rootContext({ NBSTART_LABEL: 'A' });
  await apply((await label.plan(ctx)).ops, { root: ctx.fs.root, state: { env: {}, cwd: '/' }, log: createLogger('silent', 'json'), scripts: { timeoutMs: 0, onFailure: () => 'continue' } });
  assert.equal(fs.readFileSync(path.join(ctx.fs.root, JS), 'utf8'), MAIN_JS);
  assert.deepEqual((await label.plan(ctx)).ops, []);
  const again = rootContext({ NBSTART_LABEL: 'B' });
  const root = again.fs.root;
  fs.cpSync(path.join(ctx.fs.root, 'etc/jupyter'), path.join(root, 'etc/jupyter'), { recursive: true });
  fs.cpSync(path.join(ctx.fs.root, 'usr'), path.join(root, 'usr'), { recursive: true });
  const ops = (await label.plan(again)).ops;
  assert.deepEqual(fileWrites(ops).map((f) => f.path), [CSS]);
});

test('without a label the files are removed, and nothing happens when they are absent', async () => {
  const files = { [rel(JS)]: MAIN_JS, [rel(CSS)]: labelCss('x', '#000000'), [rel(LABEL_ENABLE_FILE)]: ENABLE_JSON };
  const plan = await label.plan(rootContext({}, files));
  assert.deepEqual(plan.ops.map((o) => `${o.kind} ${o.kind === 'remove' ? o.path : ''}`), [`remove ${LABEL_ENABLE_FILE}`, `remove ${CSS}`, `remove ${JS}`]);
  assert.deepEqual(await label.plan(rootContext({ NBSTART_LABEL: '  ' })), { ops: [], notes: [] });
});

test('root will not write through a directory someone else could change', { skip: rootOnly('system directories of root\'s') }, async () => {
  const ctx = rootContext({ NBSTART_LABEL: 'A' }, { 'etc/jupyter/': '' });
  fs.chmodSync(path.join(ctx.fs.root, 'etc/jupyter'), 0o777);
  const plan = await label.plan(ctx);
  assert.deepEqual(plan.ops, []);
  assert.match(plan.notes[0]!.msg, /root will not write \/etc\/jupyter\/nbconfig\/common\.d\/nbstart-label\.json: \/etc\/jupyter is writable by others \(mode 777\); no label/);

  const linked = rootContext({ NBSTART_LABEL: 'A' }, { 'elsewhere/': '', 'usr/local/share/': '' });
  fs.symlinkSync('../../../elsewhere', path.join(linked.fs.root, 'usr/local/share/jupyter'));
  assert.match((await label.plan(linked)).notes[0]!.msg, /\/usr\/local\/share\/jupyter is a symbolic link/);
});

test('a non-root start cannot write system files: the policy skips the hook with a warning, no ops', async () => {
  const [{ plan }] = await planHooks([label], rootContext({ NBSTART_LABEL: 'A' }, {}, '/home/jovyan', false)) as [Planned];
  assert.deepEqual(plan.ops, []);
  assert.match(plan.notes[0]!.msg, /^NBSTART_LABEL is set but the container did not start as root: label skipped/);
});
