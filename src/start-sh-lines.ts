// The lines docker-stacks' start.sh prints that harnesses and people wait for, worded as start.sh
// words them, so that an image switching to nbstart keeps its health checks and test suites:
//   `Entered start.sh with args: …`                      first, in every start (main.ts)
//   `Updated the jovyan user:` and its two `- …` lines   after the template user is renamed (accounts)
//   `Update alice's UID:GID to 1010:1010`                after a uid/gid change (accounts)
//   `Running as alice: …` / `Executing the command: …`   last before execve, root / non-root start
//   `start.sh is the default ENTRYPOINT, …`              a second start in the same exec chain
// The run-hooks.sh lines are printed where the scripts run (src/ops/run-scripts.ts), and the hints of
// a start that is not root's by the non-root-hints hook. nbstart's own lines add to these.

import type { Identity } from './identity/identity.ts';
import type { Note } from './plan/ops.ts';

/** The first line of a start: the arguments as given. */
export function enteredLine(argv: readonly string[]): string {
  return ['Entered start.sh with args:', ...argv].join(' ');
}

/** What start.sh says after refitting the template user to `id`; nothing when nothing changed. */
export function refitLines(id: Identity): Note[] {
  const out: Note[] = [];
  if (id.entry !== '' && id.entry !== id.name) {
    // start.sh aligns the arrows of the two lines.
    const width = Math.max(id.entry.length, id.was.home.length);
    out.push(
      { level: 'info', msg: `Updated the ${id.entry} user:` },
      { level: 'info', msg: `- username: ${id.entry.padEnd(width)} -> ${id.name}` },
      { level: 'info', msg: `- home dir: ${id.was.home.padEnd(width)} -> ${id.home}` },
    );
  }
  if (id.uid !== id.was.uid || id.gid !== id.was.gid) out.push({ level: 'info', msg: `Update ${id.name}'s UID:GID to ${id.uid}:${id.gid}` });
  return out;
}

/** The last line before execve: who runs what. */
export function execLine(privileged: boolean, name: string, command: readonly string[]): string {
  return privileged ? `Running as ${name}: ${command.join(' ')}` : `Executing the command: ${command.join(' ')}`;
}

/** A second start.sh (nbstart) in the CMD of an image whose ENTRYPOINT already runs it. */
export const RAN_TWICE = 'start.sh is the default ENTRYPOINT, do not include it in CMD';
