// Layers raw setting values: defaults < ini file < environment < auth_state < CLI flags.
// Values stay strings here; the settings table's parsers (validate.ts) turn them into types.

import * as ini from 'ini';
import { didYouMean } from './parsers.ts';
import type { ProblemList } from './problems.ts';
import type { RawValue } from './raw.ts';
import { SETTINGS, STRICT_SECTIONS, type Setting } from './settings.ts';

export type { RawConfig, RawValue } from './raw.ts';

export interface Sources {
  readonly iniPath: string;
  /** Text of the ini file; undefined when the file does not exist. */
  readonly iniText: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Values from CLI flags, by flag name (`--log-level`). */
  readonly flags: Readonly<Record<string, string | undefined>>;
}

/** True when `key` (`ssh.gitlab.host`) is described by `pattern` (`ssh.*.host`). */
export function keyMatches(pattern: string, key: string): boolean {
  const p = pattern.split('.');
  const k = key.split('.');
  return p.length === k.length && p.every((part, i) => part === '*' || part === k[i]);
}

/** The table row describing a concrete key, if any. */
export function settingFor(key: string): Setting | undefined {
  return (SETTINGS as readonly Setting[]).find((s) => keyMatches(s.key, key));
}

/** Flattens parsed ini into `[section, key, value]`; sections may be dotted (`ssh.gitlab`). */
function flatten(obj: Record<string, unknown>, section: string, out: [string, string, unknown][]): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      flatten(v as Record<string, unknown>, section === '' ? k : `${section}.${k}`, out);
    } else {
      out.push([section, k, v]);
    }
  }
}

/**
 * Plain keys given more than once in one section, with their values in order. The ini format keeps
 * only the last of them (without a word), so they are reported; `key[] = ...` lines are the way to
 * give several values.
 */
export function repeatedKeys(text: string): { section: string; key: string; values: string[] }[] {
  // The same line grammar as ini.decode: `[section]` or `key = value`; `;` and `#` start comments.
  const re = /^\[([^\]]*)\]\s*$|^([^=]+)(=(.*))?$/;
  const seen = new Map<string, { section: string; key: string; values: string[] }>();
  let section = '';
  for (const line of text.split(/[\r\n]+/)) {
    if (line === '' || /^\s*[;#]/.test(line) || /^\s*$/.test(line)) continue;
    const m = re.exec(line);
    if (!m) continue;
    if (m[1] !== undefined) {
      section = ini.unsafe(m[1]);
      continue;
    }
    const key = ini.unsafe(m[2]!);
    if (key.endsWith('[]')) continue;
    const id = `${section}\n${key}`;
    const entry = seen.get(id) ?? { section, key, values: [] };
    entry.values.push(m[3] ? ini.unsafe(m[4]!) : 'true');
    seen.set(id, entry);
  }
  return [...seen.values()].filter((e) => e.values.length > 1);
}

/**
 * Lines ini.decode skips without a word: neither blank, comment, `[section]` nor `key = value`. A
 * line or paragraph separator (U+2028/U+2029) after the `=` is one way to get there: the reader's
 * `.` does not match it, so `name = ali\u2028ce` would vanish and the image user run instead.
 */
export function droppedLines(text: string): { line: number; text: string }[] {
  const re = /^\[([^\]]*)\]\s*$|^([^=]+)(=(.*))?$/;
  const out: { line: number; text: string }[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (line === '' || /^\s*[;#]/.test(line) || /^\s*$/.test(line) || re.test(line)) return;
    out.push({ line: i + 1, text: line });
  });
  return out;
}

/** True when mistakes in `section` are errors even at run time (see STRICT_SECTIONS). */
export function isStrictSection(section: string): boolean {
  return STRICT_SECTIONS.includes(section.split('.')[0]!);
}

/** Reads the ini text into raw values; unknown sections and keys become problems of `unknownSeverity`. */
export function iniValues(
  iniPath: string,
  text: string,
  problems: ProblemList,
  unknownSeverity: 'error' | 'warning',
): Map<string, RawValue> {
  const out = new Map<string, RawValue>();
  let parsed: Record<string, unknown>;
  try {
    parsed = ini.parse(text) as Record<string, unknown>;
  } catch (err) {
    problems.error(iniPath, '', `cannot be parsed as ini (${(err as Error).message})`, 'fix the file syntax');
    return out;
  }
  const flat: [string, string, unknown][] = [];
  flatten(parsed, '', flat);
  const sectionPatterns = [...new Set(SETTINGS.map((s) => s.key.split('.').slice(0, -1).join('.')))];
  const report = (section: string, setting: string, value: string, message: string, fix: string): void => {
    if (unknownSeverity === 'error' || isStrictSection(section)) problems.error(setting, value, message, fix);
    else problems.warn(setting, value, message, fix);
  };
  for (const d of droppedLines(text)) {
    const why = /[\u2028\u2029]/.test(d.text) ? 'holds a line or paragraph separator (U+2028/U+2029), so the ini reader would skip it'
      : 'is neither [section], key = value nor a comment, so the ini reader would skip it';
    problems.error(`${iniPath} line ${d.line}`, d.text, why, 'fix or remove the line');
  }
  for (const r of repeatedKeys(text)) {
    const where = r.section === '' ? `${r.key} in ${iniPath}` : `[${r.section}] ${r.key} in ${iniPath}`;
    report(r.section, where, r.values[0]!, `is given ${r.values.length} times and the ini format keeps only the last`,
      `give it once, or write ${r.key}[] = ... on each line to give several values`);
  }
  for (const [section, key, value] of flat) {
    const where = section === '' ? `${key} in ${iniPath}` : `[${section}] ${key} in ${iniPath}`;
    const text = Array.isArray(value) ? value.map(String).join('\n') : String(value);
    if (section === '') {
      report(section, where, text, 'is outside any section', 'put it under a [section]; see nbstart --help');
      continue;
    }
    const sectionKnown = sectionPatterns.some((p) => keyMatches(p, section));
    if (!sectionKnown) {
      // `[ssh.git.example.com]`: the family is right but the name is not one word.
      const family = sectionPatterns.find((p) => p.includes('*') && p.split('.')[0] === section.split('.')[0]);
      if (family) {
        report(section, `[${section}] in ${iniPath}`, section, `is not a known section: [${family}] takes one word without dots in place of *`,
          `rename it, e.g. [${family.replace('*', 'gitlab')}]`);
      } else {
        report(section, `[${section}] in ${iniPath}`, section, `is not a known section${didYouMean(section, sectionPatterns)}`,
          `use one of ${sectionPatterns.map((s) => `[${s}]`).join(', ')}`);
      }
      continue;
    }
    const full = `${section}.${key}`;
    if (!settingFor(full)) {
      const keys = SETTINGS.filter((s) => keyMatches(s.key.split('.').slice(0, -1).join('.'), section))
        .map((s) => s.key.split('.').at(-1)!);
      report(section, where, text, `is not a known key${didYouMean(key, keys)}`, `use one of ${keys.join(', ')}`);
      continue;
    }
    if (text === '') continue;
    out.set(full, { value: text, origin: where });
  }
  return out;
}

/** Layers ini, environment and flags (later wins); auth_state is laid over by load.ts, below flags. */
export function layer(src: Sources, problems: ProblemList, unknownSeverity: 'error' | 'warning'): Map<string, RawValue> {
  const out = new Map<string, RawValue>();
  if (src.iniText !== undefined) {
    for (const [k, v] of iniValues(src.iniPath, src.iniText, problems, unknownSeverity)) out.set(k, v);
  }
  for (const s of SETTINGS) {
    for (const name of s.env ?? []) {
      const value = src.env[name];
      if (value !== undefined && value !== '') {
        out.set(s.key, { value, origin: name });
        break;
      }
    }
  }
  for (const s of SETTINGS) {
    const value = s.flag ? src.flags[s.flag] : undefined;
    if (value !== undefined) out.set(s.key, { value, origin: s.flag! });
  }
  return out;
}
