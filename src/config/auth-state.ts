// JupyterHub auth_state → raw setting values. The hub hands the person's identity over as JSON
// (NBSTART_AUTH_STATE_FILE, e.g. a mounted Secret, or NBSTART_AUTH_STATE); a preset or dotted-path
// mapping reads it, and every field is checked here so a problem names the exact JSON field.

import * as fs from 'node:fs';
import { MAX_ID } from '../system/colon-db.ts';
import { groupNameProblem, MAX_GROUPS } from './parsers.ts';
import type { ProblemList } from './problems.ts';
import type { RawValue } from './raw.ts';

export { groupNameProblem, MAX_GROUPS };

export type Preset = 'canonical' | 'ldap' | 'github';
export const PRESETS: readonly Preset[] = ['canonical', 'ldap', 'github'];

/** Dotted paths into auth_state for each canonical field. */
export interface Mapping {
  readonly name: string;
  readonly uid: string;
  readonly gid: string;
  readonly group: string;
  readonly groups: string;
  readonly groupName: string;
  readonly groupGid: string;
  readonly home: string;
}

/**
 * canonical: nbstart's own shape (what hub/nbstart_hub.py produces).
 * ldap: jupyterhub/ldapauthenticator's auth_state (`user_attributes` holds LDAP attribute lists;
 *   uid/uidNumber/gidNumber come from `auth_state_attributes`) plus a `groups` list with gids that a
 *   hub-side hook adds (see hub/README.md).
 * github: OAuthenticator's GitHub auth_state with teams (`populate_teams_in_auth_state`).
 */
export const PRESET_MAPPINGS: Readonly<Record<Exclude<Preset, 'github'>, Mapping>> = {
  canonical: { name: 'name', uid: 'uid', gid: 'gid', group: 'group', groups: 'groups', groupName: 'name', groupGid: 'gid', home: 'home' },
  ldap: {
    name: 'user_attributes.uid', uid: 'user_attributes.uidNumber', gid: 'user_attributes.gidNumber', group: 'group',
    groups: 'groups', groupName: 'name', groupGid: 'gid', home: 'user_attributes.homeDirectory',
  },
};

/** Where an auth_state came from, for messages: `NBSTART_AUTH_STATE_FILE=/run/secrets/a.json`. */
export interface AuthStateSource {
  readonly label: string;
  readonly text: string;
}

/** Reads the auth_state JSON text from the file or the variable (file first); undefined if neither is set. */
export function readAuthState(env: Readonly<Record<string, string | undefined>>, problems: ProblemList, root = ''): AuthStateSource | undefined {
  const file = env['NBSTART_AUTH_STATE_FILE'];
  if (file) {
    try {
      return { label: `NBSTART_AUTH_STATE_FILE=${file}`, text: fs.readFileSync(root + file, 'utf8') };
    } catch (err) {
      problems.error('NBSTART_AUTH_STATE_FILE', file, `cannot be read (${(err as NodeJS.ErrnoException).code})`,
        'mount the auth_state file readable by the starting user, or unset NBSTART_AUTH_STATE_FILE');
      return undefined;
    }
  }
  const text = env['NBSTART_AUTH_STATE'];
  return text ? { label: 'NBSTART_AUTH_STATE', text } : undefined;
}

/**
 * Value at a dotted path; LDAP-style one-element lists read as their element. Only the document's
 * own keys count: `constructor` or `__proto__` must not reach Object.prototype.
 */
export function atPath(obj: unknown, dotted: string): unknown {
  let v: unknown = obj;
  for (const part of dotted.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return Array.isArray(v) && v.length === 1 && typeof v[0] !== 'object' ? v[0] : v;
}

/** An id from JSON: an integer, or a string of digits (LDAP attributes are strings). */
function idFrom(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_ID) return v;
  if (typeof v === 'string' && /^[0-9]{1,10}$/.test(v) && Number(v) <= MAX_ID) return Number(v);
  return undefined;
}

/** Stands in for a whole auth_state in messages: its size only, never its content. */
function hidden(text: string): string {
  return `${Buffer.byteLength(text)} bytes, not shown`;
}

/** Renders groups as the `name:gid,name:gid` form NBSTART_GROUPS uses (names cannot hold : or ,). */
export function groupsText(groups: readonly { name: string; gid: number }[]): string {
  return groups.map((g) => `${g.name}:${g.gid}`).join(',');
}

/**
 * Turns auth_state JSON into raw values for user.name, user.uid, user.gid, user.group, groups.list and
 * home.source. Every malformed field is a problem naming it; nothing is returned when any is found.
 */
export function authStateValues(src: AuthStateSource, preset: Preset, overrides: Partial<Mapping>, problems: ProblemList): Map<string, RawValue> {
  const out = new Map<string, RawValue>();
  let doc: unknown;
  try {
    doc = JSON.parse(src.text);
  } catch (err) {
    // Neither the text nor V8's message (which quotes it) is shown: an auth_state may hold tokens.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    problems.error(src.label, hidden(src.text), `is not JSON${at ? ` (error at character ${at})` : ''}`, 'pass a JSON object such as {"name": "alice", "uid": 1010}');
    return out;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    problems.error(src.label, hidden(src.text), 'must be a JSON object', 'pass a JSON object such as {"name": "alice", "uid": 1010}');
    return out;
  }
  const before = problems.errors.length;
  const field = (path: string): string => `${src.label} field ${path}`;
  const fix = 'fix the hub\'s auth_state hook (see hub/README.md)';

  // github: gid = uid and the private group is named after the login unless mapped otherwise.
  const gh = preset === 'github';
  const m: Mapping = gh
    ? { name: 'github_user.login', uid: 'github_user.id', gid: 'github_user.id', group: 'github_user.login', groups: 'teams', groupName: 'login', groupGid: 'id', home: 'home', ...overrides }
    : { ...PRESET_MAPPINGS[preset], ...overrides };
  const name = atPath(doc, m.name);
  const uid = atPath(doc, m.uid);
  const gid = atPath(doc, m.gid);
  const group = atPath(doc, m.group);
  const home = atPath(doc, m.home);
  let groups: { name: unknown; gid: unknown; path: string }[] | undefined;
  const list = atPath(doc, m.groups);
  if (list !== undefined && !Array.isArray(list)) {
    problems.error(field(m.groups), JSON.stringify(list).slice(0, 200), gh ? 'must be a list of teams' : 'must be a list of {"name", "gid"}', fix);
  } else if (Array.isArray(list)) {
    // GitHub: each team names its organization; the distinct organizations are the groups.
    const items = list.map((g, i) => (gh ? { obj: atPath(g, 'organization'), path: `${m.groups}[${i}].organization` } : { obj: g, path: `${m.groups}[${i}]` }));
    const seen = new Set<unknown>();
    groups = [];
    for (const { obj, path } of items) {
      const g = { name: atPath(obj, m.groupName), gid: atPath(obj, m.groupGid), path };
      if (gh && seen.has(g.gid)) continue;
      seen.add(g.gid);
      groups.push(g);
    }
  }
  const groupsPath = m.groups;

  const put = (key: string, path: string, value: string): void => {
    out.set(key, { value, origin: field(path) });
  };
  if (typeof name !== 'string' || name === '') problems.error(field(m.name), JSON.stringify(name) ?? 'missing', 'must be a non-empty string', fix);
  else put('user.name', m.name, name);
  const uidN = idFrom(uid);
  if (uidN === undefined) problems.error(field(m.uid), JSON.stringify(uid) ?? 'missing', `must be an integer from 0 to ${MAX_ID}`, fix);
  else put('user.uid', m.uid, String(uidN));
  if (gid !== undefined) {
    const gidN = idFrom(gid);
    if (gidN === undefined) problems.error(field(m.gid), JSON.stringify(gid), `must be an integer from 0 to ${MAX_ID}`, fix);
    else put('user.gid', m.gid, String(gidN));
  }
  if (group !== undefined) {
    if (typeof group !== 'string') problems.error(field(m.group), JSON.stringify(group), 'must be a string', fix);
    else put('user.group', m.group, group);
  }
  if (home !== undefined) {
    if (typeof home !== 'string') problems.error(field(m.home), JSON.stringify(home), 'must be a string', fix);
    else put('home.source', m.home, home);
  }
  if (groups) {
    if (groups.length > MAX_GROUPS - 2) {
      problems.error(field(groupsPath), `${groups.length} groups`, `is more than the kernel allows (${MAX_GROUPS} per process, with the primary group and users)`, 'send fewer groups from the hub');
    } else {
      const ok: { name: string; gid: number }[] = [];
      for (const g of groups) {
        const gidN = idFrom(g.gid);
        if (typeof g.name !== 'string') {
          problems.error(field(`${g.path}.name`), JSON.stringify(g.name) ?? 'missing', 'must be a string', fix);
          continue;
        }
        const why = groupNameProblem(g.name);
        if (why) problems.error(field(`${g.path}.name`), g.name, why, fix);
        else if (gidN === undefined) problems.error(field(`${g.path}.gid`), JSON.stringify(g.gid) ?? 'missing', `must be an integer from 0 to ${MAX_ID}`, fix);
        else ok.push({ name: g.name, gid: gidN });
      }
      put('groups.list', groupsPath, groupsText(ok));
    }
  }
  return problems.errors.length > before ? new Map() : out;
}
