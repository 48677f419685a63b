// The CPU and memory limits the kernel enforces on this process, read from its cgroup through the
// root prefix (unit tests plant their own /proc/self and /sys/fs/cgroup trees).
//
// Where the files are: /proc/self/cgroup names the process's cgroup per hierarchy, as a path
// relative to the cgroup namespace; /proc/self/mountinfo says which part of each hierarchy is
// mounted where (its "root" field). The process's directory is mount point + (cgroup path minus
// mount root). That covers cgroup v2 with a private namespace ("0::/", root "/" at /sys/fs/cgroup),
// v2 in the host's namespace ("0::/system.slice/docker-….scope", root "/"), v1 as podman and Docker
// mount it (the container's own cgroup as the mount root, so the path minus the root is empty), and
// v1 with the host's whole hierarchy bind-mounted (root "/", the path appended). Each controller is
// looked up on its own, v1 first, so a hybrid host (v1 controllers, an empty v2 tree) reads v1.
//
// A limit set on a parent binds as well, so every directory from the process's cgroup up to the top
// of what is mounted is read and the smallest limit wins. The CPUs the process may run on are the
// cpuset (v2's cpuset.cpus.effective already folds in the parents; v1's cpuset.cpus is a subset of
// its parent's) intersected with the affinity in /proc/self/status (taskset, a runtime's own mask).

import { parseMountinfo, type Mount } from './mounts.ts';
import type { ReadFs } from './read-fs.ts';

export interface CpuLimit {
  /** The smaller of quota/period and the CPUs the process may run on, e.g. 1.5. */
  readonly cores: number;
  /** Threads a pool should use: the quota rounded up, at most the CPUs there are to run on, at least 1. */
  readonly threads: number;
  /** The file (and value) that set it, for plan output. */
  readonly from: string;
}

export interface MemoryLimit {
  readonly bytes: bigint;
  readonly from: string;
}

export interface CgroupLimits {
  /** Absent when neither a quota nor a cpuset smaller than the machine limits the CPUs. */
  readonly cpu?: CpuLimit;
  /** Absent when unlimited. */
  readonly memory?: MemoryLimit;
  /** The cgroup directories read, by controller (for saying where nothing was found). */
  readonly dirs: readonly string[];
  /** Malformed or unreadable files: each was ignored. */
  readonly warnings: readonly string[];
}

/** v1's "no limit" is PAGE_COUNTER_MAX pages (9223372036854771712 with 4 KiB pages); anything this large is no limit. */
const UNLIMITED_BYTES = 2n ** 62n;
/** Cpu lists longer than this are not believed (and would make an unbounded loop). */
const MAX_CPUS = 65_536;

type Controller = 'cpu' | 'memory' | 'cpuset';

interface Membership {
  /** v1 controller → cgroup path. */
  readonly v1: ReadonlyMap<string, string>;
  /** The v2 (unified) cgroup path, from the `0::` line. */
  readonly v2?: string;
}

/** Parses /proc/self/cgroup: `hierarchy-id:controllers:path` lines (cgroups(7)). */
export function parseProcCgroup(text: string): Membership {
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const line of text.split('\n')) {
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const [id, controllers, path] = [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1)];
    if (id === '0' && controllers === '') v2 = path;
    else for (const c of controllers.split(',')) if (c !== '') v1.set(c, path);
  }
  return v2 === undefined ? { v1 } : { v1, v2 };
}

/** Parses a kernel cpu list (`0-3,8,10-11`); undefined when malformed or implausibly large. */
export function parseCpuList(text: string): Set<number> | undefined {
  const out = new Set<number>();
  const t = text.trim();
  if (t === '') return out;
  for (const part of t.split(',')) {
    const m = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi >= MAX_CPUS) return undefined;
    for (let c = lo; c <= hi; c++) out.add(c);
  }
  return out;
}

/** The cgroup directories of `controller` for this process, from its own up to the top of the mount. */
function dirsOf(controller: Controller, member: Membership, mounts: readonly Mount[]): { dirs: string[]; v2: boolean } | undefined {
  const v1Path = member.v1.get(controller);
  const v1Mounts = mounts.filter((m) => m.fstype === 'cgroup' && m.superOptions.includes(controller));
  if (v1Path !== undefined && v1Mounts.length > 0) return { dirs: chain(v1Mounts, v1Path), v2: false };
  const v2Mounts = mounts.filter((m) => m.fstype === 'cgroup2');
  if (member.v2 !== undefined && v2Mounts.length > 0) return { dirs: chain(v2Mounts, member.v2), v2: true };
  return undefined;
}

/**
 * The process's directory under the mount whose root holds its cgroup path, then each parent up to
 * the mount point. A path outside every mount's root (a process moved out of its namespace's root
 * shows as `/../x`) cannot be placed: the mount point is all there is to read.
 */
function chain(mounts: readonly Mount[], cgPath: string): string[] {
  const under = (root: string): string | undefined =>
    root === '/' ? cgPath : cgPath === root ? '' : cgPath.startsWith(`${root}/`) ? cgPath.slice(root.length) : undefined;
  const placed = mounts.map((m) => ({ m, rel: under(m.root) })).filter((x) => x.rel !== undefined);
  const best = placed.sort((x, y) => y.m.root.length - x.m.root.length)[0];
  const top = (best?.m ?? mounts[0]!).point.replace(/\/+$/, '') || '/';
  const parts = (best?.rel ?? '').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return [top];
  const dirs: string[] = [];
  for (let n = parts.length; n >= 0; n--) dirs.push(n === 0 ? top : `${top === '/' ? '' : top}/${parts.slice(0, n).join('/')}`);
  return dirs;
}

/** Reads one small file: undefined when missing, a warning (and undefined) when unreadable. */
function reader(fs: ReadFs, warnings: string[]): (p: string) => string | undefined {
  return (p) => {
    try {
      return fs.readText(p)?.trim();
    } catch (err) {
      warnings.push(`${p}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ignored`);
      return undefined;
    }
  };
}

/** The smallest CPU quota (cores) set on `dirs`, with the file that set it. */
function quotaOf(dirs: readonly string[], v2: boolean, read: (p: string) => string | undefined, warn: (w: string) => void): { cores: number; from: string } | undefined {
  let best: { cores: number; from: string } | undefined;
  for (const d of dirs) {
    let quota: number | undefined;
    let from: string;
    if (v2) {
      const file = `${d}/cpu.max`;
      const text = read(file);
      if (text === undefined) continue;
      const m = /^(max|\d{1,18})\s+(\d{1,18})$/.exec(text);
      if (!m || Number(m[2]) === 0) {
        warn(`${file}: ${JSON.stringify(text)} is not "QUOTA PERIOD" or "max PERIOD"; no CPU limit read from it`);
        continue;
      }
      if (m[1] === 'max') continue;
      quota = Number(m[1]) / Number(m[2]);
      from = `${file} "${text}"`;
    } else {
      const qFile = `${d}/cpu.cfs_quota_us`;
      const pFile = `${d}/cpu.cfs_period_us`;
      const q = read(qFile);
      if (q === undefined || q === '-1') continue;
      const p = read(pFile);
      if (!/^\d{1,18}$/.test(q) || p === undefined || !/^\d{1,18}$/.test(p) || Number(p) === 0 || Number(q) === 0) {
        warn(`${qFile} ${JSON.stringify(q)}, cpu.cfs_period_us ${JSON.stringify(p ?? '(missing)')}: not a quota and a period in microseconds; no CPU limit read from them`);
        continue;
      }
      quota = Number(q) / Number(p);
      from = `${qFile} ${q} / cpu.cfs_period_us ${p}`;
    }
    if (best === undefined || quota < best.cores) best = { cores: quota, from };
  }
  return best;
}

/** The smallest memory limit set on `dirs`, with the file that set it. */
function memoryOf(dirs: readonly string[], v2: boolean, read: (p: string) => string | undefined, warn: (w: string) => void): MemoryLimit | undefined {
  let best: MemoryLimit | undefined;
  for (const d of dirs) {
    const file = `${d}/${v2 ? 'memory.max' : 'memory.limit_in_bytes'}`;
    const text = read(file);
    if (text === undefined || (v2 && text === 'max')) continue;
    if (!/^\d{1,20}$/.test(text)) {
      warn(`${file}: ${JSON.stringify(text)} is not a number of bytes${v2 ? ' or "max"' : ''}; no memory limit read from it`);
      continue;
    }
    const bytes = BigInt(text);
    if (bytes >= UNLIMITED_BYTES) continue;
    if (best === undefined || bytes < best.bytes) best = { bytes, from: `${file} ${text}` };
  }
  return best;
}

/** The CPUs the process may run on: the nearest cpuset file intersected with its affinity. */
function cpusOf(dirs: readonly string[] | undefined, v2: boolean, read: (p: string) => string | undefined, warn: (w: string) => void): { cpus: Set<number>; from: string } | undefined {
  const list = (file: string, text: string | undefined, field = ''): Set<number> | undefined => {
    if (text === undefined) return undefined;
    const set = parseCpuList(text);
    if (set === undefined) warn(`${file}${field}: ${JSON.stringify(text)} is not a cpu list such as 0-3,8; ignored`);
    return set !== undefined && set.size > 0 ? set : undefined;
  };
  let cpuset: { cpus: Set<number>; from: string } | undefined;
  for (const d of dirs ?? []) {
    const file = `${d}/${v2 ? 'cpuset.cpus.effective' : 'cpuset.cpus'}`;
    const text = read(file);
    if (text === undefined) continue;
    const set = list(file, text);
    if (set) cpuset = { cpus: set, from: `${file} ${text}` };
    break;
  }
  const status = read('/proc/self/status');
  const allowedText = status === undefined ? undefined : /^Cpus_allowed_list:\s*(.*)$/m.exec(status)?.[1]?.trim();
  const allowed = list('/proc/self/status', allowedText, ' Cpus_allowed_list');
  if (!allowed) return cpuset;
  if (!cpuset) return { cpus: allowed, from: `/proc/self/status Cpus_allowed_list ${allowedText}` };
  const both = new Set([...cpuset.cpus].filter((c) => allowed.has(c)));
  if (both.size === 0) return cpuset;
  return both.size < cpuset.cpus.size ? { cpus: both, from: `/proc/self/status Cpus_allowed_list ${allowedText}` } : { cpus: both, from: cpuset.from };
}

/** What the reader needs of /proc/self: read once per start into the facts (src/facts.ts). */
export interface CgroupProc {
  /** /proc/self/cgroup */
  readonly cgroup?: string | undefined;
  /** /proc/self/status */
  readonly status?: string | undefined;
  /** /proc/self/mountinfo, parsed */
  readonly mounts?: readonly Mount[] | undefined;
}

/**
 * Reads the limits from the cgroup of this process: /proc/self from `proc` (or, when absent, through
 * `fs`: tests plant it), the cgroup files through `fs`. Never throws.
 */
export function readCgroupLimits(fs: ReadFs, proc?: CgroupProc): CgroupLimits {
  const warnings: string[] = [];
  const warn = (w: string): void => void warnings.push(w);
  const fromFs = reader(fs, warnings);
  const own: Readonly<Record<string, string | undefined>> | undefined = proc && { '/proc/self/cgroup': proc.cgroup?.trim(), '/proc/self/status': proc.status?.trim() };
  const read = (p: string): string | undefined => (own && p in own ? own[p] : fromFs(p));
  const member = parseProcCgroup(read('/proc/self/cgroup') ?? '');
  let mounts: readonly Mount[] = [];
  try {
    mounts = (proc ? proc.mounts : parseMountinfo(fs.readText('/proc/self/mountinfo') ?? '')) ?? [];
  } catch (err) {
    warn(`/proc/self/mountinfo: cannot be read (${(err as Error).message}); no cgroup limits read`);
  }
  const cpuDirs = dirsOf('cpu', member, mounts);
  const memDirs = dirsOf('memory', member, mounts);
  const setDirs = dirsOf('cpuset', member, mounts);

  const quota = cpuDirs && quotaOf(cpuDirs.dirs, cpuDirs.v2, read, warn);
  const cpus = cpusOf(setDirs?.dirs, setDirs?.v2 ?? false, read, warn);
  const onlineText = read('/sys/devices/system/cpu/online');
  const online = onlineText === undefined ? undefined : parseCpuList(onlineText);
  if (onlineText !== undefined && online === undefined) warn(`/sys/devices/system/cpu/online: ${JSON.stringify(onlineText)} is not a cpu list; ignored`);
  // A cpuset is a limit only when it is smaller than the machine; a quota always is.
  const cpusLimit = cpus && online && online.size > 0 && cpus.cpus.size < online.size ? cpus : undefined;
  let cpu: CpuLimit | undefined;
  if (quota || cpusLimit) {
    const count = cpus?.cpus.size ?? Infinity;
    const threads = Math.max(1, Math.min(Math.ceil(quota?.cores ?? Infinity), count));
    cpu = quota !== undefined && quota.cores <= count ? { cores: quota.cores, threads, from: quota.from } : { cores: count, threads, from: cpus!.from };
  }
  const memory = memDirs && memoryOf(memDirs.dirs, memDirs.v2, read, warn);
  const dirs = [...new Set([cpuDirs?.dirs[0], memDirs?.dirs[0], setDirs?.dirs[0]].filter((d): d is string => d !== undefined))];
  return { ...(cpu && { cpu }), ...(memory && { memory }), dirs, warnings };
}

/** Cores as a short decimal: 2, 1.5, 0.333 (never 0). */
export function formatCores(cores: number): string {
  return String(Math.max(0.001, Math.round(cores * 1000) / 1000));
}
