// Parsers of [label] text and color. The text ends up inside a CSS string and the colour inside a CSS
// declaration, so both are held to what is safe there: the text by length and character class (it is
// escaped later as well), the colour by a strict pattern or a fixed list of names.

import { INVALID, type Parser } from './parsers.ts';

export type { LabelConfig } from './types.ts';

export const LABEL_MAX_CHARS = 64;
export const DEFAULT_LABEL_COLOR = '#f37726';

/** CSS basic colour keywords plus a few common ones, with their values; anything else must be written as hex. */
export const LABEL_COLOR_NAMES: Readonly<Record<string, string>> = {
  black: '#000000', silver: '#c0c0c0', gray: '#808080', grey: '#808080', white: '#ffffff', maroon: '#800000',
  red: '#ff0000', purple: '#800080', fuchsia: '#ff00ff', green: '#008000', lime: '#00ff00', olive: '#808000',
  yellow: '#ffff00', navy: '#000080', blue: '#0000ff', teal: '#008080', aqua: '#00ffff', orange: '#ffa500',
  darkred: '#8b0000', darkgreen: '#006400', darkblue: '#00008b', crimson: '#dc143c', gold: '#ffd700', indigo: '#4b0082',
};

// Control characters, and the bidirectional overrides that make text display other than it reads.
// eslint-disable-next-line no-control-regex
const BAD_LABEL_CHARS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** Why `text` cannot be a label, or undefined when it can (blank text means "no label"). */
export function labelTextProblem(text: string): string | undefined {
  if (!text.isWellFormed()) return 'must be valid Unicode text';
  const chars = [...text.trim()].length;
  if (chars > LABEL_MAX_CHARS) return `must be at most ${LABEL_MAX_CHARS} characters (it has ${chars})`;
  const bad = BAD_LABEL_CHARS.exec(text);
  if (bad) return `must not contain control or text-direction characters (found U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
  return undefined;
}

/** The colour as `#rrggbb`, or undefined when it is not an accepted colour. */
export function parseLabelColor(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  if (/^#[0-9a-f]{6}$/.test(t)) return t;
  if (/^#[0-9a-f]{3}$/.test(t)) return `#${[...t.slice(1)].map((c) => c + c).join('')}`;
  return Object.hasOwn(LABEL_COLOR_NAMES, t) ? LABEL_COLOR_NAMES[t] : undefined;
}

/** [label] color: `#rgb`, `#rrggbb` or a colour name, as `#rrggbb`. */
export const labelColor: Parser<string> = (raw, problems) => {
  const c = parseLabelColor(raw.value);
  if (c) return c;
  problems.error(raw.origin, raw.value, `expected #rgb, #rrggbb or one of ${Object.keys(LABEL_COLOR_NAMES).join(', ')}`, `set ${raw.origin} to e.g. #1565c0 or teal`);
  return INVALID;
};

/** [label] text: blank means no label. */
export const labelText: Parser<string | undefined> = (raw, problems) => {
  const why = labelTextProblem(raw.value);
  if (why) {
    problems.error(raw.origin, raw.value, `the label ${why}`, `set ${raw.origin} to a short plain text such as "Course 101 · 2025", or leave it empty for no label`);
    return INVALID;
  }
  const text = raw.value.trim();
  return text === '' ? undefined : text;
};
