// ops/build_options.txt of an image folder: `key: value` lines, `#` comments.
//   build: false      do not build this folder (images built on it use its :latest)
//   push: false       never push it
//   context: ../..    build context, relative to the folder (default: the folder)
//   inputs: a, b      more paths (relative to the folder) whose contents join the hash
// Every problem is reported with file, line and a fix; none is guessed around.

import { closest, distance } from 'fastest-levenshtein';

export interface BuildOptions {
  readonly build: boolean;
  readonly push: boolean;
  readonly context: string;
  readonly inputs: readonly string[];
}

export const DEFAULT_OPTIONS: BuildOptions = { build: true, push: true, context: '.', inputs: [] };
const KEYS = ['build', 'push', 'context', 'inputs'] as const;
type Key = (typeof KEYS)[number];

export interface OptionsResult {
  readonly options: BuildOptions;
  /** `file:line: what; fix: how`, one per problem. */
  readonly errors: readonly string[];
}

function parseBool(v: string): boolean | undefined {
  const t = v.toLowerCase();
  if (t === 'true' || t === 'yes') return true;
  if (t === 'false' || t === 'no') return false;
  return undefined;
}

/** Parses the text of `file` (the name is only used in messages). */
export function parseBuildOptions(text: string, file: string): OptionsResult {
  const errors: string[] = [];
  const seen = new Map<Key, number>();
  let { build, push, context, inputs } = DEFAULT_OPTIONS;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i]!.replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const err = (what: string, fix: string): void => {
      errors.push(`${file}:${n}: ${what}; fix: ${fix}`);
    };
    const m = /^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(.*)$/.exec(line);
    if (!m) {
      err(`expected "key: value", got ${JSON.stringify(line)}`, `write one setting per line, e.g. "build: false" (keys: ${KEYS.join(', ')})`);
      continue;
    }
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (!(KEYS as readonly string[]).includes(key)) {
      const best = closest(key, [...KEYS]);
      const hint = distance(key, best) <= 2 ? ` (did you mean "${best}"?)` : '';
      err(`unknown key ${JSON.stringify(m[1])}${hint}`, `use one of ${KEYS.join(', ')}`);
      continue;
    }
    const k = key as Key;
    if (seen.has(k)) {
      err(`"${k}" is set again (first on line ${seen.get(k)})`, 'keep one line per key');
      continue;
    }
    seen.set(k, n);
    if (value === '') {
      err(`"${k}" has no value`, k === 'build' || k === 'push' ? `write "${k}: false" or "${k}: true"` : `write "${k}: <path>"`);
      continue;
    }
    if (k === 'build' || k === 'push') {
      const b = parseBool(value);
      if (b === undefined) err(`"${k}" must be true or false, got ${JSON.stringify(value)}`, `write "${k}: false" or "${k}: true"`);
      else if (k === 'build') build = b;
      else push = b;
    } else if (k === 'context') {
      if (value.startsWith('/')) err(`"context" must be relative to the folder, got ${JSON.stringify(value)}`, 'write e.g. "context: ../.." for the repository root');
      else context = value;
    } else {
      const list = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const abs = list.find((s) => s.startsWith('/'));
      if (abs) err(`"inputs" must be relative to the folder, got ${JSON.stringify(abs)}`, 'write e.g. "inputs: ../../dist/nbstart"');
      else inputs = list;
    }
  }
  return { options: { build, push, context, inputs }, errors };
}
