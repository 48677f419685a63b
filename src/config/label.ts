// Validates [label] text and color. The text ends up inside a CSS string and the colour inside a CSS
// declaration, so both are held to what is safe there: the text by length and character class (it is
// escaped later as well), the colour by a strict pattern or a fixed list of names.

import type { RawConfig } from './layers.ts';
import type { ProblemList } from './problems.ts';

export interface LabelConfig {
  /** Undefined: no label (the setting is unset or blank). */
  readonly text?: string;
  /** Always `#rrggbb` (names and `#rgb` are expanded). */
  readonly color: string;
}

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

/** Validates the [label] section; problems are added, never thrown. */
export function validateLabel(raw: RawConfig, problems: ProblemList): LabelConfig {
  let color = DEFAULT_LABEL_COLOR;
  const colorRaw = raw.get('label.color');
  if (colorRaw) {
    const c = parseLabelColor(colorRaw.value);
    if (c) color = c;
    else problems.error(colorRaw.origin, colorRaw.value, `expected #rgb, #rrggbb or one of ${Object.keys(LABEL_COLOR_NAMES).join(', ')}`, `set ${colorRaw.origin} to e.g. #1565c0 or teal`);
  }
  const textRaw = raw.get('label.text');
  if (!textRaw) return { color };
  const why = labelTextProblem(textRaw.value);
  if (why) {
    problems.error(textRaw.origin, textRaw.value, `the label ${why}`, `set ${textRaw.origin} to a short plain text such as "Course 101 · 2025", or leave it empty for no label`);
    return { color };
  }
  const text = textRaw.value.trim();
  return text === '' ? { color } : { text, color };
}
