// Group names the image can hold: what Debian's groupadd accepts without --badname,
// chosen deterministically so the same input always mirrors to the same /etc/group.

const MAX_GROUP_NAME = 32;

/** Lower-cases and replaces what groupadd refuses; the result matches ^[a-z_][a-z0-9_-]{0,31}$. */
export function sanitizeGroupName(raw: string): string {
  let s = raw.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
  if (!/^[a-z_]/.test(s)) s = `_${s}`;
  return s.slice(0, MAX_GROUP_NAME);
}

/** `base` with `_<gid>` (and `_<n>` if still taken) appended, cut to fit 32 characters. */
export function distinctGroupName(base: string, gid: number, taken: (name: string) => boolean): string {
  for (let n = 0; n < 1000; n++) {
    const suffix = n === 0 ? `_${gid}` : `_${gid}_${n}`;
    const name = base.slice(0, MAX_GROUP_NAME - suffix.length) + suffix;
    if (!taken(name)) return name;
  }
  // 1000 names derived from one base all taken: cannot happen with fewer than 65,536 groups per user
  // unless the image was built to collide; fail loudly rather than loop.
  throw new Error(`no free group name derived from "${base}" for gid ${gid}`);
}
