// NBSTART_LABEL in the real JupyterLab 4 and Notebook 7 of the base-notebook image, looked at with
// headless Chromium: the label's element is in the top bar right after the logo with the text as
// text (markup stays text), the screenshot shows it there in its colour, and without a label there
// is none. Screenshots are kept in .cache/e2e-label/ for people to look at.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { labelConfig, LABEL_CONFIG_FILE, LABEL_EXTENSION_DIR } from '../../src/hooks/label.ts';
import { launch, visit } from './lib/chromium.ts';
import { BASE_NOTEBOOK, PLAIN_STACKS } from './lib/images.ts';
import { decodePng, findPixels, type Box } from './lib/png.ts';
import { buildImage, REPO, run, show } from './lib/podman.ts';
import { startServer, type Server } from './lib/server.ts';

const SHOTS = path.join(REPO, '.cache', 'e2e-label');
const TAG = process.env['NBSTART_E2E_TAG'] || 'test';
const SHIM_LABELLED = `localhost/nbstart-plain-stacks-shim-label:${TAG}`;
// Markup, quotes and an attempt to run script: all of it must show as these very characters.
const TEXT = 'Course <b>101</b> "Data" & <img src=x onerror="window.pwned=1">';
// crimson: a colour nothing else on JupyterLab or Notebook 7 uses, so its pixels are the label's.
const CRIMSON = (r: number, g: number, b: number): boolean => r === 220 && g === 20 && b === 60;
const servers: Server[] = [];
let browser: Browser;

before(async () => {
  buildImage({
    tag: SHIM_LABELLED, dockerfile: 'shim-layer/Dockerfile', inputs: ['shim-layer/Dockerfile', 'shim-layer/rootfs', 'dist/nbstart', 'dist/nbstart.cdx.json', 'dist/labextension/nbstart-label'],
    buildArgs: { BASE_IMAGE: PLAIN_STACKS, NBSTART_LABEL: 'Shim <label>' }, from: [PLAIN_STACKS],
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  for (const s of servers) s.stop();
});

async function server(env: Record<string, string>): Promise<Server> {
  const s = await startServer({ image: BASE_NOTEBOOK, env });
  servers.push(s);
  return s;
}

interface Seen {
  /** The label element: its text, child elements, box, colours, the element before it and its bar. */
  readonly label: { text: string; children: number; left: number; top: number; bottom: number; background: string; color: string; previous: string; bar: string } | null;
  /** The logo's right edge and the top bar's bottom edge. */
  readonly logoRight: number;
  readonly barBottom: number;
  readonly pwned: boolean;
}

/** What the page shows once `logo` is there (and the label, when one is expected). */
function look(logo: string, bar: string, expectLabel: boolean) {
  return async (page: Page): Promise<Seen> => {
    if (expectLabel) await page.waitForSelector('#nbstart-label');
    // The shell has laid out its top area when the logo is in it; plugins (the label's) activate before.
    await page.waitForSelector(`#${bar} #${logo}`);
    return page.evaluate(([logoId, barId]) => {
      const el = document.getElementById('nbstart-label');
      const logoBox = document.getElementById(logoId!)!.getBoundingClientRect();
      const barBox = document.getElementById(barId!)!.getBoundingClientRect();
      const box = el?.getBoundingClientRect();
      return {
        label: el && box ? {
          text: el.textContent ?? '', children: el.children.length, left: box.left, top: box.top, bottom: box.bottom,
          background: getComputedStyle(el).backgroundColor, color: getComputedStyle(el).color,
          previous: el.previousElementSibling?.id ?? '', bar: el.closest(`#${barId}`)?.id ?? '',
        } : null,
        logoRight: logoBox.right,
        barBottom: barBox.bottom,
        pwned: (window as unknown as { pwned?: number }).pwned === 1,
      };
    }, [logo, bar]);
  };
}

/** The label's crimson pixels in the top bar of a screenshot. */
function labelPixels(file: string, barBottom: number): Box {
  return findPixels(decodePng(fs.readFileSync(file)), CRIMSON, { x0: 0, y0: 0, x1: 1200, y1: Math.ceil(barBottom) });
}

function assertLabel(seen: Seen, file: string, where: string): void {
  const l = seen.label;
  assert.ok(l, `${where}: no #nbstart-label (see ${file})`);
  assert.equal(l.text, TEXT, `${where}: the text, literally`);
  assert.equal(l.children, 0, `${where}: the text never becomes markup`);
  assert.equal(seen.pwned, false);
  assert.equal(l.background, 'rgb(220, 20, 60)');
  assert.equal(l.color, 'rgb(255, 255, 255)', 'white reads better on crimson');
  assert.ok(l.bar !== '' && l.bottom <= seen.barBottom, `${where}: in the top bar: ${JSON.stringify(seen)}`);
  assert.ok(l.left >= seen.logoRight && l.left - seen.logoRight < 40, `${where}: right after the logo: ${JSON.stringify(seen)}`);
  const box = labelPixels(file, seen.barBottom);
  assert.ok(box.count > 1500, `${where}: label background pixels ${JSON.stringify(box)} (see ${file})`);
  assert.ok(Math.abs(box.left - l.left) <= 2 && box.top < seen.barBottom, `${where}: the strip is drawn where the element is: ${JSON.stringify(box)} vs ${JSON.stringify(l)}`);
  const white = findPixels(decodePng(fs.readFileSync(file)), (r, g, b) => r > 240 && g > 240 && b > 240, { x0: box.left, y0: box.top, x1: box.right, y1: box.bottom });
  assert.ok(white.count > 100, `${where}: white text inside the strip: ${JSON.stringify(white)}`);
}

test('JupyterLab 4 and Notebook 7 show the label beside the logo, as text, in its colour', async () => {
  const s = await server({ NB_USER: 'alice', NB_UID: '1010', NBSTART_LABEL: TEXT, NBSTART_LABEL_COLOR: 'crimson' });
  const lab = await visit(browser, `${s.base}/lab?token=${s.token}`, '.jp-DirListing-content', path.join(SHOTS, 'lab-with-label.png'), look('jp-MainLogo', 'jp-top-panel', true));
  assertLabel(lab.result, lab.file, 'JupyterLab');
  assert.equal(lab.result.label!.previous, 'jp-MainLogo');

  const tree = await visit(browser, `${s.base}/tree?token=${s.token}`, '.jp-DirListing-content', path.join(SHOTS, 'notebook7-tree-with-label.png'), look('jp-NotebookLogo', 'top-panel', true));
  assertLabel(tree.result, tree.file, 'Notebook 7 file browser');
  assert.equal(tree.result.label!.previous, 'jp-NotebookLogo');

  // The notebook editor page of Notebook 7 too (shown once the notebook is open).
  // With a kernelspec in its metadata, so that no kernel dialog dims the page.
  const nb = 'labelled.ipynb';
  const content = { cells: [], metadata: { kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' } }, nbformat: 4, nbformat_minor: 5 };
  const created = await s.request('PUT', `/api/contents/${nb}`, { type: 'notebook', format: 'json', content });
  assert.equal(created.status, 201, created.text);
  const editor = await visit(browser, `${s.base}/notebooks/${encodeURIComponent(nb)}?token=${s.token}`, '.jp-Notebook .jp-Cell', path.join(SHOTS, 'notebook7-editor-with-label.png'), look('jp-NotebookLogo', 'top-panel', true));
  assertLabel(editor.result, editor.file, 'Notebook 7 editor');

  const config = s.exec(['stat', '-c', '%U:%G %a', LABEL_CONFIG_FILE, LABEL_EXTENSION_DIR]);
  assert.equal(config.stdout, 'root:root 644\nroot:root 755\n', show(config));
  s.stop();
});

test('without NBSTART_LABEL there is no label and no nbstart file in the Jupyter config', async () => {
  const s = await server({});
  const lab = await visit(browser, `${s.base}/lab?token=${s.token}`, '.jp-DirListing-content', path.join(SHOTS, 'lab-without-label.png'), look('jp-MainLogo', 'jp-top-panel', false));
  assert.equal(lab.result.label, null);
  assert.equal(labelPixels(lab.file, lab.result.barBottom).count, 0);
  const tree = await visit(browser, `${s.base}/tree?token=${s.token}`, '.jp-DirListing-content', path.join(SHOTS, 'notebook7-tree-without-label.png'), look('jp-NotebookLogo', 'top-panel', false));
  assert.equal(tree.result.label, null);
  assert.equal(labelPixels(tree.file, tree.result.barBottom).count, 0);
  assert.equal(s.exec(['ls', '/usr/local/etc/jupyter']).code, 2, 'nothing was written');
  s.stop();
});

test('hooks converge: a label set then unset leaves no file behind; the second identical start writes nothing', () => {
  const script = [
    `NBSTART_LABEL=One /usr/local/bin/nbstart true 2>/tmp/1.log; cat ${LABEL_CONFIG_FILE}`,
    'NBSTART_LABEL=One /usr/local/bin/nbstart true 2>/tmp/2.log; grep -c "\\[label\\]" /tmp/2.log',
    'NBSTART_LABEL= /usr/local/bin/nbstart true 2>/tmp/3.log; grep -c "\\[label\\] removed" /tmp/3.log',
    `test -e ${LABEL_CONFIG_FILE} && echo left || echo gone`,
  ].join('; ');
  const r = run({ image: BASE_NOTEBOOK, user: 'root', extra: ['--entrypoint', 'sh'], command: ['-c', script] });
  assert.equal(r.stdout, `${labelConfig('One', '#f37726')}0\n1\ngone\n`, show(r));
});

test('bad labels stop the start with one line naming the setting, and nothing is written', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ NBSTART_LABEL: 'x'.repeat(5000) }, /NBSTART_LABEL: the label must be at most 64 characters \(it has 5000\)/],
    [{ NBSTART_LABEL: 'two\nlines' }, /NBSTART_LABEL: the label must not contain control or text-direction characters \(found U\+000A\)/],
    [{ NBSTART_LABEL: 'ok', NBSTART_LABEL_COLOR: 'red;}body{display:none' }, /NBSTART_LABEL_COLOR: expected #rgb, #rrggbb or one of /],
  ];
  for (const [env, re] of cases) {
    const script = '/usr/local/bin/nbstart true; echo "rc=$? written=$(test -e /usr/local/etc/jupyter && echo yes || echo no)"';
    const r = run({ image: BASE_NOTEBOOK, user: 'root', env, extra: ['--entrypoint', 'sh'], command: ['-c', script] });
    assert.equal(r.stdout, 'rc=1 written=no\n', show(r));
    assert.match(r.stderr, re, show(r));
  }
});

test('the shim layer ships the extension; its --build-arg NBSTART_LABEL labels every container of the image; -e overrides it', () => {
  const show_ = `ls ${LABEL_EXTENSION_DIR}/package.json && cat ${LABEL_CONFIG_FILE}`;
  const r = run({ image: SHIM_LABELLED, user: 'root', command: ['sh', '-c', show_] });
  assert.equal(r.stdout, `${LABEL_EXTENSION_DIR}/package.json\n${labelConfig('Shim <label>', '#f37726')}`, show(r));
  const o = run({ image: SHIM_LABELLED, user: 'root', env: { NBSTART_LABEL: 'Other' }, command: ['sh', '-c', show_] });
  assert.match(o.stdout, /"nbstartLabel": "Other"/, show(o));
});
