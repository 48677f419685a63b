// Turns layered raw values into a typed Config, collecting every problem at once.

import { MAX_ID } from '../system/colon-db.ts';
import { validateLabel, type LabelConfig } from './label.ts';
import type { RawConfig, RawValue } from './layers.ts';
import { validateMetrics, type MetricsConfig } from './metrics.ts';
import { INVISIBLE_CHAR, type ProblemList } from './problems.ts';
import { validateResources, type ResourcesConfig } from './resources.ts';
import { groupNameProblem, MAX_GROUPS } from './auth-state.ts';
import type { WantedGroup } from '../identity/resolve.ts';
import { didYouMean } from './layers.ts';
import { BUILTIN_HOOK_NAMES } from './settings.ts';
import { validateSsh, type SshServer } from './ssh.ts';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export type LogFormat = 'pretty' | 'json';

export interface ChownOptions {
  readonly recursive: boolean;
}

export interface Config {
  /** Supplementary groups: mirrored from auth_state or NBSTART_GROUPS, and image groups kept. */
  readonly groups: { readonly wanted: readonly WantedGroup[]; readonly keep: readonly string[] };
  readonly home: {
    /** Template with {user}. */
    readonly source?: string;
    readonly links: readonly string[];
    /** Relative to the source. */
    readonly jupyterConfig: string;
    readonly bashrc: string;
  };
  readonly user: {
    readonly name?: string;
    readonly uid?: number;
    readonly gid?: number;
    readonly group?: string;
    readonly template: string;
    readonly shell?: string;
    readonly grantSudo: boolean;
    readonly allowRoot: boolean;
  };
  readonly chown: {
    readonly home: boolean;
    readonly homeOpts: ChownOptions;
    readonly extra: readonly string[];
    readonly extraOpts: ChownOptions;
  };
  readonly exec: {
    readonly command: readonly string[];
    readonly umask?: number;
    readonly unset: readonly string[];
  };
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  readonly hooks: {
    readonly startDirs: readonly string[];
    readonly rootDirs: readonly string[];
    readonly userDirs: readonly string[];
    readonly onFailure: 'continue' | 'abort';
    /** Milliseconds; 0 means no limit. */
    readonly timeoutMs: number;
    readonly disable: readonly string[];
  };
  /** The [ssh.NAME] sections, sorted by NAME; empty when there are none or any value is bad. */
  readonly ssh: readonly SshServer[];
  readonly label: LabelConfig;
  readonly metrics: MetricsConfig;
  readonly resources: ResourcesConfig;
  /** Where each setting's value came from, for messages that name it. */
  readonly origins: ReadonlyMap<string, string>;
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

// Characters that would corrupt or reinterpret a passwd/group line or a path built from a name, or
// hide in one (INVISIBLE_CHAR: controls, bidi overrides, zero-width, line separators, lone surrogates),
// and U+FFFD, which stands for bytes that were not UTF-8: the name written would not be the one given.
const BAD_NAME_CHARS = new RegExp(`[:,\\s/\\\\\ufffd]|${INVISIBLE_CHAR.source}`, 'u');

/** Why a user or group name cannot be written to /etc/passwd or /etc/group, or undefined if it can. */
export function nameProblem(name: string, maxLength: number): string | undefined {
  if (name === '') return 'must not be empty';
  const bad = BAD_NAME_CHARS.exec(name);
  if (bad) return `must not contain ${JSON.stringify(bad[0])} (":", ",", "/", whitespace and control characters break /etc/passwd and /etc/group)`;
  if (name.startsWith('-') || name.startsWith('+')) return 'must not start with "-" or "+"';
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  if (/^[0-9]+$/.test(name)) return 'must not be all digits (it would read as a numeric id)';
  if (name.length > maxLength) return `must be at most ${maxLength} characters`;
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

/** Validates every raw value; problems are added to `problems`, never thrown. */
export function validate(raw: RawConfig, problems: ProblemList): Config {
  const get = (key: string): RawValue | undefined => raw.get(key);
  const origins = new Map<string, string>();
  for (const [k, v] of raw) origins.set(k, v.origin);

  const name = (key: string, max: number, what: string): string | undefined => {
    const v = get(key);
    if (!v) return undefined;
    const why = nameProblem(v.value, max);
    if (why) {
      problems.error(v.origin, v.value, `${what} ${why}`, `set ${v.origin} to a plain name such as "alice"`);
      return undefined;
    }
    return v.value;
  };
  const id = (key: string, what: string): number | undefined => {
    const v = get(key);
    if (!v) return undefined;
    const n = parseIdValue(v.value);
    if (n === undefined) {
      problems.error(v.origin, v.value, `expected an integer from 0 to ${MAX_ID}`, `set ${v.origin} to the numeric ${what}, e.g. 1000`);
    }
    return n;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const v = get(key);
    if (!v) return fallback;
    const b = parseBool(v.value);
    if (b === undefined) {
      problems.error(v.origin, v.value, 'expected yes/no (or 1/0, true/false)', `set ${v.origin} to yes or no`);
      return fallback;
    }
    return b;
  };
  const chownOpts = (key: string): ChownOptions => {
    const v = get(key);
    if (!v) return { recursive: false };
    const o = parseChownOpts(v.value);
    if (!o) {
      problems.error(v.origin, v.value, 'supports only -R (recursive); nbstart never follows symbolic links', `set ${v.origin} to -R or leave it empty`);
      return { recursive: false };
    }
    return o;
  };

  const shellRaw = get('user.shell');
  const shellOk = shellRaw !== undefined && /^\/[^:]*$/.test(shellRaw.value) && !INVISIBLE_CHAR.test(shellRaw.value);
  if (shellRaw && !shellOk) {
    problems.error(shellRaw.origin, shellRaw.value, 'expected an absolute path without ":" or control characters', `set ${shellRaw.origin} to e.g. /bin/bash`);
  }

  const extra: string[] = [];
  const extraRaw = get('chown.extra');
  for (const p of extraRaw ? splitList(extraRaw.value) : []) {
    if (!p.startsWith('/') || INVISIBLE_CHAR.test(p)) {
      problems.error(extraRaw!.origin, p, 'expected absolute paths without control characters', `list absolute paths separated by commas, e.g. /opt/conda,/srv/data`);
    } else extra.push(p);
  }

  let command: string[] = ['bash'];
  const cmdRaw = get('exec.command');
  if (cmdRaw) {
    const c = parseCommand(cmdRaw.value);
    if (!c) problems.error(cmdRaw.origin, cmdRaw.value, 'expected words or a JSON array of non-empty strings', `set ${cmdRaw.origin} to e.g. jupyter lab, or ["jupyter","lab"]`);
    else command = c;
  }

  let umask: number | undefined;
  const umaskRaw = get('exec.umask');
  if (umaskRaw) {
    if (/^[0-7]{1,4}$/.test(umaskRaw.value.trim())) umask = parseInt(umaskRaw.value.trim(), 8);
    else problems.error(umaskRaw.origin, umaskRaw.value, 'expected an octal umask', `set ${umaskRaw.origin} to e.g. 022 or 002`);
  }

  const unset: string[] = [];
  const unsetRaw = get('exec.unset');
  for (const v of unsetRaw ? splitList(unsetRaw.value) : []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) {
      problems.error(unsetRaw!.origin, v, 'expected environment variable names', `list names separated by commas, e.g. JUPYTERHUB_API_TOKEN,AWS_SECRET`);
    } else unset.push(v);
  }

  let level: LogLevel = 'info';
  const levelRaw = get('log.level');
  if (levelRaw) {
    const l = levelRaw.value.trim().toLowerCase() as LogLevel;
    if (LEVELS.includes(l)) level = l;
    else problems.error(levelRaw.origin, levelRaw.value, `expected one of ${LEVELS.join(', ')}`, `set ${levelRaw.origin} to info`);
  }
  let format: LogFormat = 'pretty';
  const formatRaw = get('log.format');
  if (formatRaw) {
    const f = formatRaw.value.trim().toLowerCase();
    if (f === 'pretty' || f === 'json') format = f;
    else problems.error(formatRaw.origin, formatRaw.value, 'expected pretty or json', `set ${formatRaw.origin} to json or pretty`);
  }

  const dirs = (key: string, fallback: string[]): string[] => {
    const v = get(key);
    if (!v) return fallback;
    const out: string[] = [];
    for (const d of splitList(v.value)) {
      if (!d.startsWith('/') || INVISIBLE_CHAR.test(d)) problems.error(v.origin, d, 'expected absolute directory paths without control characters', `list absolute paths separated by commas, e.g. /usr/local/bin/before-notebook.d`);
      else out.push(d);
    }
    return out;
  };
  let onFailure: 'continue' | 'abort' = 'continue';
  const failRaw = get('hooks.on_failure');
  if (failRaw) {
    const f = failRaw.value.trim().toLowerCase();
    if (f === 'continue' || f === 'abort') onFailure = f;
    else problems.error(failRaw.origin, failRaw.value, 'expected continue or abort', `set ${failRaw.origin} to continue or abort`);
  }
  let timeoutMs = 300_000;
  const timeoutRaw = get('hooks.timeout');
  if (timeoutRaw) {
    const t = timeoutRaw.value.trim();
    if (/^[0-9]{1,6}$/.test(t)) timeoutMs = Number(t) * 1000;
    else problems.error(timeoutRaw.origin, timeoutRaw.value, 'expected whole seconds from 0 to 999999', `set ${timeoutRaw.origin} to e.g. 300 (0 for no limit)`);
  }
  const disableRaw = get('hooks.disable');
  const disable = disableRaw ? splitList(disableRaw.value) : [];
  for (const d of disable) {
    if (!BUILTIN_HOOK_NAMES.includes(d)) {
      problems.error(disableRaw!.origin, d, `is not a built-in hook${didYouMean(d, BUILTIN_HOOK_NAMES)}`, `use names from: ${BUILTIN_HOOK_NAMES.join(', ')}`);
    }
  }

  const template = name('user.template', 256, 'the template user name') ?? 'jovyan';
  const userName = name('user.name', 256, 'the user name');
  let userGroup: string | undefined;
  const groupRaw = get('user.group');
  if (groupRaw) {
    const why = groupNameProblem(groupRaw.value);
    if (why) problems.error(groupRaw.origin, groupRaw.value, `the group name ${why}`, `set ${groupRaw.origin} to a plain name such as "science"`);
    else userGroup = groupRaw.value;
  }
  const wanted = parseGroupList(get('groups.list'), problems);
  const keepRaw = get('groups.keep');
  const homeSource = homeSourceOf(get('home.source'), problems);
  const rel = (key: string, fallback: string): string => {
    const v = get(key);
    if (!v) return fallback;
    const why = relativePathProblem(v.value.trim());
    if (why) {
      problems.error(v.origin, v.value, why, `set ${v.origin} to a path inside the home, e.g. ${fallback}`);
      return fallback;
    }
    return v.value.trim();
  };
  const links: string[] = [];
  const linksRaw = get('home.links');
  for (const l of linksRaw ? splitList(linksRaw.value) : []) {
    const why = l === '.' || l === '..' ? 'must not be "." or ".."' : l.includes('/') ? 'must be a plain name without "/"' : INVISIBLE_CHAR.test(l) ? 'must not contain control characters' : undefined;
    if (why) problems.error(linksRaw!.origin, l, `link name ${why}`, `list plain names separated by commas, e.g. work,data`);
    else links.push(l);
  }
  return {
    groups: { wanted, keep: keepRaw ? splitList(keepRaw.value) : [] },
    home: {
      ...(homeSource !== undefined && { source: homeSource }),
      links,
      jupyterConfig: rel('home.jupyter_config', 'jupyter/.jupyter'),
      bashrc: rel('home.bashrc', 'jupyter/.bashrc'),
    },
    user: {
      ...(userName !== undefined && { name: userName }),
      ...optional('uid', id('user.uid', 'user id')),
      ...optional('gid', id('user.gid', 'group id')),
      ...(userGroup !== undefined && { group: userGroup }),
      template,
      ...(shellRaw && shellOk && { shell: shellRaw.value }),
      grantSudo: bool('user.grant_sudo', false),
      allowRoot: bool('user.allow_root', false),
    },
    chown: {
      home: bool('chown.home', false),
      homeOpts: chownOpts('chown.home_opts'),
      extra,
      extraOpts: chownOpts('chown.extra_opts'),
    },
    exec: { command, ...(umask !== undefined && { umask }), unset },
    log: { level, format },
    hooks: {
      startDirs: dirs('hooks.start_dirs', ['/usr/local/bin/start-notebook.d']),
      rootDirs: dirs('hooks.root_dirs', ['/usr/local/bin/before-notebook.d']),
      userDirs: dirs('hooks.user_dirs', []),
      onFailure,
      timeoutMs,
      disable: disable.filter((d) => BUILTIN_HOOK_NAMES.includes(d)),
    },
    ssh: validateSsh(raw, problems),
    label: validateLabel(raw, problems),
    metrics: validateMetrics(raw, problems),
    resources: validateResources(raw, problems),
    origins,
  };
}

/** Why a path relative to the home cannot be used, or undefined. */
export function relativePathProblem(p: string): string | undefined {
  if (p === '' || p.startsWith('/')) return 'must be a relative path inside the home';
  if (p.split('/').some((part) => part === '..')) return 'must not contain ".."';
  if (INVISIBLE_CHAR.test(p)) return 'must not contain control characters';
  return undefined;
}

/**
 * The external home template. An ini value is shared by everyone using the image, so it must name
 * {user}; NBSTART_HOME_SOURCE and auth_state are per spawn and may be literal paths.
 */
function homeSourceOf(raw: RawValue | undefined, problems: ProblemList): string | undefined {
  if (!raw) return undefined;
  const v = raw.value.trim();
  if (!v.startsWith('/') || INVISIBLE_CHAR.test(v) || v.split('/').includes('..')) {
    problems.error(raw.origin, raw.value, 'expected an absolute path without ".." or control characters', `set ${raw.origin} to e.g. /mnt/home/{user}`);
    return undefined;
  }
  if (raw.origin.startsWith('[home]') && !v.includes('{user}')) {
    problems.error(raw.origin, raw.value, 'names one fixed directory for every user of the image', `put {user} in it, e.g. /mnt/home/{user}, or pass NBSTART_HOME_SOURCE per container`);
    return undefined;
  }
  return v;
}

/** Parses `name:gid,name:gid` (NBSTART_GROUPS, or auth_state groups already checked field by field). */
export function parseGroupList(raw: RawValue | undefined, problems: ProblemList): WantedGroup[] {
  if (!raw) return [];
  const out: WantedGroup[] = [];
  const items = raw.value.split(',').map((s) => s.trim()).filter((s) => s !== '');
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
      problems.error(raw.origin, item, why ?? `expected a gid from 0 to ${MAX_ID} after the colon`, `write groups as name:gid separated by commas, e.g. physics:3000,staff:3001`);
      continue;
    }
    out.push({ name, gid });
  }
  return out;
}

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}
