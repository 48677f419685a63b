// The colon-separated account databases (/etc/passwd, /etc/group, /etc/shadow, /etc/gshadow),
// parsed so that every line we do not change renders back byte for byte.

export type DbKind = 'passwd' | 'group' | 'shadow' | 'gshadow';

/** Number of fields a well-formed line of each database has. */
export const FIELD_COUNT: Readonly<Record<DbKind, number>> = {
  passwd: 7,
  group: 4,
  shadow: 9,
  gshadow: 4,
};

export interface ColonDb {
  readonly kind: DbKind;
  /** Raw lines without their terminating newline. */
  readonly lines: readonly string[];
  /** Whether the text ended with a newline (kept on render). */
  readonly finalNewline: boolean;
}

export interface PasswdEntry {
  readonly name: string;
  readonly password: string;
  readonly uid: number;
  readonly gid: number;
  readonly gecos: string;
  readonly home: string;
  readonly shell: string;
}

export interface GroupEntry {
  readonly name: string;
  readonly password: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** Parses a database's text; never throws (odd lines are kept as they are). */
export function parseDb(kind: DbKind, text: string): ColonDb {
  if (text === '') return { kind, lines: [], finalNewline: false };
  const finalNewline = text.endsWith('\n');
  const body = finalNewline ? text.slice(0, -1) : text;
  return { kind, lines: body.split('\n'), finalNewline };
}

/** Renders a database back to text. */
export function renderDb(db: ColonDb): string {
  if (db.lines.length === 0) return '';
  return db.lines.join('\n') + (db.finalNewline ? '\n' : '');
}

const ID_RE = /^(0|[1-9][0-9]{0,9})$/;

/** Parses a numeric id field; undefined unless it is a canonical decimal in 0..4294967294. */
export function parseId(text: string): number | undefined {
  if (!ID_RE.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_ID ? n : undefined;
}

/** The largest usable uid/gid: (uid_t)-1 is reserved by the kernel. */
export const MAX_ID = 4294967294;

/** The fields of an entry line, or undefined for comments, blanks, NIS lines and malformed lines. */
export function entryFields(kind: DbKind, line: string): string[] | undefined {
  if (line === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) return undefined;
  const fields = line.split(':');
  if (fields.length !== FIELD_COUNT[kind] || fields[0] === '') return undefined;
  return fields;
}

/** Reads a passwd line; undefined for lines that are not well-formed entries. */
export function passwdEntry(line: string): PasswdEntry | undefined {
  const f = entryFields('passwd', line);
  if (!f) return undefined;
  const uid = parseId(f[2]!);
  const gid = parseId(f[3]!);
  if (uid === undefined || gid === undefined) return undefined;
  return { name: f[0]!, password: f[1]!, uid, gid, gecos: f[4]!, home: f[5]!, shell: f[6]! };
}

/** Reads a group line; undefined for lines that are not well-formed entries. */
export function groupEntry(line: string): GroupEntry | undefined {
  const f = entryFields('group', line);
  if (!f) return undefined;
  const gid = parseId(f[2]!);
  if (gid === undefined) return undefined;
  return { name: f[0]!, password: f[1]!, gid, members: splitMembers(f[3]!) };
}

/** Splits a comma-separated member list, dropping empty items. */
export function splitMembers(text: string): string[] {
  return text === '' ? [] : text.split(',').filter((m) => m !== '');
}

/** Renders a passwd entry as a line. */
export function passwdLine(e: PasswdEntry): string {
  return [e.name, e.password, String(e.uid), String(e.gid), e.gecos, e.home, e.shell].join(':');
}

/** Renders a group entry as a line. */
export function groupLine(e: GroupEntry): string {
  return [e.name, e.password, String(e.gid), e.members.join(',')].join(':');
}

/** The well-formed entries of a database with their line index, read by `parse`. */
function entriesOf<E>(db: ColonDb, parse: (line: string) => E | undefined): { index: number; entry: E }[] {
  const out: { index: number; entry: E }[] = [];
  db.lines.forEach((line, index) => {
    const entry = parse(line);
    if (entry) out.push({ index, entry });
  });
  return out;
}

/** All well-formed passwd entries with their line index. */
export function passwdEntries(db: ColonDb): { index: number; entry: PasswdEntry }[] {
  return entriesOf(db, passwdEntry);
}

/** All well-formed group entries with their line index. */
export function groupEntries(db: ColonDb): { index: number; entry: GroupEntry }[] {
  return entriesOf(db, groupEntry);
}

/** Replaces line `index` (or appends when index is undefined), returning a new database. */
export function withLine(db: ColonDb, index: number | undefined, line: string): ColonDb {
  const lines = [...db.lines];
  if (index === undefined) {
    lines.push(line);
    return { ...db, lines, finalNewline: true };
  }
  lines[index] = line;
  return { ...db, lines };
}
