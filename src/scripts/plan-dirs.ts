// Plans the scripts of the script directories ([hooks] start_dirs, root_dirs, user_dirs) with
// docker-stacks' rules: lexical order (byte order, as in the C locale), `*.sh` sourced, other files
// run when executable, the rest named and skipped. One
// run-scripts op per directory (one bash runs it: src/ops/run-scripts.ts). A directory that is
// missing is silently skipped (as start.sh does); one that is not a directory or cannot be read is
// a warning, or stops start-up under [hooks] on_failure = abort (src/policy.ts).
// When root runs them, every script and the directories above it must be root's alone, and they get
// root's world (src/scripts/root-world.ts).

import type { StartContext } from '../hooks/hook.ts';
import type { RunScriptsOp, ScriptFile } from '../ops/run-scripts.ts';
import type { Note, Op, Plan } from '../plan/ops.ts';
import { scriptProblem } from '../policy.ts';
import type { Stat } from '../system/read-fs.ts';
import { leftOutText, rootWorld } from './root-world.ts';
import { findRootProgram, notRootsAlone } from './trust.ts';

export interface DirsSpec {
  readonly dirs: readonly string[];
  /** The setting that names them, for messages: `[hooks] root_dirs`. */
  readonly setting: string;
  /** Who runs them, for plan output. */
  readonly as: string;
  /** Root runs them: root's world, root's scripts only. */
  readonly asRoot: boolean;
  /** Only these file names (the person's share of a root directory: [hooks] as_user). */
  readonly only?: readonly string[];
  /** File names left to another phase, with the note's reason. */
  readonly skip?: { readonly names: readonly string[]; readonly why: string };
  /** Working directory when not root (user_dirs: the home). */
  readonly cwd?: string;
}

/** Ops to run every script of `spec.dirs`. */
export function planScriptDirs(ctx: StartContext, spec: DirsSpec): Plan {
  const ops: Op[] = [];
  const notes: Note[] = [];
  const problem = (msg: string, level: 'warn' | 'error' = 'warn'): void => {
    notes.push(scriptProblem(ctx.config, msg, level));
  };
  const world = spec.asRoot ? rootWorld(ctx.fs, ctx.env) : undefined;
  let worldNoted = false;
  for (const dir of spec.dirs) {
    const st = ctx.fs.stat(dir);
    if (st.kind === 'missing') continue;
    if (st.kind === 'denied') {
      problem(`${spec.setting}: ${dir} cannot be read by ${spec.as}; its scripts are skipped (fix its permissions)`);
      continue;
    }
    if (st.kind !== 'dir') {
      problem(`${spec.setting}: ${dir} is not a directory; skipped (point ${spec.setting} at directories)`);
      continue;
    }
    let names: string[] | undefined;
    try {
      names = ctx.fs.readdir(dir);
    } catch (err) {
      problem(`${spec.setting}: ${dir} cannot be listed by ${spec.as} (${(err as NodeJS.ErrnoException).code}); its scripts are skipped (fix its permissions)`);
      continue;
    }
    const files: ScriptFile[] = [];
    for (const name of [...(names ?? [])].sort(byteOrder)) {
      if (spec.only && !spec.only.includes(name)) continue;
      const path = `${dir}/${name}`;
      if (spec.skip?.names.includes(name)) {
        notes.push({ level: 'info', msg: `${path}: ${spec.skip.why}` });
        continue;
      }
      const f = ctx.fs.stat(path);
      if (f.kind !== 'file') {
        if (f.kind !== 'dir') files.push({ path, mode: 'ignore' });
        continue;
      }
      const mode = name.endsWith('.sh') ? 'source' : executable(f, ctx) ? 'exec' : undefined;
      if (mode === undefined) {
        files.push({ path, mode: 'ignore' }); // named where run-hooks.sh names it, among the others
        continue;
      }
      const untrusted = spec.asRoot ? notRootsAlone(ctx.fs, path) : undefined;
      if (untrusted) {
        problem(`${path} is not run as root: ${untrusted} (only files that root alone can change run as root)`, 'error');
        continue;
      }
      files.push({ path, mode });
    }
    if (spec.only && files.length === 0) continue; // none of the named scripts is here
    let bash = 'bash';
    if (world && files.some((f) => f.mode !== 'ignore')) {
      const found = findRootProgram(ctx.fs, 'bash', world.world.set['PATH']!.split(':'));
      if (!found) {
        problem(`${spec.setting}: no bash that root alone can change is on PATH ${world.world.set['PATH']}; the scripts of ${dir} are skipped`, 'error');
        continue;
      }
      bash = found;
      if (!worldNoted && world.left.length > 0) {
        // docker-stacks' own layout (a group-writable $CONDA_DIR first on PATH) is expected: said, not warned.
        const conda = `PATH entry ${(ctx.env['CONDA_DIR'] || '/opt/conda').replace(/\/+$/, '')}/`;
        const level = world.left.every((l) => l.startsWith(conda)) ? 'info' : 'warn';
        notes.push({ level, msg: leftOutText(world.left) });
      }
      worldNoted = true;
    }
    const op: RunScriptsOp = {
      kind: 'run-scripts', dir, files, bash, as: spec.as,
      ...(world ? { world: world.world } : spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
      why: `${spec.setting}: *.sh files are sourced, so their exports reach the command; executables run`,
    };
    ops.push(op);
  }
  return { ops, notes };
}

/** Whether the process described by the facts may execute a file with this stat. */
function executable(f: Extract<Stat, { uid: number }>, ctx: StartContext): boolean {
  const { euid, gid, groups } = ctx.facts;
  if (euid === 0) return (f.mode & 0o111) !== 0;
  if (f.uid === euid) return (f.mode & 0o100) !== 0;
  if (f.gid === gid || groups.includes(f.gid)) return (f.mode & 0o010) !== 0;
  return (f.mode & 0o001) !== 0;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
