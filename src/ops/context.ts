// What every op executor gets: the root prefix, the state the command will inherit, a logger, and
// the failure policy for image scripts (src/policy.ts decides; executors only ask).

import * as path from 'node:path';
import type { LogFormat } from '../config/types.ts';
import type { Logger } from '../log.ts';

/** What applying changes besides files: the command's environment and working directory. */
export interface ExecState {
  env: Record<string, string | undefined>;
  cwd: string;
}

/** How a script ended badly, as the policy sees it. */
export interface ScriptFailure {
  readonly file: string;
  /** failed: non-zero status (or it could not start); timed-out; signal: killed by one. */
  readonly kind: 'failed' | 'timed-out' | 'signal';
  readonly detail: string;
}

export interface ScriptSettings {
  /** Milliseconds one script may run; 0: no limit. */
  readonly timeoutMs: number;
  /** Asked once per failed script: go on with the next one, or stop start-up. */
  readonly onFailure: (f: ScriptFailure) => 'continue' | 'abort';
  /** The format of the log functions scripts may call (default: docker-stacks). */
  readonly logFormat?: LogFormat;
}

export interface ApplyContext {
  /** Root prefix ('' in production). */
  readonly root: string;
  readonly state: ExecState;
  readonly log: Logger;
  readonly scripts: ScriptSettings;
}

/** The real path of an image path under the context's root prefix. */
export function realPath(ctx: Pick<ApplyContext, 'root'>, p: string): string {
  return ctx.root === '' ? p : path.join(ctx.root, p);
}
