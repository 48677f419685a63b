// The canonical identity a hub hands over, checked field by field with the rules of
// hub/identity.schema.json (the one contract hub/nbstart_hub.py also follows): a document is
// accepted here exactly when the schema accepts it (test/unit/config/identity-contract.test.ts).

import { MAX_ID } from '../system/colon-db.ts';
import { INVISIBLE_CHAR, type ProblemList } from './problems.ts';
import { nameProblem } from './parsers.ts';

/** The person as the hub hands them over; only name and uid are required. */
export interface CanonicalIdentity {
  readonly name: string;
  readonly uid: number;
  readonly gid?: number;
  readonly group?: string;
  readonly groups?: readonly { readonly name: string; readonly gid: number }[];
  readonly home?: string;
}

/** The fields of the canonical identity; anything else (a token) is refused. */
export const CANONICAL_FIELDS: readonly string[] = ['name', 'uid', 'gid', 'group', 'groups', 'home'];

/** Most supplementary groups an identity may list (NGROUPS_MAX less the primary group and users). */
export const MAX_IDENTITY_GROUPS = 65534;

/** Longest primary group name (NB_GROUP rules of the schema's primaryGroupName). */
export const MAX_PRIMARY_GROUP_NAME = 32;

// White space as ECMAScript's \s: a group name may hold it inside, never at either end.
const EDGE_SPACE = /^\s|\s$/u;
const BAD_GROUP_CHAR = new RegExp(`[:,\\ufffd]|${INVISIBLE_CHAR.source}`, 'u');
const BAD_HOME_CHAR = new RegExp(`[:{}\\ufffd]|${INVISIBLE_CHAR.source}`, 'u');

/** Length in code points, as JSON Schema's maxLength and Python's len() count. */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** An id as the schema takes it: a JSON integer from 1 to MAX_ID (1010.0 is 1010). */
export function schemaId(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ID ? value : undefined;
}

/** Why `name` cannot name a supplementary group (schema groupName), or undefined. */
export function identityGroupNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  const bad = BAD_GROUP_CHAR.exec(name);
  if (bad) return `must not contain ${JSON.stringify(bad[0])}`;
  if (EDGE_SPACE.test(name)) return 'must not start or end with white space';
  if (codePoints(name) > 256) return 'must be at most 256 characters';
  return undefined;
}

/** Why `home` cannot be the external home (schema home), or undefined. */
export function homeProblem(home: string): string | undefined {
  if (!home.startsWith('/')) return 'must be an absolute path';
  const bad = BAD_HOME_CHAR.exec(home);
  if (bad) return `must not contain ${JSON.stringify(bad[0])} (":" breaks /etc/passwd, braces would read as {user})`;
  if (home.split('/').includes('..')) return 'must not contain a ".." component';
  if (/\s$/u.test(home)) return 'must not end with white space';
  if (codePoints(home) > 4096) return 'must be at most 4096 characters';
  return undefined;
}

/** Why `name` cannot be the user (max 256) or primary group (max 32) name, or undefined: NB_USER's rules. */
export function identityNameProblem(name: string, max: number): string | undefined {
  return nameProblem(name, max);
}

/** A value of the document as shown in a message: its JSON (formatProblem shows 200 characters of it). */
export function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  return JSON.stringify(value) ?? String(value);
}

/** A value as shown: a string as it is (its problem is in its characters), anything else as JSON. */
export const asGiven = (value: unknown): string => (typeof value === 'string' ? value : shown(value));

/** "an object", "a list": what a field held, for messages that must not show it (it may be a token). */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Checks a parsed canonical document. `field(path)` names a field for messages (`NBSTART_AUTH_STATE
 * field groups[0].gid`); every problem is added, and the identity is returned only when there is none.
 */
export function checkCanonical(doc: Readonly<Record<string, unknown>>, field: (path: string) => string, fix: string, problems: ProblemList): CanonicalIdentity | undefined {
  const before = problems.errors.length;
  for (const key of Object.keys(doc)) {
    if (!CANONICAL_FIELDS.includes(key)) {
      // The value may be a token: only its kind is shown.
      problems.error(field(key), `${kindOf(doc[key])}, not shown`,
        `is not a field of the identity (${CANONICAL_FIELDS.join(', ')})`,
        'hand over only the identity (hub/nbstart_hub.py does), or set NBSTART_AUTH_STATE_PRESET=ldap or github for an authenticator\'s auth_state');
    }
  }
  const has = (key: string): boolean => Object.hasOwn(doc, key);
  const name = doc['name'];
  if (typeof name !== 'string') problems.error(field('name'), shown(name), 'must be a non-empty string', fix);
  else {
    const why = identityNameProblem(name, 256);
    if (why) problems.error(field('name'), name, `the user name ${why}`, fix);
  }
  const id = (key: string): number | undefined => {
    const n = schemaId(doc[key]);
    if (n === undefined) problems.error(field(key), shown(doc[key]), `must be an integer from 1 to ${MAX_ID}`, fix);
    return n;
  };
  const uid = id('uid');
  const gid = has('gid') ? id('gid') : undefined;
  let group: string | undefined;
  if (has('group')) {
    const g = doc['group'];
    const why = typeof g === 'string' ? identityNameProblem(g, MAX_PRIMARY_GROUP_NAME) : 'must be a string';
    if (why) problems.error(field('group'), asGiven(g), `the group name ${why}`, fix);
    else group = g as string;
  }
  let groups: { name: string; gid: number }[] | undefined;
  if (has('groups')) {
    const list = doc['groups'];
    if (!Array.isArray(list)) problems.error(field('groups'), shown(list).slice(0, 200), 'must be a list of {"name", "gid"}', fix);
    else if (list.length > MAX_IDENTITY_GROUPS) {
      problems.error(field('groups'), `${list.length} groups`, `is more than the kernel allows (${MAX_IDENTITY_GROUPS + 2} per process, with the primary group and users)`, 'send fewer groups from the hub');
    } else {
      groups = [];
      list.forEach((g: unknown, i) => {
        const at = `groups[${i}]`;
        if (g === null || typeof g !== 'object' || Array.isArray(g) || Object.keys(g).some((k) => k !== 'name' && k !== 'gid')) {
          problems.error(field(at), shown(g), 'must be an object with exactly "name" and "gid"', fix);
          return;
        }
        const item = g as Record<string, unknown>;
        const gname = item['name'];
        const why = typeof gname === 'string' ? identityGroupNameProblem(gname) : 'must be a string';
        if (why) problems.error(field(`${at}.name`), asGiven(gname), why, fix);
        const ggid = schemaId(item['gid']);
        if (ggid === undefined) problems.error(field(`${at}.gid`), shown(item['gid']), `must be an integer from 1 to ${MAX_ID}`, fix);
        if (!why && ggid !== undefined) groups!.push({ name: gname as string, gid: ggid });
      });
    }
  }
  let home: string | undefined;
  if (has('home')) {
    const h = doc['home'];
    const why = typeof h === 'string' ? homeProblem(h) : 'must be a string';
    if (why) problems.error(field('home'), asGiven(h), why, fix);
    else home = h as string;
  }
  if (problems.errors.length > before || typeof name !== 'string' || uid === undefined) return undefined;
  return { name, uid, ...(gid !== undefined && { gid }), ...(group !== undefined && { group }), ...(groups && { groups }), ...(home !== undefined && { home }) };
}
