// The privilege drop, as gosu does it: setgroups, setgid, setuid, then prove root cannot come back.

import type { Identity } from './identity/identity.ts';
import { groupList } from './identity/identity.ts';

/** Becomes the person for good. Throws if any step fails or root can be regained. */
export function dropPrivileges(id: Identity): void {
  const groups = groupList(id);
  process.setgroups!(groups);
  process.setgid!(id.gid);
  if (id.uid === 0) return; // NB_USER=root: stays root, with exactly the groups asked for
  process.setuid!(id.uid);
  let regained = false;
  try {
    process.setuid!(0);
    regained = true;
  } catch {
    // EPERM is the point: real, effective and saved uid are all the person's now
  }
  if (regained || process.getuid!() !== id.uid || process.geteuid!() !== id.uid || process.getegid!() !== id.gid) {
    throw new Error(`privilege drop to ${id.uid}:${id.gid} did not stick (uid ${process.getuid!()}, euid ${process.geteuid!()}, egid ${process.getegid!()})`);
  }
}
