// The shape every built-in hook has: a name, a phase, and a pure plan().

import type { Config } from '../config/validate.ts';
import type { Identity } from '../identity/identity.ts';
import type { Plan } from '../plan/ops.ts';
import type { ReadFs } from '../system/read-fs.ts';

/** `root`: before the privilege drop, as root; `user`: after it, as the person. */
export type Phase = 'root' | 'user';

export interface PlanContext {
  readonly fs: ReadFs;
  /** The environment the command will get, as left by earlier hooks. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly config: Config;
  readonly identity: Identity;
  /** True when nbstart started as root and can change identity. */
  readonly privileged: boolean;
  /** Working directory nbstart started in. */
  readonly cwd: string;
}

export interface Hook {
  /** kebab-case, same as the file name; used in logs and config. */
  readonly name: string;
  readonly phase: Phase;
  /** One line, shown by --help and plan. */
  readonly summary: string;
  /** Reads only; returns what to do and why. */
  plan(ctx: PlanContext): Promise<Plan>;
}
