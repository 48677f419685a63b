// The shape every built-in hook has: a name, a phase, what it needs, what asks for it, and a pure
// plan(). What a missing need means is decided in one place, src/policy.ts.

import type { Config } from '../config/types.ts';
import type { Facts } from '../facts.ts';
import type { Identity } from '../identity/identity.ts';
import type { Plan } from '../plan/ops.ts';
import type { Capability } from '../system/capabilities.ts';
import type { ReadFs } from '../system/read-fs.ts';

/**
 * `start`: first, as the starting user, before the identity is resolved (start-notebook.d);
 * `root`: before the privilege drop, as root; `user`: after it, as the person.
 */
export type Phase = 'start' | 'root' | 'user';

/** What every hook may read. */
export interface StartContext {
  readonly fs: ReadFs;
  /** This process, read once (src/facts.ts). */
  readonly facts: Facts;
  /** The environment the command will get, as left by earlier hooks. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly config: Config;
  /** True when nbstart started as root and can change identity. */
  readonly privileged: boolean;
  /** The working directory, as left by earlier hooks. */
  readonly cwd: string;
}

/** What root- and user-phase hooks read: the start context plus the resolved identity. */
export interface PlanContext extends StartContext {
  readonly identity: Identity;
}

/** What a hook needs to do its work. */
export interface Needs {
  /** Only a root start can do it. */
  readonly root?: boolean;
  /** Effective capabilities. */
  readonly caps?: readonly Capability[];
  /** Paths whose filesystem must be writable. */
  readonly writable?: readonly string[];
}

export interface Hook<C extends StartContext = PlanContext> {
  /** kebab-case, same as the file name; used in logs and config. */
  readonly name: string;
  readonly phase: Phase;
  /** One line, shown by --help and plan. */
  readonly summary: string;
  /** What it needs in this start (src/policy.ts checks it before plan() is called). */
  needs(ctx: C): Needs;
  /**
   * What in this start asks for the hook's work, as the start of a sentence ("GRANT_SUDO is set"),
   * or undefined when nothing does: a hook whose needs are not met is then skipped without a word.
   */
  asked(ctx: C): string | undefined;
  /** Reads only; returns what to do and why. */
  plan(ctx: C): Promise<Plan>;
}
