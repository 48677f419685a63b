// The one capability and failure policy. A hook declares what it needs (src/hooks/hook.ts); here
// alone it is decided what a missing need means, what a failed image script means ([hooks]
// on_failure), and what a failure after the drop means:
//   - a need is missing (not root, a capability, a read-only filesystem): when something asked for
//     the hook's work, one warning names what was asked, what is missing and the fix, and the hook
//     is skipped; under on_failure = abort the start stops instead (exit 1, nothing written); when
//     nothing asked, it is skipped without a word;
//   - an image script fails, or one that root would run is not root's alone: under continue one
//     error line and start-up goes on, under abort start-up stops;
//   - a user-phase hook fails: the notebook still starts, in the local home, with a note there
//     (HOME-NOT-AVAILABLE.txt), except a user_dirs script under abort.

import type { Hook, Needs, StartContext } from './hooks/hook.ts';
import type { Note } from './plan/ops.ts';
import type { ScriptFailure } from './ops/context.ts';
import { hasCapability } from './system/capabilities.ts';
import { isReadOnly } from './system/mounts.ts';
import type { Config } from './config/types.ts';

/** Raised when a hook cannot plan or apply; names the hook once. */
export class HookError extends Error {
  readonly hook: string;
  constructor(hook: string, cause: unknown) {
    super(`hook ${hook}: ${(cause as Error).message}`, { cause });
    this.name = 'HookError';
    this.hook = hook;
  }
}

interface Missing {
  readonly reason: string;
  readonly fix: string;
}

/** The needs the start does not meet, each with its fix. */
export function unmet(needs: Needs, ctx: StartContext): Missing[] {
  const out: Missing[] = [];
  if (needs.root && !ctx.privileged) {
    out.push({ reason: 'the container did not start as root', fix: 'start it as root: docker run --user root, or runAsUser: 0' });
  }
  if (needs.root && ctx.privileged) {
    for (const cap of needs.caps ?? []) {
      if (!hasCapability(ctx.facts.status, cap)) out.push({ reason: `the container lacks ${cap}`, fix: `add ${cap.replace(/^CAP_/, '')} to the container's capabilities` });
    }
  }
  const ro = (needs.writable ?? []).filter((p) => isReadOnly(ctx.facts.mounts, p));
  if (ro.length > 0) {
    out.push({ reason: `${ro.join(' and ')} ${ro.length === 1 ? 'is' : 'are'} on a read-only filesystem`, fix: 'mount a writable volume there, or drop readOnlyRootFilesystem' });
  }
  return out;
}

export type Decision = { readonly run: true } | { readonly run: false; readonly note?: Note };

/** Whether `hook` plans in this start; throws HookError when a missing need must stop it. */
export function decide<C extends StartContext>(hook: Hook<C>, ctx: C): Decision {
  const missing = unmet(hook.needs(ctx), ctx);
  if (missing.length === 0) return { run: true };
  const asked = hook.asked(ctx);
  if (asked === undefined) return { run: false };
  const msg = `${asked} but ${missing.map((m) => m.reason).join(' and ')}: ${hook.name} skipped (${missing.map((m) => m.fix).join('; ')})`;
  if (ctx.config.hooks.onFailure === 'abort') throw new HookError(hook.name, new Error(`${msg} ([hooks] on_failure = abort)`));
  return { run: false, note: { level: 'warn', msg } };
}

/** [hooks] on_failure for a script that failed while running. */
export function onScriptFailure(config: Config): (f: ScriptFailure) => 'continue' | 'abort' {
  return () => config.hooks.onFailure;
}

/** A script (or directory) that cannot be run as planned: a warning, or under abort the end of start-up. */
export function scriptProblem(config: Config, msg: string, level: 'warn' | 'error' = 'warn'): Note {
  if (config.hooks.onFailure === 'abort') throw new Error(`${msg} ([hooks] on_failure = abort)`);
  return { level, msg };
}

/** After the drop: whether a failure of `hook` degrades (the command still starts) or stops start-up. */
export function userPhaseFailure(config: Config, err: unknown): 'degrade' | 'stop' {
  return err instanceof HookError && err.hook === 'user-dirs' && config.hooks.onFailure === 'abort' ? 'stop' : 'degrade';
}
