// The shape every built-in hook has: a name, a phase, and a pure plan().

import type { Config } from '../config/types.ts';
import type { Identity } from '../identity/identity.ts';
import type { Plan } from '../plan/ops.ts';
import type { ReadFs } from '../system/read-fs.ts';

/**
 * `start`: first, as the starting user, before the identity is resolved (start-notebook.d);
 * `root`: before the privilege drop, as root; `user`: after it, as the person.
 */
export type Phase = 'start' | 'root' | 'user';

/** What every hook may read. */
export interface StartContext {
  readonly fs: ReadFs;
  /** The environment the command will get, as left by earlier hooks. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly config: Config;
  /** True when nbstart started as root and can change identity. */
  readonly privileged: boolean;
  /** Working directory nbstart started in. */
  readonly cwd: string;
}

/** What root- and user-phase hooks read: the start context plus the resolved identity. */
export interface PlanContext extends StartContext {
  readonly identity: Identity;
}

export interface Hook<C extends StartContext = PlanContext> {
  /** kebab-case, same as the file name; used in logs and config. */
  readonly name: string;
  readonly phase: Phase;
  /** One line, shown by --help and plan. */
  readonly summary: string;
  /** Reads only; returns what to do and why. */
  plan(ctx: C): Promise<Plan>;
}
