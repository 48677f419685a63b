// Validates [metrics]: whether IPython kernels count executed cells, where, and in which formats.

import type { RawConfig } from './layers.ts';
import type { ProblemList } from './problems.ts';
import { parseBool, splitList } from './validate.ts';

export type MetricsFormat = 'jsonl' | 'prometheus';

export interface MetricsConfig {
  readonly cells: boolean;
  /** Directory of cells.jsonl and cells-<kernel>.prom. */
  readonly path: string;
  readonly formats: readonly MetricsFormat[];
}

export const DEFAULT_METRICS_PATH = '/var/log/nbstart';
const FORMATS: readonly MetricsFormat[] = ['jsonl', 'prometheus'];

/** Why `p` cannot be the metrics directory, or undefined. It is written into Python source and made by root. */
export function metricsPathProblem(p: string): string | undefined {
  if (!p.startsWith('/')) return 'must be an absolute path';
  if (!/^[A-Za-z0-9._/-]+$/.test(p)) return 'may contain only letters, digits, ".", "_", "-" and "/"';
  const parts = p.split('/').filter((x) => x !== '');
  if (parts.length < 2) return 'must be at least two levels deep (e.g. /var/log/nbstart), not a top-level directory';
  if (parts.some((x) => x === '.' || x === '..')) return 'must not contain "." or ".." components';
  return undefined;
}

/** Validates the [metrics] section; problems are added, never thrown. */
export function validateMetrics(raw: RawConfig, problems: ProblemList): MetricsConfig {
  let cells = false;
  const cellsRaw = raw.get('metrics.cells');
  if (cellsRaw) {
    const b = parseBool(cellsRaw.value);
    if (b === undefined) problems.error(cellsRaw.origin, cellsRaw.value, 'expected yes/no (or 1/0, true/false)', `set ${cellsRaw.origin} to yes or no`);
    else cells = b;
  }
  let path = DEFAULT_METRICS_PATH;
  const pathRaw = raw.get('metrics.path');
  if (pathRaw) {
    const p = pathRaw.value.trim().replace(/\/+$/, '');
    const why = metricsPathProblem(p);
    if (why) problems.error(pathRaw.origin, pathRaw.value, `the metrics directory ${why}`, `set ${pathRaw.origin} to e.g. ${DEFAULT_METRICS_PATH}`);
    else path = p;
  }
  let formats: MetricsFormat[] = [...FORMATS];
  const formatsRaw = raw.get('metrics.formats');
  if (formatsRaw) {
    const words = splitList(formatsRaw.value.toLowerCase());
    const bad = words.filter((w) => !(FORMATS as readonly string[]).includes(w));
    if (bad.length > 0 || words.length === 0) {
      problems.error(formatsRaw.origin, formatsRaw.value, `expected a comma-separated list of ${FORMATS.join(', ')}`, `set ${formatsRaw.origin} to e.g. jsonl,prometheus`);
    } else formats = [...new Set(words as MetricsFormat[])];
  }
  return { cells, path, formats };
}
