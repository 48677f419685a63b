// A directory of one uid's own in a shared place (/tmp may be a pod's emptyDir that outlives a
// restart, or shared with a sidecar): the well-known name is used only when it is missing or already
// a directory of that uid closed to everyone else; a link, another uid's directory or one open to
// others is neither followed nor used, nor does it stop the start: a fresh, unguessable name beside
// it is used instead (`nonce`: drawn once per start, src/facts.ts). The mkdir op checks it again
// where it is made (src/ops/mkdir.ts, `private`).

import type { ReadFs, Stat } from './read-fs.ts';

/** Why an existing `st` is not `uid`'s private directory, or undefined when it is (or is missing). */
export function notPrivate(st: Stat, uid: number): string | undefined {
  if (st.kind === 'missing') return undefined;
  if (st.kind === 'dir' && st.uid === uid && (st.mode & 0o077) === 0) return undefined;
  if (st.kind === 'link') return 'a symbolic link';
  if (st.kind === 'dir') return st.uid === uid ? `open to others (mode ${st.mode.toString(8)})` : `a directory of uid ${st.uid}`;
  return st.kind === 'denied' ? 'not readable' : 'not a directory';
}

/** `dir`, or a fresh name beside it with the note that says why. */
export function privateDir(fs: ReadFs, dir: string, uid: number, nonce: string, what: string): { dir: string; note?: string } {
  const why = notPrivate(fs.lstat(dir), uid);
  if (why === undefined) return { dir };
  const fresh = `${dir}-${nonce}`;
  return { dir: fresh, note: `${dir} is ${why}: not used; ${what} go${what.endsWith('s') ? '' : 'es'} to ${fresh}` };
}
