// `nbstart check`: every configuration problem, one line each, and what the configuration means for
// root's safety: a script directory (or script) root would not run because someone else can change it
// is a warning; what root leaves out of the PATH of the scripts it runs, and [user] adopt or
// [groups] allow_gids in use, are notes. Exit 0 when there is no error or warning, 2 otherwise.

import { formatProblem, type ProblemList } from './config/problems.ts';
import type { Config } from './config/types.ts';
import { originOf } from './config/validate.ts';
import { leftOutText, rootWorld } from './scripts/root-world.ts';
import { notRootsAlone } from './scripts/trust.ts';
import type { ReadFs } from './system/read-fs.ts';

/** What check says about root's world, beyond the configuration's problems. */
export function securityFindings(fs: ReadFs, config: Config, env: Readonly<Record<string, string | undefined>>, privileged: boolean): { warnings: string[]; notes: string[] } {
  const warnings: string[] = [];
  const notes: string[] = [];
  if (privileged) {
    for (const [setting, dirs] of [['[hooks] start_dirs', config.hooks.startDirs], ['[hooks] root_dirs', config.hooks.rootDirs]] as const) {
      for (const dir of dirs) {
        if (fs.stat(dir).kind !== 'dir') continue;
        const why = notRootsAlone(fs, dir);
        if (why) {
          warnings.push(`${setting}: ${dir} is not root's alone (${why}): none of its scripts runs as root`);
          continue;
        }
        for (const name of fs.readdir(dir) ?? []) {
          const file = `${dir}/${name}`;
          const whyFile = fs.stat(file).kind === 'file' ? notRootsAlone(fs, file) : undefined;
          if (whyFile && !config.hooks.asUser.includes(name)) warnings.push(`${setting}: ${file} is not run as root: ${whyFile}`);
        }
      }
    }
    const { left } = rootWorld(fs, env);
    if (left.length > 0) notes.push(leftOutText(left));
  }
  if (config.user.adopt.length > 0) notes.push(`${originOf(config, 'user.adopt', '[user] adopt')}: a person named ${config.user.adopt.join(', ')} becomes that image account, with its files and groups`);
  if (config.groups.allowGids.length > 0) notes.push(`${originOf(config, 'groups.allow_gids', '[groups] allow_gids')}: a person may be given the privileged gids ${config.groups.allowGids.join(', ')}`);
  return { warnings, notes };
}

/** Prints every problem and finding; 0 when clean, 2 otherwise. */
export function check(problems: ProblemList, findings: { warnings: string[]; notes: string[] }, iniPath: string, iniFound: boolean): number {
  for (const p of problems.items) process.stdout.write(`${p.severity}: ${formatProblem(p)}\n`);
  for (const w of findings.warnings) process.stdout.write(`warning: ${w}\n`);
  for (const n of findings.notes) process.stdout.write(`note: ${n}\n`);
  const clean = problems.items.length === 0 && findings.warnings.length === 0;
  if (clean) process.stdout.write(`ok: ${iniFound ? iniPath : 'no ini file'}, environment and identity are valid\n`);
  return clean ? 0 : 2;
}
