// Plans the scripts of hook directories with docker-stacks' rules: lexical order (byte order, as in
// the C locale), `*.sh` sourced, other files run when executable, the rest skipped with a note.
// A directory that is missing is silently skipped (as start.sh does); one that is not a directory or
// cannot be read is a warning, or stops start-up under [hooks] on_failure = abort.

import * as fs from 'node:fs';
import type { Note, Op, Plan } from '../plan/ops.ts';
import type { StartContext } from './hook.ts';

/** Ops to run every script of `dirs`, as `who`. */
export function planHookDirs(ctx: StartContext, dirs: readonly string[], who: string, setting: string): Plan {
  const ops: Op[] = [];
  const notes: Note[] = [];
  const abort = ctx.config.hooks.onFailure === 'abort';
  const problem = (msg: string): void => {
    if (abort) throw new Error(`${msg} ([hooks] on_failure = abort)`);
    notes.push({ level: 'warn', msg });
  };
  for (const dir of dirs) {
    const st = ctx.fs.stat(dir);
    if (st.kind === 'missing') continue;
    if (st.kind === 'denied') {
      problem(`${setting}: ${dir} cannot be read by ${who}; its hooks are skipped (fix its permissions)`);
      continue;
    }
    if (st.kind !== 'dir') {
      problem(`${setting}: ${dir} is not a directory; skipped (point ${setting} at directories)`);
      continue;
    }
    let names: string[] | undefined;
    try {
      names = ctx.fs.readdir(dir);
    } catch (err) {
      problem(`${setting}: ${dir} cannot be listed by ${who} (${(err as NodeJS.ErrnoException).code}); its hooks are skipped (fix its permissions)`);
      continue;
    }
    for (const name of [...(names ?? [])].sort(byteOrder)) {
      const path = `${dir}/${name}`;
      const f = ctx.fs.stat(path);
      if (f.kind !== 'file') {
        if (f.kind !== 'dir') notes.push({ level: 'info', msg: `${path}: not a regular file; skipped` });
        continue;
      }
      if (name.endsWith('.sh')) {
        ops.push({ kind: 'run-hook', path, mode: 'source', as: who, why: `${setting}: *.sh files are sourced, so their exports reach the command` });
      } else if (ctx.fs.access(path, fs.constants.X_OK) && (f.mode & 0o111) !== 0) {
        ops.push({ kind: 'run-hook', path, mode: 'exec', as: who, why: `${setting}: executable` });
      } else {
        notes.push({ level: 'info', msg: `${path}: not executable and not *.sh; skipped` });
      }
    }
  }
  return { ops, notes };
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
