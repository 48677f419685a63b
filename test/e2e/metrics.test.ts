// [metrics] cells with real IPython kernels (Debian's python3-ipykernel, started by jupyter_client
// as a server starts them): the counts written match the cells run, per kernel and notebook.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { BASE_NOTEBOOK } from './lib/images.ts';
import { REPO, run, show } from './lib/podman.ts';

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

test('cells = yes: every cell run is counted per kernel and notebook, in JSON lines and Prometheus', () => {
  const plan: Record<string, [number, number]> = { 'course/hw1.ipynb': [4, 1], 'Untitled "2".ipynb': [2, 0] };
  const { report, tail, shown } = runCells({ NBSTART_METRICS_CELLS: 'yes' }, plan,
    'stat -c "%U %a %n" /etc/ipython/ipython_kernel_config.py /var/log/nbstart /var/log/nbstart/cells.jsonl; grep -c decoy /tmp/kernels.log || true');
  const jsonl = report.jsonl!;
  assert.ok(jsonl, shown);
  for (const [notebook, [ok, failing]] of Object.entries(plan)) {
    const kid = report.kernels[notebook]!;
    const mine = jsonl.filter((r) => r.kernel === kid);
    assert.equal(mine.length, ok + failing, `one line per cell run in ${notebook}\n${shown}`);
    assert.ok(mine.every((r) => r.notebook === notebook && r.user === 'alice'));
    assert.deepEqual(mine.map((r) => r.cells), Array.from({ length: ok + failing }, (_, i) => i + 1));
    assert.deepEqual(mine.map((r) => r.ok), [...Array(ok).fill(true), ...Array(failing).fill(false)]);
    assert.equal(mine.at(-1)!.failed, failing);
    const label = `user="alice",kernel="${kid}",notebook="${notebook.replaceAll('"', '\\"')}"`;
    assert.match(report.prom[notebook]!, new RegExp(`^nbstart_cells_run_total\\{${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},status="ok"\\} ${ok}$`, 'm'), report.prom[notebook]!);
    assert.match(report.prom[notebook]!, new RegExp(`,status="error"\\} ${failing}$`, 'm'));
  }
  assert.deepEqual(report.left, ['cells.jsonl'], 'each kernel removed its .prom file when it shut down');
  assert.equal(tail, 'root 644 /etc/ipython/ipython_kernel_config.py\nalice 755 /var/log/nbstart\nalice 644 /var/log/nbstart/cells.jsonl\n0\n', shown);
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
