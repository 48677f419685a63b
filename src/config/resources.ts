// Parsers of [resources]: how the numeric libraries' thread pools are capped from the container's
// CPU limit (`threads`; `export_limits` is a plain yes/no).

import { INVALID, type Parser } from './parsers.ts';
import type { Threads } from './types.ts';

export type { ResourcesConfig, Threads } from './types.ts';

/** More threads than this is a typo, not a cap. */
export const MAX_THREADS = 4096;

/** Parses `threads`: auto, no, or a whole number from 1 to MAX_THREADS; undefined when it is none of them. */
export function parseThreads(text: string): Threads | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'auto' || t === 'no') return t;
  if (!/^[0-9]{1,4}$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= MAX_THREADS ? n : undefined;
}

/** [resources] threads. */
export const threads: Parser<Threads> = (raw, problems) => {
  const t = parseThreads(raw.value);
  if (t !== undefined) return t;
  problems.error(raw.origin, raw.value, `expected auto, no, or a whole number from 1 to ${MAX_THREADS}`, `set ${raw.origin} to auto (the CPU limit), no, or e.g. 4`);
  return INVALID;
};
