// Facts about this process, read once per start (or once per phase: the user phase reads them again
// as the person). Planners read these and never `process.*` or /proc themselves, so the same state
// gives the same plan; the one random value a plan may need is drawn here too.

import { randomBytes } from 'node:crypto';
import { parseStatus, type ProcStatus } from './system/capabilities.ts';
import { parseMountinfo, type Mount } from './system/mounts.ts';
import type { ReadFs } from './system/read-fs.ts';

export interface Facts {
  readonly euid: number;
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups. */
  readonly groups: readonly number[];
  /** Capabilities and no_new_privs, from /proc/self/status. */
  readonly status: ProcStatus;
  /** The mount table, from /proc/self/mountinfo; undefined when it cannot be read. */
  readonly mounts: readonly Mount[] | undefined;
  /** /proc/self/cgroup and /proc/self/status as text, for the cgroup limits (src/system/cgroup.ts). */
  readonly proc: { readonly cgroup: string | undefined; readonly status: string | undefined };
  /** The working directory nbstart started in, or / when it has vanished. */
  readonly cwd: string;
  /** 16 random hex digits for names nobody may guess (a fresh private directory in a shared /tmp). */
  readonly nonce: string;
}

/** Reads the facts of this process: the one place outside the executor that asks the kernel. */
export function readFacts(fs: ReadFs): Facts {
  const status = fs.readText('/proc/self/status');
  const mountinfo = fs.readText('/proc/self/mountinfo');
  let cwd = '/';
  try {
    cwd = process.cwd();
  } catch {
    // deleted under us: / it is
  }
  return {
    euid: process.geteuid!(),
    uid: process.getuid!(),
    gid: process.getgid!(),
    groups: process.getgroups!(),
    status: status === undefined ? { noNewPrivs: false } : parseStatus(status),
    mounts: mountinfo === undefined ? undefined : parseMountinfo(mountinfo),
    proc: { cgroup: fs.readText('/proc/self/cgroup'), status },
    cwd,
    nonce: randomBytes(8).toString('hex'),
  };
}
