// The executor context the op tests share: a root prefix, the command's state, a captured log.

import { captureLog } from '../helpers.ts';
import type { ApplyContext } from '../../../src/ops/context.ts';

/** An ApplyContext over `root` whose log lines can be read back. */
export function applyContext(root: string, env: Record<string, string | undefined> = {}, cwd = '/') {
  const cap = captureLog();
  const ctx: ApplyContext = { root, state: { env: { ...env }, cwd }, log: cap.log, scripts: { timeoutMs: 0, onFailure: () => 'continue' } };
  return { ctx, ...cap };
}
