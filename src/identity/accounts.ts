// Computes the new /etc/passwd, /etc/group, /etc/shadow and /etc/gshadow for an Identity (pure).
// Lines that do not change are kept byte for byte; applying the result twice changes nothing.

import {
  entryFields, groupEntry, groupLine, passwdEntry, passwdLine, splitMembers, withLine,
  type ColonDb,
} from '../system/colon-db.ts';
import type { Identity } from './identity.ts';

export interface AccountDbs {
  readonly passwd: ColonDb;
  readonly group: ColonDb;
  readonly shadow?: ColonDb;
  readonly gshadow?: ColonDb;
}

/** Refits the passwd entry `id.entry` to the identity. */
export function refitPasswd(db: ColonDb, id: Identity): ColonDb {
  const index = db.lines.findIndex((l) => passwdEntry(l)?.name === id.entry);
  if (index < 0) throw new Error(`passwd entry "${id.entry}" vanished between resolve and plan`);
  const old = passwdEntry(db.lines[index]!)!;
  const next = { ...old, name: id.name, uid: id.uid, gid: id.gid, home: id.home, shell: id.shell };
  const line = passwdLine(next);
  return line === db.lines[index] ? db : withLine(db, index, line);
}

/** Renames the user's shadow line (root keeps everything else; passwords are not ours). */
export function refitShadow(db: ColonDb, id: Identity): ColonDb {
  if (id.entry === id.name) return db;
  const index = db.lines.findIndex((l) => entryFields('shadow', l)?.[0] === id.entry);
  if (index < 0) return db;
  const fields = entryFields('shadow', db.lines[index]!)!;
  fields[0] = id.name;
  return withLine(db, index, fields.join(':'));
}

/** The member lists that make the user a member of exactly `wanted` gids (old name removed everywhere). */
function fixMembers(members: readonly string[], id: Identity, inGroup: boolean): string[] {
  if (!inGroup) return members.filter((m) => m !== id.name && m !== id.entry);
  // Keep the user's place in the list (renaming in place) so a second run changes nothing.
  const out: string[] = [];
  for (const m of members) {
    const n = m === id.entry ? id.name : m;
    if (!out.includes(n)) out.push(n);
  }
  if (!out.includes(id.name)) out.push(id.name);
  return out;
}

/** Memberships: the user is listed in exactly its supplementary groups; new gids are appended. */
export function refitGroup(db: ColonDb, id: Identity): ColonDb {
  const wanted = new Set(id.groups.map((g) => g.gid));
  const lines = [...db.lines];
  const present = new Set<number>();
  db.lines.forEach((line, index) => {
    const e = groupEntry(line);
    if (!e) return;
    present.add(e.gid);
    const members = fixMembers(e.members, id, wanted.has(e.gid));
    if (!sameList(members, e.members)) lines[index] = groupLine({ ...e, members });
  });
  for (const g of [id.primary, ...id.groups]) {
    if (present.has(g.gid)) continue;
    present.add(g.gid);
    lines.push(groupLine({ name: g.name, password: 'x', gid: g.gid, members: wanted.has(g.gid) ? [id.name] : [] }));
  }
  return withLines(db, lines);
}

/** gshadow mirrors group: same memberships, admins renamed, new groups with a locked password. */
export function refitGshadow(db: ColonDb, group: ColonDb, id: Identity): ColonDb {
  const wantedNames = new Map<string, boolean>();
  for (const line of group.lines) {
    const e = groupEntry(line);
    if (e) wantedNames.set(e.name, e.members.includes(id.name));
  }
  const lines = [...db.lines];
  const present = new Set<string>();
  db.lines.forEach((line, index) => {
    const f = entryFields('gshadow', line);
    if (!f) return;
    present.add(f[0]!);
    const admins = splitMembers(f[2]!).map((a) => (a === id.entry ? id.name : a));
    const members = fixMembers(splitMembers(f[3]!), id, wantedNames.get(f[0]!) ?? false);
    if (sameList(admins, splitMembers(f[2]!)) && sameList(members, splitMembers(f[3]!))) return;
    lines[index] = [f[0], f[1], admins.join(','), members.join(',')].join(':');
  });
  for (const g of [id.primary, ...id.groups]) {
    if (g.exists || present.has(g.name)) continue;
    present.add(g.name);
    lines.push(`${g.name}:!::${wantedNames.get(g.name) ? id.name : ''}`);
  }
  return withLines(db, lines);
}

/** All four databases refitted; shadow files only when the image has them. */
export function refitAccounts(dbs: AccountDbs, id: Identity): AccountDbs {
  const group = refitGroup(dbs.group, id);
  return {
    passwd: refitPasswd(dbs.passwd, id),
    group,
    ...(dbs.shadow && { shadow: refitShadow(dbs.shadow, id) }),
    ...(dbs.gshadow && { gshadow: refitGshadow(dbs.gshadow, group, id) }),
  };
}

/** A database with new lines; the final newline is kept, and added when lines were appended. */
function withLines(db: ColonDb, lines: string[]): ColonDb {
  if (sameList(lines, db.lines)) return db;
  return { ...db, lines, finalNewline: db.finalNewline || lines.length > db.lines.length || db.lines.length === 0 };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
