// Which mount holds a path, and whether it is read-only, from /proc/self/mountinfo (read through
// the root prefix, so unit tests plant their own). A read-only root filesystem (podman --read-only,
// Kubernetes readOnlyRootFilesystem) and ConfigMap-style read-only files over /etc/passwd are
// decided here, before anything is written, rather than discovered by a failing write halfway.

import type { ReadFs } from './read-fs.ts';

export interface Mount {
  readonly point: string;
  /** The directory of the filesystem mounted there (a bind mount's or a cgroup's own path). */
  readonly root: string;
  /** The mount or its filesystem is read-only. */
  readonly readOnly: boolean;
  readonly fstype: string;
  /** Options of the filesystem itself (for cgroup v1, its controllers). */
  readonly superOptions: readonly string[];
}

/** mountinfo escapes space, tab, newline and backslash in paths as \ooo. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses /proc/<pid>/mountinfo (proc(5)); malformed lines are skipped. */
export function parseMountinfo(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (f.length < 10 || sep < 0 || f[sep + 1] === undefined) continue;
    const opts = f[5]!.split(',');
    const superOpts = (f[sep + 3] ?? '').split(',');
    out.push({ point: unescape(f[4]!), root: unescape(f[3]!), readOnly: opts.includes('ro') || superOpts.includes('ro'), fstype: f[sep + 1]!, superOptions: superOpts });
  }
  return out;
}

/** The mount `p` (absolute, without symlinks) lives on: the longest mount point, the last one mounted. */
export function mountOf(mounts: readonly Mount[], p: string): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const covers = m.point === '/' || p === m.point || p.startsWith(`${m.point}/`);
    if (covers && (best === undefined || m.point.length >= best.point.length)) best = m;
  }
  return best;
}

/** The mount table as `fs` sees it, read once per view: nothing nbstart does mounts or unmounts. */
const tables = new WeakMap<ReadFs, readonly Mount[] | undefined>();
/** The mount table of `fs`, or undefined when /proc/self/mountinfo cannot be read. */
export function mountsOf(fs: ReadFs): readonly Mount[] | undefined {
  if (!tables.has(fs)) {
    const text = fs.readText('/proc/self/mountinfo');
    tables.set(fs, text === undefined ? undefined : parseMountinfo(text));
  }
  return tables.get(fs);
}

/** True when `p` is known to be on a read-only mount; false when it is writable or unknown. */
export function isReadOnly(fs: ReadFs, p: string): boolean {
  const mounts = mountsOf(fs);
  return mounts !== undefined && mountOf(mounts, p)?.readOnly === true;
}
