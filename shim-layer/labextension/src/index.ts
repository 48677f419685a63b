// nbstart-label: the container's label (NBSTART_LABEL) beside the logo of JupyterLab 4 and
// Notebook 7, for everyone who opens the page.
//
// The text and colours come from the page configuration, which nbstart's `label` hook feeds as root
// at start-up through a system-wide file (/usr/local/etc/jupyter/labconfig/page_config.d/
// nbstart-label.json): nbstartLabel, nbstartLabelColor and nbstartLabelTextColor. No label: no
// element. The text is set as textContent, so it is never markup; colours are used only when they
// are #rrggbb, whatever the page configuration says.

import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { Widget } from '@lumino/widgets';

const HEX = /^#[0-9a-f]{6}$/;
const MAX_CHARS = 64;

/** The label's element: a pill with the text, coloured, vertically centred in the top bar. */
export function labelWidget(text: string, background: string, color: string): Widget {
  const widget = new Widget();
  widget.id = 'nbstart-label';
  widget.addClass('nbstart-label');
  const node = widget.node;
  node.textContent = [...text].slice(0, MAX_CHARS).join('');
  node.title = node.textContent;
  Object.assign(node.style, {
    alignSelf: 'center',
    margin: '0 8px',
    padding: '1px 10px',
    borderRadius: '3px',
    font: 'bold 13px/20px sans-serif',
    whiteSpace: 'nowrap',
    maxWidth: '32em',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    flex: '0 0 auto',
  });
  node.style.backgroundColor = HEX.test(background) ? background : '#f37726';
  node.style.color = HEX.test(color) ? color : '#000000';
  return widget;
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'nbstart-label:plugin',
  description: 'Shows the container label set with NBSTART_LABEL beside the logo.',
  autoStart: true,
  activate: (app: JupyterFrontEnd): void => {
    const text = PageConfig.getOption('nbstartLabel').trim();
    if (text === '') return;
    const widget = labelWidget(text, PageConfig.getOption('nbstartLabelColor'), PageConfig.getOption('nbstartLabelTextColor'));
    // Rank 1: right after the logo (rank 0) in both JupyterLab's and Notebook 7's top area.
    app.shell.add(widget, 'top', { rank: 1 });
  },
};

export default plugin;
