// Validates [resources]: whether the container's CPU and memory limits are exported to the command
// (CPU_LIMIT, MEM_LIMIT) and how the numeric libraries' thread pools are capped.

import type { RawConfig } from './layers.ts';
import type { ProblemList } from './problems.ts';
import { parseBool } from './validate.ts';

export interface ResourcesConfig {
  /** auto: the CPU limit rounded up, when there is one; no: no caps; a number: that many threads. */
  readonly threads: 'auto' | 'no' | number;
  readonly exportLimits: boolean;
}

/** More threads than this is a typo, not a cap. */
export const MAX_THREADS = 4096;

/** Parses `threads`: auto, no, or a whole number from 1 to MAX_THREADS; undefined when it is none of them. */
export function parseThreads(text: string): ResourcesConfig['threads'] | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'auto' || t === 'no') return t;
  if (!/^[0-9]{1,4}$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= MAX_THREADS ? n : undefined;
}

/** Validates the [resources] section; problems are added, never thrown. */
export function validateResources(raw: RawConfig, problems: ProblemList): ResourcesConfig {
  let threads: ResourcesConfig['threads'] = 'auto';
  const threadsRaw = raw.get('resources.threads');
  if (threadsRaw) {
    const t = parseThreads(threadsRaw.value);
    if (t === undefined) problems.error(threadsRaw.origin, threadsRaw.value, `expected auto, no, or a whole number from 1 to ${MAX_THREADS}`, `set ${threadsRaw.origin} to auto (the CPU limit), no, or e.g. 4`);
    else threads = t;
  }
  let exportLimits = true;
  const exportRaw = raw.get('resources.export_limits');
  if (exportRaw) {
    const b = parseBool(exportRaw.value);
    if (b === undefined) problems.error(exportRaw.origin, exportRaw.value, 'expected yes/no (or 1/0, true/false)', `set ${exportRaw.origin} to yes or no`);
    else exportLimits = b;
  }
  return { threads, exportLimits };
}
