// Value parsers of the settings table: each turns one raw value into its type, or reports one
// problem naming the setting, the value and the fix and returns INVALID (the table's default then
// stands). Pure; no parser throws for a user mistake.

import { closest, distance } from 'fastest-levenshtein';
import { MAX_ID } from '../system/colon-db.ts';
import type { ChownOptions, WantedGroup } from './types.ts';
import { INVISIBLE_CHAR, type ProblemList } from './problems.ts';
import type { RawValue } from './raw.ts';

export const INVALID: unique symbol = Symbol('invalid');
export type Parsed<T> = T | typeof INVALID;

/** What a parser may know besides the value: the names of the built-in hooks ([hooks] disable). */
export interface ParseEnv {
  readonly hookNames: readonly string[];
}

export type Parser<T> = (raw: RawValue, problems: ProblemList, env: ParseEnv) => Parsed<T>;

/** The groups a process may have at most (NGROUPS_MAX). */
export const MAX_GROUPS = 65536;

// Characters that would corrupt or reinterpret a passwd/group line or a path built from a name, or
// hide in one (INVISIBLE_CHAR: controls, bidi overrides, zero-width, line separators, lone surrogates),
// and U+FFFD, which stands for bytes that were not UTF-8: the name written would not be the one given.
const BAD_NAME_CHARS = new RegExp(`[:,\\s/\\\\\ufffd]|${INVISIBLE_CHAR.source}`, 'u');

/** Why a user or group name cannot be written to /etc/passwd or /etc/group, or undefined if it can. */
export function nameProblem(name: string, maxLength: number): string | undefined {
  if (name === '') return 'must not be empty';
  const bad = BAD_NAME_CHARS.exec(name);
  if (bad) return `must not contain ${JSON.stringify(bad[0])} (":", ",", "/", whitespace and control characters break /etc/passwd and /etc/group)`;
  // glibc's files backend reads a line starting with + or - as NIS compat syntax, and # as a comment.
  if (name.startsWith('-') || name.startsWith('+')) return 'must not start with "-" or "+"';
  if (name.startsWith('#')) return 'must not start with "#" (the line would read as a comment)';
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  if (/^[0-9]+$/.test(name)) return 'must not be all digits (it would read as a numeric id)';
  if ([...name].length > maxLength) return `must be at most ${maxLength} characters`; // code points, as JSON Schema counts
  return undefined;
}

// ":" and "," break a group line; INVISIBLE_CHAR hides in logs (other characters are sanitised later).
const BAD_GROUP_CHARS = new RegExp(`[:,]|${INVISIBLE_CHAR.source}`, 'u');

/** Why a mirrored group name cannot be used, or undefined (other characters are sanitised later). */
export function groupNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  const bad = BAD_GROUP_CHARS.exec(name);
  if (bad) return `must not contain ${JSON.stringify(bad[0])}`;
  if ([...name].length > 256) return 'must be at most 256 characters';
  return undefined;
}

/** Parses a decimal id in 0..MAX_ID; undefined when it is not one. */
export function parseIdValue(text: string): number | undefined {
  const t = text.trim();
  if (!/^[0-9]{1,10}$/.test(t)) return undefined;
  const n = Number(t);
  return n <= MAX_ID ? n : undefined;
}

/** Parses start.sh-style booleans: 1/yes/true and 0/no/false (any case). */
export function parseBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (t === '1' || t === 'yes' || t === 'true' || t === 'on') return true;
  if (t === '0' || t === 'no' || t === 'false' || t === 'off' || t === '') return false;
  return undefined;
}

/** Splits `exec.command`: a JSON array of strings, or words separated by white space. */
export function parseCommand(text: string): string[] | undefined {
  const t = text.trim();
  if (t.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(t);
      if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '' && !x.includes('\0'))) return v as string[];
    } catch {
      return undefined;
    }
    return undefined;
  }
  const words = t.split(/\s+/).filter((w) => w !== '');
  return words.length > 0 && !words.some((w) => w.includes('\0')) ? words : undefined;
}

/** Parses `-R`-style chown options; only recursion is meaningful to nbstart. */
export function parseChownOpts(text: string): ChownOptions | undefined {
  let recursive = false;
  for (const word of text.trim().split(/\s+/).filter((w) => w !== '')) {
    if (word === '-R' || word === '--recursive') recursive = true;
    else if (word === '-h' || word === '--no-dereference' || word === '-P') continue; // nbstart never follows links
    else return undefined;
  }
  return { recursive };
}

/** Splits a comma-separated list, trimming items and dropping empty ones. */
export function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Why a path relative to the home cannot be used, or undefined. */
export function relativePathProblem(p: string): string | undefined {
  if (p === '' || p.startsWith('/')) return 'must be a relative path inside the home';
  if (p.split('/').some((part) => part === '..')) return 'must not contain ".."';
  if (INVISIBLE_CHAR.test(p)) return 'must not contain control characters';
  return undefined;
}

/** A parser from a check: `ok` gives the value or undefined; on undefined one problem is added. */
function checked<T>(ok: (raw: RawValue) => T | undefined, message: string, fix: (origin: string) => string): Parser<T> {
  return (raw, problems) => {
    const v = ok(raw);
    if (v !== undefined) return v;
    problems.error(raw.origin, raw.value, message, fix(raw.origin));
    return INVALID;
  };
}

/** The value as given, trimmed (auth_state paths). */
export const text: Parser<string> = (raw) => raw.value.trim();

/** A user name nbstart can write to /etc/passwd. */
export function userName(what: string): Parser<string> {
  return (raw, problems) => {
    const why = nameProblem(raw.value, 256);
    if (!why) return raw.value;
    problems.error(raw.origin, raw.value, `${what} ${why}`, `set ${raw.origin} to a plain name such as "alice"`);
    return INVALID;
  };
}

/** A group name for the primary group. */
export const groupName: Parser<string> = (raw, problems) => {
  const why = groupNameProblem(raw.value);
  if (!why) return raw.value;
  problems.error(raw.origin, raw.value, `the group name ${why}`, `set ${raw.origin} to a plain name such as "science"`);
  return INVALID;
};

/** A uid or gid. */
export function id(what: string): Parser<number> {
  return checked((r) => parseIdValue(r.value), `expected an integer from 0 to ${MAX_ID}`, (o) => `set ${o} to the numeric ${what}, e.g. 1000`);
}

/** yes/no. */
export const bool: Parser<boolean> = checked((r) => parseBool(r.value), 'expected yes/no (or 1/0, true/false)', (o) => `set ${o} to yes or no`);

/** One of a few words (case-insensitive); `example` is the value the fix suggests. */
export function oneOf<T extends string>(words: readonly T[], example: string, message = `expected one of ${words.join(', ')}`): Parser<T> {
  return checked((r) => words.find((w) => w === r.value.trim().toLowerCase()), message, (o) => `set ${o} to ${example}`);
}

/** An absolute path without ":" or control characters (a login shell). */
export const shell: Parser<string> = checked(
  (r) => (/^\/[^:]*$/.test(r.value) && !INVISIBLE_CHAR.test(r.value) ? r.value : undefined),
  'expected an absolute path without ":" or control characters', (o) => `set ${o} to e.g. /bin/bash`,
);

/** Comma-separated items, each checked; one problem per bad item, the good ones kept. */
function listOf(ok: (item: string, env: ParseEnv) => string | undefined, message: (item: string, env: ParseEnv) => string, fix: (origin: string, env: ParseEnv) => string): Parser<string[]> {
  return (raw, problems, env) => {
    const out: string[] = [];
    for (const item of splitList(raw.value)) {
      if (ok(item, env) !== undefined) out.push(item);
      else problems.error(raw.origin, item, message(item, env), fix(raw.origin, env));
    }
    return out;
  };
}

/** A plain comma-separated list. */
export const list: Parser<string[]> = (raw) => splitList(raw.value);

const absolute = (p: string): string | undefined => (p.startsWith('/') && !INVISIBLE_CHAR.test(p) ? p : undefined);

/** Absolute paths (CHOWN_EXTRA). */
export const absolutePaths: Parser<string[]> = listOf(absolute, () => 'expected absolute paths without control characters',
  () => 'list absolute paths separated by commas, e.g. /opt/conda,/srv/data');

/** Absolute directories (script directories). */
export const directories: Parser<string[]> = listOf(absolute, () => 'expected absolute directory paths without control characters',
  () => 'list absolute paths separated by commas, e.g. /usr/local/bin/before-notebook.d');

/** Environment variable names (JUPYTER_ENV_VARS_TO_UNSET). */
export const variableNames: Parser<string[]> = listOf((v) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? v : undefined), () => 'expected environment variable names',
  () => 'list names separated by commas, e.g. JUPYTERHUB_API_TOKEN,AWS_SECRET');

/** Names of built-in hooks ([hooks] disable). */
export const hookNames: Parser<string[]> = listOf((d, env) => (env.hookNames.includes(d) ? d : undefined),
  (d, env) => `is not a built-in hook${didYouMean(d, env.hookNames)}`, (_o, env) => `use names from: ${env.hookNames.join(', ')}`);

/** gids ([groups] allow_gids). */
export const gidList: Parser<number[]> = (raw, problems) => {
  const out: number[] = [];
  for (const item of splitList(raw.value)) {
    const g = parseIdValue(item);
    if (g === undefined) problems.error(raw.origin, item, `expected gids from 0 to ${MAX_ID}`, 'list numeric gids separated by commas, e.g. 42,50');
    else out.push(g);
  }
  return out;
};

/** Plain names linked into the home ([home] links). */
export const linkNames: Parser<string[]> = (raw, problems) => {
  const out: string[] = [];
  for (const l of splitList(raw.value)) {
    const why = l === '.' || l === '..' ? 'must not be "." or ".."' : l.includes('/') ? 'must be a plain name without "/"' : INVISIBLE_CHAR.test(l) ? 'must not contain control characters' : undefined;
    if (why) problems.error(raw.origin, l, `link name ${why}`, 'list plain names separated by commas, e.g. work,data');
    else out.push(l);
  }
  return out;
};

/** A command: words, or a JSON array. */
export const command: Parser<string[]> = checked((r) => parseCommand(r.value), 'expected words or a JSON array of non-empty strings',
  (o) => `set ${o} to e.g. jupyter lab, or ["jupyter","lab"]`);

/** An octal umask. */
export const umask: Parser<number> = checked((r) => (/^[0-7]{1,4}$/.test(r.value.trim()) ? parseInt(r.value.trim(), 8) : undefined),
  'expected an octal umask', (o) => `set ${o} to e.g. 022 or 002`);

/** Whole seconds, as milliseconds. */
export const seconds: Parser<number> = checked((r) => (/^[0-9]{1,6}$/.test(r.value.trim()) ? Number(r.value.trim()) * 1000 : undefined),
  'expected whole seconds from 0 to 999999', (o) => `set ${o} to e.g. 300 (0 for no limit)`);

/** A size in bytes: digits, optionally with K, M, G or T (powers of 1024). */
export const size: Parser<number> = checked((r) => {
  const m = /^([0-9]{1,15})\s*([KMGT]?)i?B?$/i.exec(r.value.trim());
  return m ? Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase()) : undefined;
}, 'expected a size such as 1G, 512M or 1048576', (o) => `set ${o} to e.g. 1G`);

/** chown options (-R only). */
export const chownOpts: Parser<ChownOptions> = checked((r) => parseChownOpts(r.value), 'supports only -R (recursive); nbstart never follows symbolic links',
  (o) => `set ${o} to -R or leave it empty`);

/** A path inside the home; `example` is the default shown in the fix. */
export function relativePath(example: string): Parser<string> {
  return (raw, problems) => {
    const why = relativePathProblem(raw.value.trim());
    if (!why) return raw.value.trim();
    problems.error(raw.origin, raw.value, why, `set ${raw.origin} to a path inside the home, e.g. ${example}`);
    return INVALID;
  };
}

/**
 * The external home template. An ini value is shared by everyone using the image, so it must name
 * {user}; NBSTART_HOME_SOURCE and auth_state are per spawn and may be literal paths.
 */
export const homeSource: Parser<string> = (raw, problems) => {
  const v = raw.value.trim();
  if (!v.startsWith('/') || INVISIBLE_CHAR.test(v) || v.split('/').includes('..')) {
    problems.error(raw.origin, raw.value, 'expected an absolute path without ".." or control characters', `set ${raw.origin} to e.g. /mnt/home/{user}`);
    return INVALID;
  }
  if (raw.origin.startsWith('[home]') && !v.includes('{user}')) {
    problems.error(raw.origin, raw.value, 'names one fixed directory for every user of the image', 'put {user} in it, e.g. /mnt/home/{user}, or pass NBSTART_HOME_SOURCE per container');
    return INVALID;
  }
  return v;
};

/** `name:gid,name:gid` (NBSTART_GROUPS, or auth_state groups already checked field by field). */
export const groupList: Parser<WantedGroup[]> = (raw, problems) => {
  const out: WantedGroup[] = [];
  const items = splitList(raw.value);
  if (items.length > MAX_GROUPS - 2) {
    problems.error(raw.origin, `${items.length} groups`, `is more than the kernel allows (${MAX_GROUPS} per process, with the primary group and users)`, 'mirror fewer groups');
    return [];
  }
  for (const item of items) {
    const colon = item.lastIndexOf(':');
    const name = colon > 0 ? item.slice(0, colon) : '';
    const gid = colon > 0 ? parseIdValue(item.slice(colon + 1)) : undefined;
    const why = name === '' ? 'expected name:gid' : groupNameProblem(name);
    if (why || gid === undefined) {
      problems.error(raw.origin, item, why ?? `expected a gid from 0 to ${MAX_ID} after the colon`, 'write groups as name:gid separated by commas, e.g. physics:3000,staff:3001');
      continue;
    }
    out.push({ name, gid });
  }
  return out;
};

/** A suggestion like ` (did you mean "uid"?)`, or empty. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(word, [...candidates]);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}
