// Parsers of [metrics]: whether IPython kernels count executed cells, where, and in which formats.

import { INVALID, splitList, type Parser } from './parsers.ts';

import type { MetricsFormat } from './types.ts';

export type { MetricsConfig, MetricsFormat } from './types.ts';

export const DEFAULT_METRICS_PATH = '/var/log/nbstart';
export const METRICS_FORMATS: readonly MetricsFormat[] = ['jsonl', 'prometheus'];

/** Why `p` cannot be the metrics directory, or undefined. It is written into Python source and made by root. */
export function metricsPathProblem(p: string): string | undefined {
  if (!p.startsWith('/')) return 'must be an absolute path';
  if (!/^[A-Za-z0-9._/-]+$/.test(p)) return 'may contain only letters, digits, ".", "_", "-" and "/"';
  const parts = p.split('/').filter((x) => x !== '');
  if (parts.length < 2) return 'must be at least two levels deep (e.g. /var/log/nbstart), not a top-level directory';
  if (parts.some((x) => x === '.' || x === '..')) return 'must not contain "." or ".." components';
  return undefined;
}

/** [metrics] path. */
export const metricsPath: Parser<string> = (raw, problems) => {
  const p = raw.value.trim().replace(/\/+$/, '');
  const why = metricsPathProblem(p);
  if (!why) return p;
  problems.error(raw.origin, raw.value, `the metrics directory ${why}`, `set ${raw.origin} to e.g. ${DEFAULT_METRICS_PATH}`);
  return INVALID;
};

/** [metrics] formats. */
export const metricsFormats: Parser<MetricsFormat[]> = (raw, problems) => {
  const words = splitList(raw.value.toLowerCase());
  const bad = words.filter((w) => !(METRICS_FORMATS as readonly string[]).includes(w));
  if (bad.length === 0 && words.length > 0) return [...new Set(words as MetricsFormat[])];
  problems.error(raw.origin, raw.value, `expected a comma-separated list of ${METRICS_FORMATS.join(', ')}`, `set ${raw.origin} to e.g. jsonl,prometheus`);
  return INVALID;
};
