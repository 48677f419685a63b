// The world root-phase scripts run in (issue: root never runs what the person planted). The
// container's environment was made for the person: PATH starts with $CONDA_DIR/bin, which the person
// may write (docker-stacks makes it group-writable for `users`), HOME is the person's home, and
// loader and interpreter paths may point into either. So scripts that root runs get
//   PATH       only the entries root alone can change (src/scripts/trust.ts), the rest named once;
//   HOME       root's home from /etc/passwd, and / as working directory;
//   PYTHONNOUSERSITE=1, and none of the person's XDG_* variables;
//   LD_LIBRARY_PATH, PYTHONPATH, ... only entries root alone can change; BASH_ENV, ENV,
//   PYTHONSTARTUP, LD_PRELOAD only files root alone can change.
// What the scripts export still reaches the command (src/ops/run-scripts.ts mergeEnv).

import { DEFAULT_PATH } from '../exec.ts';
import type { ScriptWorld } from '../ops/run-scripts.ts';
import { parseDb, passwdEntries } from '../system/colon-db.ts';
import type { ReadFs } from '../system/read-fs.ts';
import { notRootsAlone } from './trust.ts';

/** Search paths (`:`-lists of directories) the loader or an interpreter reads. */
const SEARCH_PATHS = ['LD_LIBRARY_PATH', 'PYTHONPATH', 'PERL5LIB', 'PERLLIB', 'RUBYLIB', 'NODE_PATH'];
/** Variables naming files a shell, Python or the loader reads and runs. */
const FILES = ['BASH_ENV', 'ENV', 'PYTHONSTARTUP', 'LD_PRELOAD'];

export interface RootWorld {
  readonly world: ScriptWorld;
  /** What was left out, one phrase each ("/opt/conda/bin (writable by group 100)"). */
  readonly left: readonly string[];
}

/** The root-phase world for `env`: what scripts root runs see instead. */
export function rootWorld(fs: ReadFs, env: Readonly<Record<string, string | undefined>>, owner = 0): RootWorld {
  const left: string[] = [];
  const keep = (p: string, what: string): boolean => {
    const why = notRootsAlone(fs, p, owner);
    if (why) left.push(`${what} ${p} (${why.startsWith(p) ? why.slice(p.length).trim() : why})`);
    return why === undefined;
  };
  const pathList = (env['PATH'] ?? DEFAULT_PATH).split(':').filter((d) => d !== '');
  let path = pathList.filter((d) => keep(d, 'PATH entry')).join(':');
  if (path === '') path = DEFAULT_PATH.split(':').filter((d) => notRootsAlone(fs, d, owner) === undefined).join(':');
  const set: Record<string, string> = { PATH: path, HOME: rootHome(fs), PYTHONNOUSERSITE: '1' };
  const unset = Object.keys(env).filter((k) => k.startsWith('XDG_'));
  for (const name of SEARCH_PATHS) {
    const v = env[name];
    if (v === undefined) continue;
    const kept = v.split(':').filter((d) => d !== '' && keep(d, `${name} entry`));
    if (kept.length > 0) set[name] = kept.join(':');
    else unset.push(name);
  }
  for (const name of FILES) {
    const v = env[name];
    if (v === undefined) continue;
    const kept = v.split(/[ :]/).filter((f) => f !== '' && keep(f, name));
    if (kept.length > 0) set[name] = kept.join(name === 'LD_PRELOAD' ? ' ' : ':');
    else unset.push(name);
  }
  return { world: { set, unset: unset.sort(), cwd: '/' }, left };
}

/** The line that names what root's world left out (`left` not empty). */
export function leftOutText(left: readonly string[]): string {
  return `scripts run as root do not get what the person could change: left out ${left.join(', ')}`;
}

/** root's home as /etc/passwd has it (/root when it does not say). */
function rootHome(fs: ReadFs): string {
  const text = fs.readText('/etc/passwd') ?? '';
  const root = passwdEntries(parseDb('passwd', text)).find((e) => e.entry.uid === 0 && e.entry.name === 'root');
  return root?.entry.home || '/root';
}
