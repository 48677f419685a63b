// [metrics] cells with real IPython kernels (ipykernel from PyPI, in base-notebook): cells run through
// JupyterLab's server (REST sessions, the kernel's websocket) are counted per kernel and notebook; the
// settings' other cases start kernels with jupyter_client as a server does (test/e2e/files/run-cells.py).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { BASE_NOTEBOOK } from './lib/images.ts';
import { openSession } from './lib/kernel.ts';
import { REPO, run, show } from './lib/podman.ts';
import { startServer } from './lib/server.ts';

interface Record_ {
  user: string;
  kernel: string;
  notebook: string;
  execution_count: number;
  ok: boolean;
  cells: number;
  failed: number;
}
interface Report {
  kernels: Record<string, string>;
  prom: Record<string, string | null>;
  jsonl: Record_[] | null;
  left: string[] | null;
}

const SCRIPT = path.join(REPO, 'test/e2e/files/run-cells.py');

function runCells(env: Record<string, string>, plan: Record<string, [number, number]>, after = 'true'): { report: Report; tail: string; shown: string } {
  const cmd = `python3 /t/run-cells.py '${JSON.stringify(plan)}' 2>/tmp/kernels.log; ${after}`;
  const r = run({ image: BASE_NOTEBOOK, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010', ...env }, volumes: [`${SCRIPT}:/t/run-cells.py:ro`], command: ['sh', '-c', cmd] });
  const [first, ...rest] = r.stdout.split('\n');
  assert.equal(r.code, 0, show(r));
  return { report: JSON.parse(first!) as Report, tail: rest.join('\n'), shown: show(r) };
}

test('cells = yes: cells run through JupyterLab\'s server are counted per kernel and notebook, in JSON lines and Prometheus', async () => {
  const s = await startServer({ image: BASE_NOTEBOOK, env: { NB_USER: 'alice', NB_UID: '1010', NBSTART_METRICS_CELLS: 'yes' } });
  try {
    // A notebook folder with a module of the extension's name must not replace the real one.
    for (const [p, body] of [['course', { type: 'directory' }], ['course/nbstart_cells.py', { type: 'file', format: 'text', content: "raise RuntimeError('decoy nbstart_cells imported')\n" }]] as const) {
      const r = await s.request('PUT', `/api/contents/${p}`, body);
      assert.equal(r.status, 201, r.text);
    }
    const plan: Record<string, [number, number]> = { 'course/hw1.ipynb': [4, 1], 'Untitled "2".ipynb': [2, 0] };
    const kernels: Record<string, string> = {};
    const prom: Record<string, string> = {};
    for (const [notebook, [ok, failing]] of Object.entries(plan)) {
      const session = await openSession(s, notebook);
      kernels[notebook] = session.kernelId;
      for (let i = 0; i < ok; i++) assert.equal((await session.run(`x = ${i}`)).status, 'ok');
      for (let i = 0; i < failing; i++) assert.equal((await session.run('1/0')).error, 'ZeroDivisionError: division by zero');
      // What a UI sends besides cells (completion, widgets) is silent: not a cell.
      assert.equal((await session.run('y = 1', { silent: true })).status, 'ok');
      const env = await session.run('import os; print(os.environ.get("JPY_SESSION_NAME"))');
      assert.equal(env.stdout, `/home/alice/${notebook}\n`, 'the server told the kernel its notebook (Jupyter Server 2: the absolute path)');
      prom[notebook] = s.exec(['cat', `/var/log/nbstart/cells-${session.kernelId}.prom`]).stdout;
      await session.close();
    }
    // Bounded: each kernel removes its .prom file as it exits, shortly after the session is gone.
    let left = '';
    for (let i = 0; i < 100 && (left = s.exec(['ls', '/var/log/nbstart']).stdout) !== 'cells.jsonl\n'; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(left, 'cells.jsonl\n', 'each kernel removed its .prom file when it shut down');
    const jsonl = s.exec(['cat', '/var/log/nbstart/cells.jsonl']).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record_);
    for (const [notebook, [ok, failing]] of Object.entries(plan)) {
      const kid = kernels[notebook]!;
      const mine = jsonl.filter((r) => r.kernel === kid);
      // The JPY_SESSION_NAME check above is a cell too.
      const cells = ok + failing + 1;
      assert.equal(mine.length, cells, `one line per cell run in ${notebook}\n${JSON.stringify(jsonl)}`);
      assert.ok(mine.every((r) => r.notebook === notebook && r.user === 'alice'), 'the path as the UI shows it, relative to the home');
      assert.deepEqual(mine.map((r) => r.cells), Array.from({ length: cells }, (_, i) => i + 1));
      assert.deepEqual(mine.map((r) => r.ok), [...Array(ok).fill(true), ...Array(failing).fill(false), true]);
      assert.deepEqual(mine.map((r) => r.execution_count), Array.from({ length: cells }, (_, i) => i + 1));
      assert.equal(mine.at(-1)!.failed, failing);
      // The .prom file as it was before the JPY_SESSION_NAME cell ran: ok and failed cells so far.
      const label = `user="alice",kernel="${kid}",notebook="${notebook.replaceAll('"', '\\"')}"`;
      assert.match(prom[notebook]!, new RegExp(`^nbstart_cells_run_total\\{${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},status="ok"\\} ${ok + 1}$`, 'm'), prom[notebook]!);
      assert.match(prom[notebook]!, new RegExp(`,status="error"\\} ${failing}$`, 'm'), prom[notebook]!);
    }
    const st = s.exec(['stat', '-c', '%U %a %n', '/etc/ipython/ipython_kernel_config.py', '/var/log/nbstart', '/var/log/nbstart/cells.jsonl']);
    assert.equal(st.stdout, 'root 644 /etc/ipython/ipython_kernel_config.py\nalice 755 /var/log/nbstart\nalice 644 /var/log/nbstart/cells.jsonl\n', show(st));
    assert.doesNotMatch(s.logs(), /decoy|nbstart_cells: cannot write/);
  } finally {
    s.stop();
  }
});

test('cells = no (the default): no kernel config, nothing counted, nothing written', () => {
  const { report, tail } = runCells({}, { 'a.ipynb': [2, 0] }, 'ls /etc/ipython 2>&1 | head -1');
  assert.equal(report.jsonl, null);
  assert.equal(report.left, null);
  assert.match(tail, /No such file or directory/);
});

test('formats and path are honoured: only Prometheus, in another directory', () => {
  const { report } = runCells({ NBSTART_METRICS_CELLS: '1', NBSTART_METRICS_PATH: '/srv/metrics', NBSTART_METRICS_FORMATS: 'prometheus', METRICS_DIR: '/srv/metrics' }, { 'p.ipynb': [3, 0] });
  assert.equal(report.jsonl, null, 'no JSON lines asked for');
  assert.match(report.prom['p.ipynb']!, /status="ok"\} 3$/m);
});

test('hooks converge: turning metrics off removes nbstart\'s config and keeps the collected counts', () => {
  const script = [
    'NBSTART_METRICS_CELLS=yes /usr/local/bin/nbstart true 2>/dev/null',
    'echo counted > /var/log/nbstart/cells.jsonl',
    'NBSTART_METRICS_CELLS=yes /usr/local/bin/nbstart true 2>/tmp/2.log; grep -c "\\[metrics\\]" /tmp/2.log',
    'NBSTART_METRICS_CELLS=no /usr/local/bin/nbstart true 2>/dev/null',
    'test -e /etc/ipython/ipython_kernel_config.py && echo config-left || echo config-removed; cat /var/log/nbstart/cells.jsonl',
  ].join('; ');
  const r = run({ image: BASE_NOTEBOOK, user: 'root', extra: ['--entrypoint', 'sh'], command: ['-c', script] });
  assert.equal(r.stdout, '0\nconfig-removed\ncounted\n', show(r));
});

test('a bad metrics setting stops the start with one line naming it', () => {
  const r = run({ image: BASE_NOTEBOOK, user: 'root', env: { NBSTART_METRICS_CELLS: 'yes', NBSTART_METRICS_PATH: 'relative/dir' }, command: ['true'] });
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, /NBSTART_METRICS_PATH: the metrics directory must be an absolute path, got "relative\/dir"/);
});
