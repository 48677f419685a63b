// Resolves the desired Identity (pure): configuration + the image's passwd/group → who to become.

import type { Config, WantedGroup } from '../config/types.ts';
import type { ProblemList } from '../config/problems.ts';
import { originOf } from '../config/validate.ts';
import { groupEntries, parseDb, passwdEntries, type ColonDb, type GroupEntry, type PasswdEntry } from '../system/colon-db.ts';
import type { ReadFs } from '../system/read-fs.ts';
import type { Facts } from '../facts.ts';
import { hasCapability } from '../system/capabilities.ts';
import { distinctGroupName, sanitizeGroupName } from './group-names.ts';
import { entryFor, parseRefitRecord, REFIT_RECORD } from './entry.ts';
import { placeHome } from './home-place.ts';
import { checkGids, PRIVILEGED_GROUP_NAMES } from './privileged-groups.ts';
import type { Identity, ResolvedGroup } from './identity.ts';


export interface ResolveInput {
  readonly config: Config;
  readonly passwd: ColonDb;
  readonly group: ColonDb;
  /** Groups to mirror (auth_state / NBSTART_GROUPS), in the order given. */
  readonly wanted: readonly WantedGroup[];
  /** Image groups (names) the user keeps as supplementary groups besides `users`. */
  readonly keep: readonly string[];
  /** The entry nbstart refitted from the template in an earlier start (identity/entry.ts), if any. */
  readonly refitted?: string;
}

/** The gid of `users` in docker-stacks images; the user always stays a member when the image has it. */
export const USERS_GID = 100;


/** Resolves the identity to refit the template user to (started as root). */
export function resolveIdentity(input: ResolveInput, problems: ProblemList): Identity | undefined {
  const { config } = input;
  const users = passwdEntries(input.passwd).map((e) => e.entry);
  const template = config.user.template;
  const name = config.user.name ?? template;

  const entry = entryFor(users, config, name, input.refitted, problems);
  if (!entry) return undefined;

  const uid = config.user.uid ?? entry.uid;
  const gid = config.user.gid ?? entry.gid;
  let ok = true;
  if (name === 'root') {
    if (uid !== 0 || gid !== 0) {
      problems.error(originOf(config, 'user.uid', 'NB_UID'), `${uid}:${gid}`, 'NB_USER=root runs as root and needs NB_UID=0 and NB_GID=0',
        'set NB_UID=0 NB_GID=0, or choose another NB_USER');
      ok = false;
    }
  } else if (uid === 0 && !config.user.allowRoot) {
    problems.error(originOf(config, 'user.uid', 'NB_UID'), '0', `would give "${name}" root's uid`,
      'use a non-zero uid, or set NBSTART_ALLOW_ROOT=yes ([user] allow_root) if that is really meant');
    ok = false;
  }
  const clash = users.find((u) => u.uid === uid && u.name !== entry.name);
  if (clash && name !== 'root' && uid !== 0) {
    problems.error(originOf(config, 'user.uid', 'NB_UID'), String(uid), `is already the uid of "${clash.name}" in /etc/passwd`,
      `choose another uid, or remove "${clash.name}" from the image`);
    ok = false;
  }
  const groups = groupEntries(input.group).map((g) => g.entry);
  if (!checkGids(config, groups, gid, input.wanted.map((w) => w.gid), name, problems)) ok = false;
  if (!ok) return undefined;

  const resolved = mirrorGroups(groups, [
    { name: config.user.group ?? name, gid },
    ...input.wanted,
  ]);
  // A primary group named after the user only by default needs no note when the image names the gid.
  const asked = resolved[0]!;
  const primary: ResolvedGroup = config.user.group === undefined && asked.exists ? { name: asked.name, gid: asked.gid, exists: true } : asked;
  const supplementary = new Map<number, ResolvedGroup>();
  const users100 = groups.find((g) => g.gid === USERS_GID);
  if (users100 && gid !== USERS_GID) supplementary.set(USERS_GID, { name: users100.name, gid: USERS_GID, exists: true });
  for (const g of resolved.slice(1)) if (g.gid !== gid) supplementary.set(g.gid, g);
  for (const keep of input.keep) {
    const g = groups.find((x) => x.name === keep);
    if (g && g.gid !== gid) supplementary.set(g.gid, { name: g.name, gid: g.gid, exists: true });
  }

  return {
    entry: entry.name,
    name,
    uid,
    gid,
    primary,
    groups: [...supplementary.values()].sort((a, b) => a.gid - b.gid),
    home: name === 'root' ? '/home/root' : `/home/${name}`,
    shell: config.user.shell ?? (entry.shell === '' ? '/bin/sh' : entry.shell),
    templateHome: users.find((u) => u.name === template)?.home ?? `/home/${template}`,
    was: { uid: entry.uid, gid: entry.gid, home: entry.home },
  };
}

/**
 * Names each wanted group: a gid the image has keeps its image name; a new gid gets the asked
 * name made groupadd-safe, or a distinct derived name when another gid holds it. The first
 * mention of a gid wins. Deterministic: the same input gives the same names.
 */
export function mirrorGroups(image: readonly GroupEntry[], wanted: readonly WantedGroup[]): ResolvedGroup[] {
  const byGid = new Map<number, GroupEntry>();
  const nameToGid = new Map<string, number>();
  for (const g of image) {
    if (!byGid.has(g.gid)) byGid.set(g.gid, g);
    if (!nameToGid.has(g.name)) nameToGid.set(g.name, g.gid);
  }
  const out: ResolvedGroup[] = [];
  const seen = new Set<number>();
  for (const w of wanted) {
    if (seen.has(w.gid)) continue;
    seen.add(w.gid);
    const existing = byGid.get(w.gid);
    if (existing) {
      out.push({
        name: existing.name, gid: w.gid, exists: true,
        ...(existing.name !== w.name && { asked: w.name, note: `gid ${w.gid} is "${existing.name}" in the image; kept that name` }),
      });
      continue;
    }
    const clean = sanitizeGroupName(w.name);
    let name = clean;
    let note = clean !== w.name ? `"${w.name}" is not a valid group name; using "${clean}"` : undefined;
    const holder = nameToGid.get(clean);
    if (holder !== undefined && holder !== w.gid) {
      name = distinctGroupName(clean, w.gid, (n) => nameToGid.has(n));
      note = `"${clean}" is gid ${holder} already; using "${name}" for gid ${w.gid}`;
    } else if (PRIVILEGED_GROUP_NAMES.includes(clean)) {
      // A new group never takes a privileged name: sudoers rules and tools trust %sudo, docker, ...
      name = distinctGroupName(clean, w.gid, (n) => nameToGid.has(n));
      note = `"${clean}" is the name of a privileged group; using "${name}" for gid ${w.gid}`;
    }
    nameToGid.set(name, w.gid);
    out.push({ name, gid: w.gid, exists: false, ...(name !== w.name && { asked: w.name }), ...(note && { note }) });
  }
  return out;
}

/**
 * The passwd entry that really names `uid`. Podman (and CRI-O) append a line named after the numeric
 * uid for an unknown `--user`; that is no name, so it does not count.
 */
export function ownEntry(users: readonly PasswdEntry[], uid: number): PasswdEntry | undefined {
  return users.find((u) => u.uid === uid && u.name !== String(uid));
}

export interface Unprivileged {
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
  /** Whether a path exists (for choosing /home/<user> over the template's home). */
  readonly exists: (path: string) => boolean;
}

/**
 * The identity of a process that did not start as root (Kubernetes runAsUser, `--user 1010:0`):
 * its uid/gid cannot change, so the name comes from passwd or NB_USER. Mismatches are warnings.
 */
export function resolveUnprivileged(input: ResolveInput, proc: Unprivileged, problems: ProblemList): Identity {
  const { config } = input;
  const users = passwdEntries(input.passwd).map((e) => e.entry);
  const groups = groupEntries(input.group).map((g) => g.entry);
  const template = users.find((u) => u.name === config.user.template);
  const own = ownEntry(users, proc.uid);
  const name = own?.name ?? config.user.name ?? config.user.template;
  const homeOf = (): string => {
    if (own) return own.home;
    if (proc.exists(`/home/${name}`)) return `/home/${name}`;
    return template?.home ?? `/home/${config.user.template}`;
  };
  const warn = (key: string, env: string, value: string | number | undefined, actual: string | number, what: string): void => {
    if (value === undefined || String(value) === String(actual)) return;
    problems.warn(originOf(config, key, env), String(value), `cannot change the ${what} to this: the container did not start as root (it runs as ${actual})`,
      `start the container as root (docker run --user root, or runAsUser: 0) to change it`);
  };
  if (own) warn('user.name', 'NB_USER', config.user.name, own.name, 'user name');
  warn('user.uid', 'NB_UID', config.user.uid === template?.uid ? undefined : config.user.uid, proc.uid, 'uid');
  warn('user.gid', 'NB_GID', config.user.gid === template?.gid ? undefined : config.user.gid, proc.gid, 'gid');
  const byGid = new Map(groups.map((g) => [g.gid, g] as const));
  const ref = (gid: number, fallback: string): ResolvedGroup => {
    const g = byGid.get(gid);
    return g ? { name: g.name, gid, exists: true } : { name: fallback, gid, exists: false };
  };
  const primary = ref(proc.gid, config.user.group ?? name);
  return {
    entry: own?.name ?? '',
    name,
    uid: proc.uid,
    gid: proc.gid,
    primary,
    groups: [...new Set(proc.groups)].filter((g) => g !== proc.gid).sort((a, b) => a - b).map((g) => ref(g, `group${g}`)),
    home: homeOf(),
    shell: config.user.shell ?? own?.shell ?? template?.shell ?? '/bin/sh',
    templateHome: template?.home ?? `/home/${config.user.template}`,
    was: { uid: proc.uid, gid: proc.gid, home: own?.home ?? homeOf() },
  };
}

/**
 * Resolves the identity of this process's start (root or not) from the image's account files. As
 * root it also checks that the identity can be changed (CAP_SETUID, CAP_SETGID) and places the home
 * where it can be made (identity/home-place.ts).
 */
export function resolveFor(fsr: ReadFs, facts: Facts, config: Config, problems: ProblemList): Identity | undefined {
  const passwdText = fsr.readText('/etc/passwd');
  const groupText = fsr.readText('/etc/group');
  if (passwdText === undefined || groupText === undefined) {
    problems.error('/etc/passwd', '', 'is missing or unreadable in this image', 'the image needs /etc/passwd and /etc/group');
    return undefined;
  }
  const refitted = parseRefitRecord(fsr.readText(REFIT_RECORD), config.user.template);
  const input = { config, passwd: parseDb('passwd', passwdText), group: parseDb('group', groupText), wanted: config.groups.wanted, keep: config.groups.keep, ...(refitted && { refitted }) };
  if (facts.euid === 0) {
    const status = facts.status;
    const missing = (['CAP_SETUID', 'CAP_SETGID'] as const).filter((c) => !hasCapability(status, c));
    if (missing.length > 0) {
      problems.error('the container\'s capabilities', `CapEff ${status.capEff?.toString(16).padStart(16, '0')}`,
        `lack ${missing.join(' and ')}: started as root, nbstart cannot become the person`,
        'add SETUID and SETGID to the capabilities (securityContext.capabilities.add), or start the container as the person');
    }
    const id = resolveIdentity(input, problems);
    return id && placeHome(fsr, facts, id, problems);
  }
  return resolveUnprivileged(input, {
    uid: facts.uid, gid: facts.gid, groups: facts.groups,
    exists: (p) => fsr.lstat(p).kind !== 'missing',
  }, problems);
}
