// Where the person's home goes when /home/<name> cannot be made (pure over ReadFs): on a read-only
// root filesystem (podman --read-only, Kubernetes readOnlyRootFilesystem) /home cannot take a new
// directory, and without CAP_CHOWN root cannot give a fresh one to the person. The template's home
// is used when it sits on a writable volume (z2jh mounts the home PVC at /home/jovyan); otherwise a
// scratch directory under /tmp, which the person creates after the drop (no CAP_CHOWN needed).

import type { ProblemList } from '../config/problems.ts';
import type { Facts } from '../facts.ts';
import { hasCapability } from '../system/capabilities.ts';
import { isReadOnly } from '../system/mounts.ts';
import { privateDir } from '../system/private-dir.ts';
import type { ReadFs } from '../system/read-fs.ts';
import type { Identity } from './identity.ts';

/** The scratch home of a uid when nothing better is writable (an emptyDir at /tmp in Kubernetes). */
export function scratchHome(uid: number): string {
  return `/tmp/nbstart-home-${uid}`;
}

/** True when the home hook will move (or link) the template home to `id.home`, which needs no CAP_CHOWN. */
export function movesTemplate(fs: ReadFs, id: Identity): boolean {
  return id.home !== id.templateHome && id.entry !== 'root' && fs.lstat(id.templateHome).kind === 'dir';
}

/** The identity with a usable home: unchanged when /home/<name> exists or can be made; undefined (with an error) when nothing is writable. */
export function placeHome(fs: ReadFs, facts: Facts, id: Identity, problems: ProblemList): Identity | undefined {
  if (fs.lstat(id.home).kind !== 'missing') return id; // there already (or a root-squashed mount root cannot look into)
  const readOnly = isReadOnly(facts.mounts, id.home);
  const chown = hasCapability(facts.status, 'CAP_CHOWN');
  if (!readOnly && (movesTemplate(fs, id) || id.uid === 0 || chown)) return id;
  const parent = id.home.slice(0, id.home.lastIndexOf('/')) || '/';
  const why = readOnly
    ? `${parent} is on a read-only filesystem, so ${id.home} cannot be created`
    : `without CAP_CHOWN root cannot create ${id.home} for uid ${id.uid}`;
  const fix = readOnly ? `mount a volume at ${id.home} or ${parent}, e.g. a Kubernetes volumeMount,` : 'add CHOWN to the container\'s capabilities';
  if (id.entry !== 'root' && fs.lstat(id.templateHome).kind === 'dir' && !isReadOnly(facts.mounts, id.templateHome)) {
    const reason = `${why}; HOME is the image's ${id.templateHome}, on a writable volume (${fix} to get ${id.home})`;
    return { ...id, home: id.templateHome, homeFallback: { kind: 'template', reason } };
  }
  // The well-known name in a shared /tmp is used only when it is the person's own private directory.
  const { dir: scratch, note } = privateDir(fs, scratchHome(id.uid), id.uid, facts.nonce, 'the scratch home');
  if (isReadOnly(facts.mounts, scratch)) {
    problems.error(`the home of ${id.name}`, id.home, `${why}, and /tmp is read-only too: there is no writable place for ${id.name}'s home`,
      `${fix}, or mount an emptyDir (tmpfs) at /tmp`);
    return undefined;
  }
  const reason = `${why}; HOME is ${scratch}, which is lost when the container stops (${fix} to keep files)${note ? `; ${note}` : ''}`;
  return { ...id, home: scratch, homeFallback: { kind: 'scratch', reason } };
}
