// NBSTART_LABEL in a real classic notebook server (Debian's notebook 6), looked at with headless
// Chromium: the label is in the served CSS, its element is in the DOM beside the logo, and the
// screenshot shows it there. Screenshots are kept in .cache/e2e-label/ for people to look at.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cssString } from '../../src/system/css.ts';
import { dumpDom, screenshot } from './lib/chromium.ts';
import { CLASSIC_NOTEBOOK, PLAIN_STACKS } from './lib/images.ts';
import { decodePng, findPixels, type Box } from './lib/png.ts';
import { buildImage, REPO, run, show } from './lib/podman.ts';
import { startServer, type Server } from './lib/server.ts';

const SHOTS = path.join(REPO, '.cache', 'e2e-label');
const TAG = process.env['NBSTART_E2E_TAG'] || 'test';
const SHIM_LABELLED = `localhost/nbstart-plain-stacks-shim-label:${TAG}`;
const TEXT = 'Course <b>101</b> "Data" & Co';
// crimson: a colour nothing else on the classic UI uses, so its pixels are the label's.
const CRIMSON = (r: number, g: number, b: number): boolean => r === 220 && g === 20 && b === 60;
const servers: Server[] = [];

before(() => {
  buildImage({
    tag: SHIM_LABELLED, dockerfile: 'shim-layer/Dockerfile', inputs: ['shim-layer', 'dist/nbstart'],
    buildArgs: { BASE_IMAGE: PLAIN_STACKS, NBSTART_LABEL: 'Shim <label>' }, from: [PLAIN_STACKS],
  });
});

after(() => {
  for (const s of servers) s.stop();
});

async function server(env: Record<string, string>): Promise<Server> {
  const s = await startServer({ image: CLASSIC_NOTEBOOK, env: { NB_USER: 'alice', NB_UID: '1010', ...env } });
  servers.push(s);
  return s;
}

/** The label's crimson pixels in the header of a screenshot. */
function labelPixels(file: string): Box {
  return findPixels(decodePng(fs.readFileSync(file)), CRIMSON, { x0: 0, y0: 0, x1: 1100, y1: 60 });
}

test('the label is served, placed beside the logo, and visible in a screenshot', async () => {
  const s = await server({ NBSTART_LABEL: TEXT, NBSTART_LABEL_COLOR: 'crimson' });
  const common = JSON.parse(await s.get('/api/config/common')) as { load_extensions?: Record<string, boolean> };
  assert.equal(common.load_extensions?.['nbstart-label/main'], true, s.logs());
  const css = await s.get('/nbextensions/nbstart-label/label.css');
  assert.ok(css.includes(`content: ${cssString(TEXT)};`), css);
  assert.ok(css.includes('background: #dc143c;'), css);
  assert.match(/content: "(.*)"; \}/.exec(css)?.[1] ?? '', /^(?:[A-Za-z0-9]|\\[0-9A-F]{6})+$/, 'only letters, digits and six-digit escapes inside the string');

  const dom = dumpDom(`${s.base}/tree?token=${s.token}`);
  assert.match(dom, /id="ipython_notebook"[\s\S]*?<\/a><\/div><span id="nbstart-label"><\/span>/, 'the element is right after the logo');
  assert.match(dom, /<link rel="stylesheet" type="text\/css" href="\/nbextensions\/nbstart-label\/label\.css/);
  assert.doesNotMatch(dom, /<b>101<\/b>/, 'the text never becomes markup');

  const file = path.join(SHOTS, 'tree-with-label.png');
  screenshot(`${s.base}/tree?token=${s.token}`, file);
  const box = labelPixels(file);
  assert.ok(box.count > 2000, `label background pixels: ${JSON.stringify(box)} (see ${file})`);
  assert.ok(box.left > 150 && box.left < 400 && box.top < 20 && box.bottom < 50, `the strip sits right of the logo, in the header: ${JSON.stringify(box)}`);
  const white = findPixels(decodePng(fs.readFileSync(file)), (r, g, b) => r > 240 && g > 240 && b > 240, { x0: box.left, y0: box.top, x1: box.right, y1: box.bottom });
  assert.ok(white.count > 100, `white text inside the strip: ${JSON.stringify(white)}`);

  // The notebook editor page gets it too (the extension is enabled in the "common" section).
  const created = await s.request('POST', '/api/contents', { type: 'notebook' });
  assert.equal(created.status, 201, created.text);
  const nb = (JSON.parse(created.text) as { path: string }).path;
  const nbFile = path.join(SHOTS, 'notebook-with-label.png');
  screenshot(`${s.base}/notebooks/${encodeURIComponent(nb)}?token=${s.token}`, nbFile);
  assert.ok(labelPixels(nbFile).count > 2000, `label on the notebook page (see ${nbFile})`);
});

test('HTML/CSS in the label stays text: the page keeps working and shows it literally', async () => {
  const evil = '</style><script>alert("pwned")</script>";}*{display:none}';
  const s = await server({ NBSTART_LABEL: evil, NBSTART_LABEL_COLOR: '#DC143C' });
  const css = await s.get('/nbextensions/nbstart-label/label.css');
  const declared = /content: "(.*)"; \}/.exec(css)?.[1] ?? '';
  assert.match(declared, /^(?:[A-Za-z0-9]|\\[0-9A-F]{6})+$/, css);
  assert.doesNotMatch(css, /display:none/);
  const dom = dumpDom(`${s.base}/tree?token=${s.token}`);
  assert.doesNotMatch(dom, /pwned/);
  assert.match(dom, /id="notebook_list"/, 'the file list is still there');
  const file = path.join(SHOTS, 'tree-with-markup-label.png');
  screenshot(`${s.base}/tree?token=${s.token}`, file);
  assert.ok(labelPixels(file).count > 2000, `the label is drawn, the body is not hidden (see ${file})`);
});

test('without NBSTART_LABEL there is no label and no nbstart file in /etc/jupyter', async () => {
  const s = await server({});
  const common = JSON.parse(await s.get('/api/config/common')) as { load_extensions?: Record<string, boolean> };
  assert.equal(common.load_extensions?.['nbstart-label/main'], undefined);
  const file = path.join(SHOTS, 'tree-without-label.png');
  screenshot(`${s.base}/tree?token=${s.token}`, file);
  assert.equal(labelPixels(file).count, 0);
});

test('hooks converge: a label set then unset leaves no file behind; the second identical start writes nothing', () => {
  const files = '/etc/jupyter/nbconfig/common.d/nbstart-label.json /usr/local/share/jupyter/nbextensions/nbstart-label/label.css /usr/local/share/jupyter/nbextensions/nbstart-label/main.js';
  // The pretty format names the hook of each line.
  const script = [
    'export NBSTART_LOG_FORMAT=pretty',
    `NBSTART_LABEL=One /usr/local/bin/nbstart true 2>/tmp/1.log; ls ${files} | wc -l`,
    'NBSTART_LABEL=One /usr/local/bin/nbstart true 2>/tmp/2.log; grep -c "\\[label\\]" /tmp/2.log',
    'NBSTART_LABEL= /usr/local/bin/nbstart true 2>/tmp/3.log; grep -c "\\[label\\] removed" /tmp/3.log',
    `ls ${files} 2>/dev/null | wc -l`,
  ].join('; ');
  const r = run({ image: CLASSIC_NOTEBOOK, user: 'root', extra: ['--entrypoint', 'sh'], command: ['-c', script] });
  assert.equal(r.stdout, '3\n0\n3\n0\n', show(r));
});

test('bad labels stop the start with one line naming the setting, and nothing is written', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ NBSTART_LABEL: 'x'.repeat(5000) }, /NBSTART_LABEL: the label must be at most 64 characters \(it has 5000\)/],
    [{ NBSTART_LABEL: 'two\nlines' }, /NBSTART_LABEL: the label must not contain control or text-direction characters \(found U\+000A\)/],
    [{ NBSTART_LABEL: 'ok', NBSTART_LABEL_COLOR: 'red;}body{display:none' }, /NBSTART_LABEL_COLOR: expected #rgb, #rrggbb or one of /],
  ];
  for (const [env, re] of cases) {
    const script = '/usr/local/bin/nbstart true; echo "rc=$? etc-jupyter=$(test -e /etc/jupyter && echo yes || echo no)"';
    const r = run({ image: CLASSIC_NOTEBOOK, user: 'root', env, extra: ['--entrypoint', 'sh'], command: ['-c', script] });
    assert.equal(r.stdout, 'rc=1 etc-jupyter=no\n', show(r));
    assert.match(r.stderr, re, show(r));
  }
});

test('the shim layer\'s --build-arg NBSTART_LABEL labels every container of the image; -e overrides it', () => {
  const css = '/usr/local/share/jupyter/nbextensions/nbstart-label/label.css';
  const r = run({ image: SHIM_LABELLED, user: 'root', command: ['sh', '-c', `grep content: ${css}`] });
  assert.equal(r.stdout, `#nbstart-label::before { content: ${cssString('Shim <label>')}; }\n`, show(r));
  const o = run({ image: SHIM_LABELLED, user: 'root', env: { NBSTART_LABEL: 'Other' }, command: ['sh', '-c', `grep content: ${css}`] });
  assert.equal(o.stdout, '#nbstart-label::before { content: "Other"; }\n', show(o));
});
