// Which mount holds a path, and whether it is read-only, from /proc/self/mountinfo (read once per
// start into the facts, src/facts.ts, through the root prefix, so unit tests plant their own). A read-only root filesystem (podman --read-only,
// Kubernetes readOnlyRootFilesystem) and ConfigMap-style read-only files over /etc/passwd are
// decided here, before anything is written, rather than discovered by a failing write halfway.


export interface Mount {
  readonly point: string;
  /** The directory of the filesystem mounted there (a bind mount's or a cgroup's own path). */
  readonly root: string;
  /** The mount or its filesystem is read-only. */
  readonly readOnly: boolean;
  readonly fstype: string;
  /** The filesystem's own options (the field after the source): overlayfs' redirect_dir=on, cgroup v1's controllers. */
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

/** True when `p` is known to be on a read-only mount; false when it is writable or unknown. */
export function isReadOnly(mounts: readonly Mount[] | undefined, p: string): boolean {
  return mounts !== undefined && mountOf(mounts, p)?.readOnly === true;
}

/** True when `p` is itself a mount point (a volume mounted at the template home). */
export function isMountPoint(mounts: readonly Mount[] | undefined, p: string): boolean {
  return mounts !== undefined && mounts.some((m) => m.point === p);
}

/**
 * Whether rename(2) can move the directory `p` of an image: overlayfs refuses (EXDEV) for a
 * directory of a lower layer unless mounted with redirect_dir=on, and a template home comes from the
 * image. Unknown mounts count as renamable (the executor still falls back on EXDEV).
 */
export function renamesDirs(mounts: readonly Mount[] | undefined, p: string): boolean {
  const m = mounts === undefined ? undefined : mountOf(mounts, p);
  return m?.fstype !== 'overlay' || m.superOptions.includes('redirect_dir=on');
}
