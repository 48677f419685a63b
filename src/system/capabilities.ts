// What the starting process may do, parsed from /proc/self/status (read once into the facts,
// src/facts.ts; unit tests plant their own). A pod that drops every capability but SETUID and
// SETGID is still root by uid, yet cannot give files away (CAP_CHOWN) or write other users' files
// (CAP_DAC_OVERRIDE).

export type Capability = 'CAP_CHOWN' | 'CAP_DAC_OVERRIDE' | 'CAP_FOWNER' | 'CAP_SETGID' | 'CAP_SETUID';

/** Bit numbers from linux/capability.h. */
const BIT: Readonly<Record<Capability, bigint>> = { CAP_CHOWN: 0n, CAP_DAC_OVERRIDE: 1n, CAP_FOWNER: 3n, CAP_SETGID: 6n, CAP_SETUID: 7n };

export interface ProcStatus {
  /** Effective capability set; undefined when unknown (no /proc, or not Linux). */
  readonly capEff?: bigint;
  /** no_new_privs is set (docker --security-opt no-new-privileges, allowPrivilegeEscalation: false). */
  readonly noNewPrivs: boolean;
}

/** Parses the CapEff and NoNewPrivs lines of /proc/<pid>/status. */
export function parseStatus(text: string): ProcStatus {
  const cap = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(text);
  const nnp = /^NoNewPrivs:\s*1\s*$/m.test(text);
  return cap ? { capEff: BigInt(`0x${cap[1]}`), noNewPrivs: nnp } : { noNewPrivs: nnp };
}

/** True when `cap` is effective, or when that is unknown. */
export function hasCapability(status: ProcStatus, cap: Capability): boolean {
  return status.capEff === undefined || ((status.capEff >> BIT[cap]) & 1n) === 1n;
}
