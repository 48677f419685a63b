// The ldap and github presets: an authenticator's own auth_state reduced to the canonical identity
// exactly as hub/nbstart_hub.py's from_ldap and from_github reduce it, so that a raw auth_state and
// the identity the hub would have made from it give the same person (hub/tests/identity-corpus.json
// holds the cases that node:test and pytest both run). Under a hub the person's name is JupyterHub's
// username (JUPYTERHUB_USER, which every spawner sets), as it is for the hub's reductions.

import { MAX_ID } from '../system/colon-db.ts';
import type { ProblemList } from './problems.ts';
import { asGiven, homeProblem, identityGroupNameProblem, identityNameProblem, MAX_IDENTITY_GROUPS, MAX_PRIMARY_GROUP_NAME, shown } from './canonical-identity.ts';

/** A value with where it came from: a dotted path in auth_state, or `JUPYTERHUB_USER`. */
export interface Sourced<T> {
  readonly value: T;
  readonly from: string;
}

/** A reduced identity, each field with its source (for messages and `nbstart plan`). */
export interface Reduced {
  readonly name: Sourced<string>;
  readonly uid: Sourced<number>;
  readonly gid?: Sourced<number>;
  readonly group?: Sourced<string>;
  readonly groups: Sourced<readonly { readonly name: string; readonly gid: number }[]>;
  readonly home?: Sourced<string>;
}

export interface PresetOptions {
  /** JUPYTERHUB_USER: JupyterHub's (normalized) username, the person's name when set. */
  readonly hubUser?: string;
  /** [auth_state] id_offset: added to every GitHub id (user and organizations). */
  readonly idOffset: number;
  /** [auth_state] min_uid: the lowest uid (and GitHub gid) accepted; below it live system accounts. */
  readonly minUid: number;
  /** Dotted paths set with [auth_state] name, uid, gid, home, groups (ldap only). */
  readonly paths: Readonly<Partial<Record<'name' | 'uid' | 'gid' | 'home' | 'groups', string>>>;
}

/** Names a field (`NBSTART_AUTH_STATE field github_user.id`) and collects problems. */
export interface Reporter {
  readonly field: (path: string) => string;
  /** The setting that names the whole document (`NBSTART_AUTH_STATE_FILE=/run/...`). */
  readonly label: string;
  readonly problems: ProblemList;
}

/** The origin label of a name taken from JUPYTERHUB_USER. */
export const HUB_USER_ORIGIN = 'JUPYTERHUB_USER (JupyterHub\'s username)';

const LDAP_FIX = 'on the hub set c.LDAPAuthenticator.auth_state_attributes = ["uidNumber", "gidNumber"] (plus the attributes your [auth_state] paths name) and c.Authenticator.enable_auth_state = True, and have the person log in again';
const GITHUB_FIX = 'on the hub use GitHubOAuthenticator with c.Authenticator.enable_auth_state = True, c.GitHubOAuthenticator.populate_teams_in_auth_state = True and "read:org" in its scope, and have the person log in again';
const OFFSET_FIX = 'set NBSTART_AUTH_STATE_ID_OFFSET ([auth_state] id_offset, e.g. 100000) to move every GitHub id out of the system range, as from_github(id_offset=...) does on the hub';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An id from an authenticator: a JSON integer or a decimal string (LDAP servers send either). */
function rawId(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^ *[0-9]{1,10} *$/.test(value)) return Number(value);
  return undefined;
}

/** Checks an id against 1..MAX_ID and `min`; reports and returns undefined when it is out of range. */
function idIn(r: Reporter, path: string, value: unknown, offset: number, min: number, fix: string): number | undefined {
  const base = rawId(value);
  if (base === undefined) {
    r.problems.error(r.field(path), shown(value), 'must be an integer id (a number or a string of digits)', fix);
    return undefined;
  }
  const n = base + offset;
  const what = offset === 0 ? String(n) : `${base} + ${offset}`;
  if (base === 0) r.problems.error(r.field(path), String(base), 'is 0, root\'s id, which a hub never hands out', fix);
  else if (n > MAX_ID) r.problems.error(r.field(path), what, `must be at most ${MAX_ID}`, fix);
  else if (n < min) r.problems.error(r.field(path), what, `is below ${min}, where system accounts live`, fix);
  else return n;
  return undefined;
}

/** The value at a dotted path, lists untouched; only the document's own keys count. */
function rawAt(doc: unknown, dotted: string): unknown {
  let v = doc;
  for (const part of dotted.split('.')) {
    if (!isObject(v) || !Object.hasOwn(v, part)) return undefined;
    v = v[part];
  }
  return v;
}

/** The one value of an LDAP attribute (ldap3 gives lists), or the value itself. */
function single(r: Reporter, path: string, value: unknown): { ok: boolean; value?: unknown } {
  if (!Array.isArray(value)) return { ok: true, value };
  if (value.length !== 1) {
    r.problems.error(r.field(path), shown(value), `must have exactly one value, got ${value.length}`, 'give the directory entry one value');
    return { ok: false };
  }
  return { ok: true, value: value[0] };
}

/** A directory group name with ":" and "," made "_" and white space at the ends cut, as from_ldap does. */
export function directoryGroupName(name: string): string {
  return name.replace(/[:,]/g, '_').replace(/^\s+|\s+$/gu, '');
}

/** The person's name: JupyterHub's username when set, else read from `path`; checked like NB_USER. */
function personName(r: Reporter, hubUser: string | undefined, read: () => { value: unknown; from: string } | undefined, fix: string): Sourced<string> | undefined {
  const got = hubUser !== undefined && hubUser !== '' ? { value: hubUser, from: HUB_USER_ORIGIN } : read();
  if (!got) return undefined;
  const setting = got.from === HUB_USER_ORIGIN ? 'JUPYTERHUB_USER' : r.field(got.from);
  if (typeof got.value !== 'string' || got.value === '') {
    r.problems.error(setting, shown(got.value), 'must be a non-empty string', fix);
    return undefined;
  }
  const why = identityNameProblem(got.value, 256);
  if (why) {
    r.problems.error(setting, got.value, `the user name ${why}`, got.from === HUB_USER_ORIGIN ? 'give the person a plain JupyterHub username (Authenticator.normalize_username or username_map)' : fix);
    return undefined;
  }
  return { value: got.value, from: got.from };
}

/** Splits groups into the primary group's name and the rest (first of each gid), as from_ldap does. */
function splitGroups(found: readonly { name: string; gid: number }[], primary: number | undefined): { group?: string; rest: { name: string; gid: number }[] } {
  let group: string | undefined;
  const seen = new Set<number>();
  const rest: { name: string; gid: number }[] = [];
  for (const g of found) {
    if (g.gid === primary) group ??= g.name;
    else if (!seen.has(g.gid)) {
      seen.add(g.gid);
      rest.push(g);
    }
  }
  return { ...(group !== undefined && { group }), rest };
}

/**
 * jupyterhub-ldapauthenticator 2.x: {"user_attributes": {attribute: [values]}} (1.x: the attributes
 * at the top), plus `posix_groups` [{name, gid}] from nbstart_hub.ldap_posix_groups_hook. Attribute
 * names are case-insensitive; uid and gid are required, the home only when [auth_state] home names it.
 */
export function fromLdap(doc: Readonly<Record<string, unknown>>, opts: PresetOptions, r: Reporter): Reduced | undefined {
  if (Object.keys(doc).length === 0) {
    r.problems.error(r.label, '{}', 'is empty: the person has no auth_state', LDAP_FIX);
    return undefined;
  }
  const paths = { uid: 'user_attributes.uidNumber', gid: 'user_attributes.gidNumber', name: 'user_attributes.uid', groups: 'posix_groups', ...opts.paths };
  // ldapauthenticator 1.x stored the attributes themselves as auth_state.
  const attrs1x = doc['user_attributes'] == null && ldapAttribute(doc, paths.uid.replace(/^user_attributes\./, '')) != null;
  if (!attrs1x && !isObject(doc['user_attributes'])) {
    r.problems.error(r.field('user_attributes'), shown(doc['user_attributes']), 'must be the object of LDAP attributes that ldapauthenticator stores', LDAP_FIX);
    return undefined;
  }
  const before = r.problems.errors.length;
  // An attribute by its path: user_attributes.X is looked up case-insensitively (1.x: at the top).
  const attribute = (path: string, fix = `${LDAP_FIX}, and check that the directory entry has it`): { found: boolean; value?: unknown } => {
    const m = /^user_attributes\.(.+)$/.exec(path);
    const v = m ? ldapAttribute(attrs1x ? doc : (doc['user_attributes'] as Record<string, unknown>), m[1]!) : rawAt(doc, path);
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) {
      r.problems.error(r.field(path), 'missing', 'is required', fix);
      return { found: false };
    }
    const one = single(r, path, v);
    return one.ok ? { found: true, value: one.value } : { found: false };
  };
  const name = personName(r, opts.hubUser, () => {
    // Spawners set JUPYTERHUB_USER; without it the name must be in auth_state.
    const a = attribute(paths.name, `run under a JupyterHub spawner (it sets JUPYTERHUB_USER, the person's name), or add "${paths.name.replace(/^user_attributes\./, '')}" to c.LDAPAuthenticator.auth_state_attributes`);
    return a.found ? { value: a.value, from: paths.name } : undefined;
  }, LDAP_FIX);
  const uidA = attribute(paths.uid);
  const uid = uidA.found ? idIn(r, paths.uid, uidA.value, 0, opts.minUid, 'give the person a uidNumber from the people range, or lower NBSTART_AUTH_STATE_MIN_UID deliberately') : undefined;
  const gidA = attribute(paths.gid);
  const gid = gidA.found ? idIn(r, paths.gid, gidA.value, 0, 1, 'give the person a gidNumber') : undefined;
  let home: string | undefined;
  if (opts.paths.home !== undefined) {
    const h = attribute(opts.paths.home);
    if (h.found) {
      const why = typeof h.value === 'string' ? homeProblem(h.value) : 'must be a string';
      if (why) r.problems.error(r.field(opts.paths.home), asGiven(h.value), why, 'fix the directory entry');
      else home = h.value as string;
    }
  }
  const found: { name: string; gid: number }[] = [];
  const list = rawAt(doc, paths.groups);
  if (list !== undefined) {
    if (!Array.isArray(list)) r.problems.error(r.field(paths.groups), shown(list), 'must be a list of {"name", "gid"}', 'use nbstart_hub.ldap_posix_groups_hook on the hub');
    else if (list.length > MAX_IDENTITY_GROUPS) r.problems.error(r.field(paths.groups), `${list.length} groups`, `is more than the kernel allows (${MAX_IDENTITY_GROUPS + 2} per process)`, 'send fewer groups from the hub');
    else {
      list.forEach((g: unknown, i) => {
        const at = `${paths.groups}[${i}]`;
        if (!isObject(g) || !Object.hasOwn(g, 'name') || !Object.hasOwn(g, 'gid')) {
          r.problems.error(r.field(at), shown(g), 'must be an object with "name" and "gid"', 'use nbstart_hub.ldap_posix_groups_hook on the hub');
          return;
        }
        const n = single(r, `${at}.name`, g['name']);
        const v = single(r, `${at}.gid`, g['gid']);
        if (!n.ok || !v.ok) return;
        const gname = typeof n.value === 'string' ? directoryGroupName(n.value) : n.value;
        const why = typeof gname === 'string' ? identityGroupNameProblem(gname) : 'must be a string';
        if (why) r.problems.error(r.field(`${at}.name`), asGiven(n.value), `the group name ${why}`, 'fix the group in the directory');
        const ggid = idIn(r, `${at}.gid`, v.value, 0, 1, 'give the group a gidNumber');
        if (!why && ggid !== undefined) found.push({ name: gname as string, gid: ggid });
      });
    }
  }
  if (r.problems.errors.length > before || !name || uid === undefined) return undefined;
  const { group, rest } = splitGroups(found, gid);
  return {
    name,
    uid: { value: uid, from: paths.uid },
    ...(gid !== undefined && { gid: { value: gid, from: paths.gid } }),
    // A directory name such as "Domain Users" cannot be NB_GROUP: nbstart names the primary group then.
    ...(group !== undefined && identityNameProblem(group, MAX_PRIMARY_GROUP_NAME) === undefined && { group: { value: group, from: paths.groups } }),
    groups: { value: rest, from: paths.groups },
    ...(home !== undefined && { home: { value: home, from: opts.paths.home! } }),
  };
}

/** An LDAP attribute by case-insensitive name (LDAP names are case-insensitive); own keys only. */
function ldapAttribute(attrs: Readonly<Record<string, unknown>>, key: string): unknown {
  if (Object.hasOwn(attrs, key)) return attrs[key];
  const lower = key.toLowerCase();
  const k = Object.keys(attrs).find((x) => x.toLowerCase() === lower);
  return k === undefined ? undefined : attrs[k];
}

/**
 * OAuthenticator's GitHubOAuthenticator with populate_teams_in_auth_state: uid = gid =
 * github_user.id (+ id_offset), a private group named after the person, one group per distinct
 * organization of `teams` (name = its login, lower-cased; gid = its id + id_offset). GitHub's first
 * accounts and organizations have ids below 1000, where system accounts live: refused unless an
 * offset moves them (id 27 would be uid 27 with group sudo, organization 42 group shadow).
 */
export function fromGithub(doc: Readonly<Record<string, unknown>>, opts: PresetOptions, r: Reporter): Reduced | undefined {
  if (Object.keys(doc).length === 0) {
    r.problems.error(r.label, '{}', 'is empty: the person has no auth_state', GITHUB_FIX);
    return undefined;
  }
  const user = doc['github_user'];
  if (!isObject(user)) {
    r.problems.error(r.field('github_user'), shown(user), 'must be the object of GitHub\'s /user that GitHubOAuthenticator stores', GITHUB_FIX);
    return undefined;
  }
  const before = r.problems.errors.length;
  const name = personName(r, opts.hubUser, () => {
    const login = user['login'];
    // As JupyterHub normalizes the username (and from_github without a hub name): lower case.
    return { value: typeof login === 'string' ? login.toLowerCase() : login, from: 'github_user.login' };
  }, GITHUB_FIX);
  const uid = Object.hasOwn(user, 'id') ? idIn(r, 'github_user.id', user['id'], opts.idOffset, opts.minUid, OFFSET_FIX)
    : (r.problems.error(r.field('github_user.id'), 'missing', 'is required (GitHub\'s /user always has it: is this a GitHub auth_state?)', GITHUB_FIX), undefined);
  const teams = doc['teams'];
  const groups: { name: string; gid: number }[] = [];
  if (teams === undefined) r.problems.error(r.field('teams'), 'missing', 'is required', GITHUB_FIX);
  else if (!Array.isArray(teams)) r.problems.error(r.field('teams'), shown(teams), 'must be the list of teams GitHub\'s /user/teams returns', GITHUB_FIX);
  else {
    const seen = new Set<number>(uid !== undefined ? [uid] : []);
    teams.forEach((team: unknown, i) => {
      const at = `teams[${i}].organization`;
      const org = isObject(team) ? team['organization'] : undefined;
      if (!isObject(org) || typeof org['login'] !== 'string' || !Object.hasOwn(org, 'id')) {
        r.problems.error(r.field(at), shown(org), 'must be an object with login and id', GITHUB_FIX);
        return;
      }
      const gname = org['login'].toLowerCase();
      const why = identityGroupNameProblem(gname);
      if (why) r.problems.error(r.field(`${at}.login`), org['login'], `the group name ${why}`, 'rename the organization, or leave it out of the person\'s teams');
      const gid = idIn(r, `${at}.id`, org['id'], opts.idOffset, opts.minUid, OFFSET_FIX);
      if (!why && gid !== undefined && !seen.has(gid)) {
        seen.add(gid);
        groups.push({ name: gname, gid });
      }
    });
    if (groups.length > MAX_IDENTITY_GROUPS) r.problems.error(r.field('teams'), `${groups.length} organizations`, 'is more than the kernel allows', 'send fewer teams');
  }
  if (r.problems.errors.length > before || !name || uid === undefined) return undefined;
  return {
    name,
    uid: { value: uid, from: 'github_user.id' },
    gid: { value: uid, from: 'github_user.id' },
    // GitHub logins reach 39 characters, primary group names 32: a longer one is left to nbstart.
    ...(identityNameProblem(name.value, MAX_PRIMARY_GROUP_NAME) === undefined && { group: name }),
    groups: { value: groups, from: 'teams' },
  };
}
