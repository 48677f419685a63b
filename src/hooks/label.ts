// Hook `label` — phase root, as root. Touches only nbstart's own system files for the classic
// notebook UI (notebook 6 / nbclassic), never anything in a home:
//   /etc/jupyter/nbconfig/common.d/nbstart-label.json         enables the nbextension on every page
//   /usr/local/share/jupyter/nbextensions/nbstart-label/main.js    adds an element beside the logo
//   /usr/local/share/jupyter/nbextensions/nbstart-label/label.css  its text (CSS-escaped) and colour
// With [label] text (NBSTART_LABEL) they are written; without it they are removed.
//
// Why not custom.css: notebook 6 serves /custom/custom.css only from the user's config dir
// (~/.jupyter/custom) and its own package; static_custom_path is not configurable, and the
// jupyter_notebook_config.d/ directories are read only for nbserver_extensions. The frontend config
// (nbconfig/<section>.d/*.json, merged from every jupyter_config_path() entry) and the nbextensions
// data path are the system-wide places notebook 6 does read, and a .d file collides with nothing.

import { groupList } from '../identity/identity.ts';
import { cssString, textColorOn } from '../system/css.ts';
import { missingDirs, unsafeAncestor } from '../system/system-dir.ts';
import type { Note, Op, Plan } from '../plan/ops.ts';
import type { Hook, PlanContext } from './hook.ts';

export const LABEL_ENABLE_FILE = '/etc/jupyter/nbconfig/common.d/nbstart-label.json';
export const LABEL_EXTENSION_DIR = '/usr/local/share/jupyter/nbextensions/nbstart-label';

/** The frontend-config drop-in: load nbextensions/nbstart-label/main.js on every classic page. */
export const ENABLE_JSON = `${JSON.stringify({ load_extensions: { 'nbstart-label/main': true } }, null, 2)}\n`;

/** The nbextension: fixed code, no configured value in it (the text lives in label.css). */
export const MAIN_JS = `// Written by nbstart ([label] text / NBSTART_LABEL); rewritten or removed at every start.
// Puts an empty element beside the Jupyter logo; label.css gives it its text and colours.
define(['require'], function (require) {
  'use strict';
  function load_ipython_extension() {
    if (document.getElementById('nbstart-label')) return;
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.type = 'text/css';
    link.href = require.toUrl('./label.css');
    document.head.appendChild(link);
    var label = document.createElement('span');
    label.id = 'nbstart-label';
    var logo = document.getElementById('ipython_notebook');
    if (logo && logo.parentNode) logo.parentNode.insertBefore(label, logo.nextSibling);
    else document.body.insertBefore(label, document.body.firstChild);
  }
  return { load_ipython_extension: load_ipython_extension };
});
`;

/** The stylesheet: the text as an escaped CSS string, the colour as validated #rrggbb. */
export function labelCss(text: string, color: string): string {
  return [
    '/* Written by nbstart ([label] / NBSTART_LABEL); rewritten or removed at every start. */',
    '#nbstart-label {',
    '  float: left;',
    '  margin: 6px 0 0 16px;',
    '  padding: 2px 10px;',
    '  border-radius: 3px;',
    `  background: ${color};`,
    `  color: ${textColorOn(color)};`,
    '  font: bold 14px/20px sans-serif;',
    '  white-space: nowrap;',
    '  max-width: 32em;',
    '  overflow: hidden;',
    '  text-overflow: ellipsis;',
    '}',
    `#nbstart-label::before { content: ${cssString(text)}; }`,
    '',
  ].join('\n');
}

/** Every file the hook owns, with its content when a label is configured. */
export function labelFiles(text: string, color: string): { path: string; content: string }[] {
  return [
    { path: `${LABEL_EXTENSION_DIR}/main.js`, content: MAIN_JS },
    { path: `${LABEL_EXTENSION_DIR}/label.css`, content: labelCss(text, color) },
    // Last: the UI loads the extension only once its files are in place.
    { path: LABEL_ENABLE_FILE, content: ENABLE_JSON },
  ];
}

const OWNED = [LABEL_ENABLE_FILE, `${LABEL_EXTENSION_DIR}/label.css`, `${LABEL_EXTENSION_DIR}/main.js`];

export const label: Hook = {
  name: 'label',
  phase: 'root',
  summary: 'NBSTART_LABEL: a text strip beside the logo of the classic notebook UI (system-wide nbextension)',
  needs: () => ({ root: true, writable: [LABEL_ENABLE_FILE, LABEL_EXTENSION_DIR] }),
  asked(ctx) {
    const { text, color } = ctx.config.label;
    if (text === undefined) {
      const present = OWNED.filter((p) => ctx.fs.lstat(p).kind !== 'missing');
      return present.length === 0 ? undefined : `no label is configured and ${present.join(', ')} remain`;
    }
    // Nothing to do when the files are in place already: a read-only root that has them is fine.
    const wanted = labelFiles(text, color).filter((f) => ctx.fs.lstat(f.path).kind !== 'file' || ctx.fs.readText(f.path) !== f.content);
    return wanted.length === 0 ? undefined : `${ctx.config.origins.get('label.text') ?? 'NBSTART_LABEL'} is set`;
  },
  async plan(ctx: PlanContext): Promise<Plan> {
    const { text, color } = ctx.config.label;
    const origin = ctx.config.origins.get('label.text') ?? 'NBSTART_LABEL';
    if (text === undefined) {
      const present = OWNED.filter((p) => ctx.fs.lstat(p).kind !== 'missing');
      return { ops: present.map((p): Op => ({ kind: 'remove', path: p, why: 'no label is configured' })), notes: [] };
    }
    const wanted = labelFiles(text, color).filter((f) => ctx.fs.lstat(f.path).kind !== 'file' || ctx.fs.readText(f.path) !== f.content);
    if (wanted.length === 0) return { ops: [], notes: [] };
    const notes: Note[] = [];
    for (const f of wanted) {
      const why = unsafeAncestor(ctx.fs, f.path, groupList(ctx.identity), ctx.facts.euid);
      if (why) return { ops: [], notes: [{ level: 'warn', msg: `${origin} is set but root will not write ${f.path}: ${why}; no label` }] };
    }
    const ops: Op[] = [];
    const dirs = new Set(wanted.flatMap((f) => missingDirs(ctx.fs, f.path.slice(0, f.path.lastIndexOf('/')))));
    for (const d of dirs) ops.push({ kind: 'mkdir', path: d, mode: 0o755, uid: 0, gid: 0, why: 'system directory for the label' });
    ops.push({
      kind: 'write-files', why: `${origin} is set`,
      files: wanted.map((f) => ({
        path: f.path, content: f.content, mode: 0o644, uid: 0, gid: 0, guard: groupList(ctx.identity),
        summary: f.path.endsWith('.css') ? `label ${JSON.stringify(text)} on ${color}` : 'fixed content',
      })),
    });
    return { ops, notes };
  },
};
