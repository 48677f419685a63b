// Validates the [ssh.NAME] sections (one per git server) into SshServer values. Every problem names
// the section, key and value; a section with any problem yields no server, and since problems stop
// start-up, ssh is configured for all sections or for none.

import { isIP } from 'node:net';
import type { RawConfig, RawValue } from './raw.ts';
import type { ProblemList } from './problems.ts';
import { parseHostKey, type HostKey } from './ssh-host-key.ts';

export interface SshServer {
  /** NAME of [ssh.NAME]. */
  readonly name: string;
  /** The alias users type (`git clone gitlab:group/repo.git`). */
  readonly host: string;
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
  readonly hostKeys: readonly HostKey[];
  /** Template: `{user}` is replaced by the person's name, `~` is left for ssh. */
  readonly identityFile?: string;
}

export const SSH_DEFAULT_PORT = 22;
export const SSH_DEFAULT_USER = 'git';

// Letters, digits, dot, underscore, hyphen: safe as an ssh_config Host pattern word, a known_hosts
// name and a git remote's host part (no whitespace, wildcards *?!, commas, brackets, % or #).
const ALIAS_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const LABEL_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const LOGIN_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
// After `{user}` is replaced: no whitespace, quotes, `%` (ssh's own tokens) or `#` in ssh_config.
const PATH_CHARS_RE = /^[A-Za-z0-9._/~+@=,:-]*$/;

/** Why `name` is not a DNS name or IP address, or undefined when it is one. */
export function hostnameProblem(name: string): string | undefined {
  if (isIP(name) !== 0 && !name.includes('%')) return undefined;
  if (name.length > 253) return 'is longer than 253 characters';
  if (!name.split('.').every((l) => LABEL_RE.test(l))) return 'is not a DNS name or an IP address';
  return undefined;
}

/** Why an identity_file template is unusable, or undefined. */
export function identityFileProblem(template: string): string | undefined {
  const unknown = /\{(?!user\})[^}]*\}?/.exec(template);
  if (unknown) return `uses ${JSON.stringify(unknown[0])}; the only placeholder is {user}`;
  const path = template.replaceAll('{user}', 'user');
  if (!path.startsWith('/') && !path.startsWith('~/')) return 'must be an absolute path or start with ~/';
  if (path.includes('%')) return 'must not contain "%" (ssh\'s own %-tokens are not passed through; use {user})';
  if (!PATH_CHARS_RE.test(path)) return 'may contain only letters, digits and . _ / ~ + @ = , : - (no spaces or quotes)';
  if (path.split('/').some((part) => part === '..')) return 'must not contain ".."';
  return undefined;
}

/** Where a key of [ssh.NAME] would come from, for messages about a missing key. */
function originFor(section: Map<string, RawValue>, name: string, key: string): string {
  const any = [...section.values()][0]!.origin;
  return any.replace(/^\[[^\]]*\] [^ ]+/, `[ssh.${name}] ${key}`);
}

/** Groups raw `ssh.NAME.key` values by NAME, sorted by NAME so output is stable. */
function sections(raw: RawConfig): Map<string, Map<string, RawValue>> {
  const out = new Map<string, Map<string, RawValue>>();
  for (const [k, v] of raw) {
    const parts = k.split('.');
    if (parts[0] !== 'ssh' || parts.length !== 3) continue;
    const s = out.get(parts[1]!) ?? new Map<string, RawValue>();
    s.set(parts[2]!, v);
    out.set(parts[1]!, s);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Validates every [ssh.NAME] section; problems go to `problems`, never thrown. Returns no server at
 * all when any value is bad. (Unknown keys are reported by the ini layer; like every error they stop
 * start-up before any hook runs, so ssh is configured for all sections or for none.)
 */
export function validateSsh(raw: RawConfig, problems: ProblemList): SshServer[] {
  const servers: SshServer[] = [];
  const aliases = new Map<string, string>();
  let failed = false;
  for (const [name, s] of sections(raw)) {
    const before = problems.errors.length;
    const bad = (v: RawValue, value: string, message: string, fix: string): void => problems.error(v.origin, value, message, fix);

    // NAME is written into comments of ssh_known_hosts and nbstart.conf: a quoted ini section
    // (["ssh.x\nHost *"]) could otherwise smuggle a line into them.
    if (!ALIAS_RE.test(name)) {
      problems.error([...s.values()][0]!.origin.replace(/^\[[^\]]*\] [^ ]+/, `[ssh.${name}]`), name,
        'the section name may contain only letters, digits, ".", "_" and "-"', 'rename the section, e.g. [ssh.gitlab]');
    }

    const hostRaw = s.get('host');
    const host = hostRaw?.value.trim() ?? name;
    if (!ALIAS_RE.test(host)) {
      const why = host === '' ? 'must not be empty' : 'may contain only letters, digits, ".", "_" and "-" (no spaces, wildcards or commas)';
      problems.error(hostRaw?.origin ?? originFor(s, name, 'host'), host, `the host alias ${why}`, 'set host to one word, e.g. gitlab');
    } else if (aliases.has(host)) {
      problems.error(hostRaw?.origin ?? originFor(s, name, 'host'), host, `is also the alias of [ssh.${aliases.get(host)}]`, 'give every [ssh.*] section its own host alias');
    } else aliases.set(host, name);

    const hostnameRaw = s.get('hostname');
    const hostname = hostnameRaw?.value.trim() ?? host;
    if (hostnameRaw) {
      const why = hostnameProblem(hostname);
      if (why) bad(hostnameRaw, hostnameRaw.value, why, 'set hostname to the server\'s DNS name or IP address, e.g. gitlab.example.com');
    }

    let port = SSH_DEFAULT_PORT;
    const portRaw = s.get('port');
    if (portRaw) {
      const t = portRaw.value.trim();
      port = /^[0-9]{1,5}$/.test(t) ? Number(t) : NaN;
      if (!(port >= 1 && port <= 65535)) bad(portRaw, portRaw.value, 'expected a port number from 1 to 65535', 'set port to the server\'s ssh port, e.g. 22');
    }

    const userRaw = s.get('user');
    const user = userRaw?.value.trim() ?? SSH_DEFAULT_USER;
    if (userRaw && !LOGIN_RE.test(user)) {
      bad(userRaw, userRaw.value, 'expected a login name (letters, digits, ".", "_", "-")', `set user to the account on the server, e.g. ${SSH_DEFAULT_USER}`);
    }

    const hostKeys: HostKey[] = [];
    const keyRaw = s.get('host_key');
    const scanPort = portRaw && portRaw.value.trim() !== String(SSH_DEFAULT_PORT) ? `-p ${portRaw.value.trim()} ` : '';
    const keyFix = `give the server's key as host_key = <type> <base64>, as printed by ssh-keyscan ${scanPort}${hostname} (without the host name in front)`;
    if (!keyRaw) {
      problems.error(originFor(s, name, 'host_key'), '', 'is missing: without it ssh cannot verify the server', keyFix);
    } else {
      // Several keys arrive as `host_key[] = ...` lines, which the ini layer joins with newlines.
      for (const line of keyRaw.value.split('\n')) {
        const r = parseHostKey(line);
        if (r.ok) hostKeys.push(r.key);
        else bad(keyRaw, line, r.why, keyFix);
      }
    }

    const idRaw = s.get('identity_file');
    const identityFile = idRaw?.value.trim();
    if (idRaw) {
      const why = identityFileProblem(identityFile!);
      if (why) bad(idRaw, idRaw.value, why, 'set identity_file to e.g. /keys/{user}/id_ed25519 or ~/.ssh/id_gitlab');
    }

    if (problems.errors.length > before) failed = true;
    else servers.push({ name, host, hostname, port, user, hostKeys, ...(identityFile !== undefined && { identityFile }) });
  }
  return failed ? [] : servers;
}
