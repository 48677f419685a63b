// JupyterHub auth_state → raw setting values. The hub hands the person's identity over as JSON
// (NBSTART_AUTH_STATE_FILE, e.g. a mounted Secret, or NBSTART_AUTH_STATE); a preset or dotted-path
// mapping reads it, and every field is checked here so a problem names the exact JSON field.

import * as fs from 'node:fs';
import { MAX_ID } from '../system/colon-db.ts';
import { fromGithub, fromLdap, HUB_USER_ORIGIN, type Reduced, type Sourced } from './auth-state-presets.ts';
import { checkCanonical } from './canonical-identity.ts';
import { groupNameProblem, INVALID, MAX_GROUPS } from './parsers.ts';
import type { ProblemList } from './problems.ts';
import type { RawValue } from './raw.ts';
import { SETTINGS, type Setting } from './settings.ts';

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
 * canonical: nbstart's own shape (hub/identity.schema.json, what hub/nbstart_hub.py hands over);
 * with any [auth_state] path set, a document of another shape read at those paths.
 * ldap: jupyterhub-ldapauthenticator's auth_state, github: GitHubOAuthenticator's with teams; both
 * reduced as nbstart_hub.from_ldap and from_github reduce them (auth-state-presets.ts).
 */
export const CANONICAL_MAPPING: Mapping = { name: 'name', uid: 'uid', gid: 'gid', group: 'group', groups: 'groups', groupName: 'name', groupGid: 'gid', home: 'home' };

/** [auth_state] paths the ldap preset reads (the others belong to the canonical shape's mapping). */
const LDAP_PATHS: readonly (keyof Mapping)[] = ['name', 'uid', 'gid', 'home', 'groups'];

/** Settings of the presets besides the paths: JUPYTERHUB_USER, [auth_state] id_offset and min_uid. */
export interface AuthStateOptions {
  readonly hubUser?: string;
  readonly idOffset?: number;
  readonly minUid?: number;
}

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
export function authStateValues(src: AuthStateSource, preset: Preset, overrides: Partial<Mapping>, problems: ProblemList, options: AuthStateOptions = {}): Map<string, RawValue> {
  let doc: unknown;
  try {
    doc = JSON.parse(src.text);
  } catch (err) {
    // Neither the text nor V8's message (which quotes it) is shown: an auth_state may hold tokens.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    problems.error(src.label, hidden(src.text), `is not JSON${at ? ` (error at character ${at})` : ''}`, 'pass a JSON object such as {"name": "alice", "uid": 1010}');
    return new Map();
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    problems.error(src.label, hidden(src.text), 'must be a JSON object', 'pass a JSON object such as {"name": "alice", "uid": 1010}');
    return new Map();
  }
  const obj = doc as Record<string, unknown>;
  const before = problems.errors.length;
  const field = (path: string): string => `${src.label} field ${path}`;
  const set = Object.keys(overrides) as (keyof Mapping)[];
  for (const key of set) {
    if (preset === 'github' || (preset === 'ldap' && !LDAP_PATHS.includes(key))) {
      const ini = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      problems.error(`[auth_state] ${ini}`, overrides[key]!, `is not used by preset ${preset}`,
        `remove it${preset === 'ldap' ? ` (preset ldap reads ${LDAP_PATHS.join(', ')})` : ''}, or use preset canonical with paths for every field`);
    }
  }
  if (problems.errors.length > before) return new Map();
  const opts = { ...(options.hubUser !== undefined && { hubUser: options.hubUser }), idOffset: options.idOffset ?? 0, minUid: options.minUid ?? DEFAULT_MIN_UID, paths: overrides };
  const reporter = { field, label: src.label, problems };
  let reduced: Reduced | undefined;
  if (preset === 'ldap') reduced = fromLdap(obj, opts, reporter);
  else if (preset === 'github') reduced = fromGithub(obj, opts, reporter);
  else if (set.length > 0) return mappedValues(obj, { ...CANONICAL_MAPPING, ...overrides }, field, problems);
  else {
    const id = checkCanonical(obj, field, 'fix the hub\'s hand-over (hub/nbstart_hub.py makes this shape; see hub/identity.schema.json)', problems);
    if (id) {
      const at = <T>(value: T, from: string): Sourced<T> => ({ value, from });
      reduced = {
        name: at(id.name, 'name'), uid: at(id.uid, 'uid'), ...(id.gid !== undefined && { gid: at(id.gid, 'gid') }),
        ...(id.group !== undefined && { group: at(id.group, 'group') }), groups: at(id.groups ?? [], 'groups'), ...(id.home !== undefined && { home: at(id.home, 'home') }),
      };
      // Without "groups" the identity says nothing about them: NBSTART_GROUPS may still apply.
      if (id.groups === undefined) return rawValues(reduced, field, false);
    }
  }
  return reduced && problems.errors.length === before ? rawValues(reduced, field, true) : new Map();
}

/** JUPYTERHUB_USER and [auth_state] id_offset and min_uid for the presets, through their table rows' parsers. */
export function presetOptions(raw: ReadonlyMap<string, RawValue>, hubUser: string | undefined, problems: ProblemList): AuthStateOptions {
  const number = (key: 'auth_state.id_offset' | 'auth_state.min_uid'): number => {
    const row = (SETTINGS as readonly Setting[]).find((r) => r.key === key) as Setting<number>;
    const v = raw.get(key);
    const n = v && row.parse ? row.parse(v, problems, { hookNames: [] }) : INVALID;
    return n === INVALID ? row.value! : n;
  };
  return {
    ...(hubUser !== undefined && hubUser !== '' && { hubUser }),
    idOffset: number('auth_state.id_offset'),
    minUid: number('auth_state.min_uid'),
  };
}

/** The lowest uid the ldap and github presets accept by default (from_ldap's and from_github's min_uid). */
export const DEFAULT_MIN_UID = 1000;

/** Raw setting values of a reduced identity, each with the field it came from as its origin. */
function rawValues(r: Reduced, field: (path: string) => string, withGroups: boolean): Map<string, RawValue> {
  const out = new Map<string, RawValue>();
  const origin = (from: string): string => (from === HUB_USER_ORIGIN ? from : field(from));
  out.set('user.name', { value: r.name.value, origin: origin(r.name.from) });
  out.set('user.uid', { value: String(r.uid.value), origin: origin(r.uid.from) });
  if (r.gid) out.set('user.gid', { value: String(r.gid.value), origin: origin(r.gid.from) });
  if (r.group) out.set('user.group', { value: r.group.value, origin: origin(r.group.from) });
  if (withGroups) out.set('groups.list', { value: groupsText(r.groups.value), origin: origin(r.groups.from) });
  if (r.home) out.set('home.source', { value: r.home.value, origin: origin(r.home.from) });
  return out;
}

/** A document of another shape, read at the [auth_state] paths (preset canonical with paths set). */
function mappedValues(doc: Record<string, unknown>, m: Mapping, field: (path: string) => string, problems: ProblemList): Map<string, RawValue> {
  const out = new Map<string, RawValue>();
  const before = problems.errors.length;
  const fix = 'fix the hub\'s auth_state hook (see hub/README.md)';
  const name = atPath(doc, m.name);
  const uid = atPath(doc, m.uid);
  const gid = atPath(doc, m.gid);
  const group = atPath(doc, m.group);
  const home = atPath(doc, m.home);
  let groups: { name: unknown; gid: unknown; path: string }[] | undefined;
  const list = atPath(doc, m.groups);
  if (list !== undefined && !Array.isArray(list)) {
    problems.error(field(m.groups), JSON.stringify(list).slice(0, 200), 'must be a list of {"name", "gid"}', fix);
  } else if (Array.isArray(list)) {
    groups = list.map((g, i) => ({ name: atPath(g, m.groupName), gid: atPath(g, m.groupGid), path: `${m.groups}[${i}]` }));
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
