// Hook `label` — phase root, as root. Touches only nbstart's own system file, never anything in a home:
//   /usr/local/etc/jupyter/labconfig/page_config.d/nbstart-label.json
// {"nbstartLabel": text, "nbstartLabelColor": "#rrggbb", "nbstartLabelTextColor": "#rrggbb"}, which
// the nbstart-label JupyterLab extension (prebuilt, in /usr/local/share/jupyter/labextensions/, put
// there by the foundation image and the shim layer) reads to draw the label beside the logo of
// JupyterLab 4 and Notebook 7. With [label] text (NBSTART_LABEL) it is written; without, removed.
//
// Why there: jupyterlab_server (JupyterLab and Notebook 7 alike) builds the page configuration from
// labconfig/page_config.json and labconfig/page_config.d/*.json in every jupyter_config_path()
// directory, /usr/local/etc/jupyter included; a .d file collides with no file of the image's or the
// person's. /usr/local/etc rather than /etc/jupyter: docker-stacks images make /etc/jupyter
// writable by group users (fix-permissions), and root does not write where the person can.
// The values reach the page as JSON in the page config and the label as textContent: no markup.

import { originOf } from '../config/validate.ts';
import { groupList } from '../identity/identity.ts';
import { textColorOn } from '../system/css.ts';
import { missingDirs, unsafeAncestor } from '../system/system-dir.ts';
import type { Op, Plan } from '../plan/ops.ts';
import type { Hook, PlanContext } from './hook.ts';

export const LABEL_CONFIG_FILE = '/usr/local/etc/jupyter/labconfig/page_config.d/nbstart-label.json';
export const LABEL_EXTENSION_DIR = '/usr/local/share/jupyter/labextensions/nbstart-label';

/** The page-config drop-in: the text and both colours, as strings (the page config keeps only those as they are). */
export function labelConfig(text: string, color: string): string {
  return `${JSON.stringify({ nbstartLabel: text, nbstartLabelColor: color, nbstartLabelTextColor: textColorOn(color) }, null, 2)}\n`;
}

/** Whether the page-config file is as this start wants it (absent without a label). */
function inPlace(ctx: PlanContext): boolean {
  const { text, color } = ctx.config.label;
  const st = ctx.fs.lstat(LABEL_CONFIG_FILE);
  if (text === undefined) return st.kind === 'missing';
  return st.kind === 'file' && ctx.fs.readText(LABEL_CONFIG_FILE) === labelConfig(text, color);
}

export const label: Hook = {
  name: 'label',
  phase: 'root',
  summary: 'NBSTART_LABEL: a text strip beside the logo of JupyterLab and Notebook 7 (system-wide page config)',
  needs: () => ({ root: true, writable: [LABEL_CONFIG_FILE] }),
  asked(ctx) {
    if (inPlace(ctx)) return undefined;
    return ctx.config.label.text === undefined ? `no label is configured and ${LABEL_CONFIG_FILE} remains` : `${originOf(ctx.config, 'label.text', 'NBSTART_LABEL')} is set`;
  },
  async plan(ctx: PlanContext): Promise<Plan> {
    const { text, color } = ctx.config.label;
    const origin = originOf(ctx.config, 'label.text', 'NBSTART_LABEL');
    const present = ctx.fs.lstat(LABEL_CONFIG_FILE).kind !== 'missing';
    const warn = (msg: string): Plan => ({ ops: [], notes: [{ level: 'warn', msg }] });
    if (text === undefined) return { ops: present ? [{ kind: 'remove', path: LABEL_CONFIG_FILE, why: 'no label is configured' }] : [], notes: [] };
    if (ctx.fs.lstat(LABEL_EXTENSION_DIR).kind !== 'dir') {
      const off = present ? [{ kind: 'remove' as const, path: LABEL_CONFIG_FILE, why: 'the extension that reads it is missing' }] : [];
      return { ops: off, notes: [{ level: 'warn', msg: `${origin} is set but this image lacks ${LABEL_EXTENSION_DIR} (it comes with nbstart's shim layer and images): no label` }] };
    }
    if (inPlace(ctx)) return { ops: [], notes: [] };
    const guard = groupList(ctx.identity);
    const why = unsafeAncestor(ctx.fs, LABEL_CONFIG_FILE, guard, ctx.facts.euid);
    if (why) return warn(`${origin} is set but root will not write ${LABEL_CONFIG_FILE}: ${why}; no label`);
    const ops: Op[] = missingDirs(ctx.fs, LABEL_CONFIG_FILE.slice(0, LABEL_CONFIG_FILE.lastIndexOf('/')))
      .map((d): Op => ({ kind: 'mkdir', path: d, mode: 0o755, uid: 0, gid: 0, why: 'system directory for the label' }));
    ops.push({
      kind: 'write-files', why: `${origin} is set`,
      files: [{ path: LABEL_CONFIG_FILE, content: labelConfig(text, color), mode: 0o644, uid: 0, gid: 0, summary: `label ${JSON.stringify(text)} on ${color}`, guard }],
    });
    return { ops, notes: [] };
  },
};
