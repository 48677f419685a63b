// Hook `ssh` — phase root, as root. Touches only system files: /etc/ssh/ssh_known_hosts (nbstart's
// marked block; every other line is kept byte for byte) and /etc/ssh/ssh_config.d/nbstart.conf (one
// Host block per [ssh.NAME] section). Nothing is written into the home, which may be a root-squashed
// NFS mount shared with other machines. Without [ssh.*] sections, nbstart's block and file are removed.
//
// Every value was validated when the config was loaded, so a bad key stops start-up before this
// hook plans; the two files are written one after the other, each atomically. A read-only /etc/ssh
// is the policy's (src/policy.ts): one warning, or the end of start-up under on_failure = abort.

import type { SshServer } from '../config/ssh.ts';
import { groupList } from '../identity/identity.ts';
import type { Note, Op, Plan } from '../plan/ops.ts';
import { spliceBlock } from '../system/marked-block.ts';
import type { ReadFs } from '../system/read-fs.ts';
import { staleTemps } from '../plan/stale-temps.ts';
import type { Hook, PlanContext } from './hook.ts';

export const SSH_DIR = '/etc/ssh';
export const SSH_CONFIG = '/etc/ssh/ssh_config';
export const KNOWN_HOSTS = '/etc/ssh/ssh_known_hosts';
export const DROP_IN_DIR = '/etc/ssh/ssh_config.d';
export const DROP_IN = '/etc/ssh/ssh_config.d/nbstart.conf';

const BLOCK_NOTE = ': the lines up to "# nbstart end" are rewritten at every start from the [ssh.*] sections of nbstart\'s ini';

/** A name as known_hosts wants it: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(name: string, port: number): string {
  return port === 22 ? name : `[${name}]:${port}`;
}

/**
 * The Host patterns of each server: its alias, and its hostname too (so `git clone git@hostname:...`
 * gets the same settings) unless another section uses that hostname, where it would be ambiguous.
 */
export function hostPatterns(servers: readonly SshServer[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of servers) {
    const shared = servers.some((o) => o !== s && (o.hostname === s.hostname || o.host === s.hostname));
    out.set(s.name, s.hostname === s.host || shared ? [s.host] : [s.host, s.hostname]);
  }
  return out;
}

/** known_hosts lines: every key under both the alias and the hostname. */
export function knownHostsLines(servers: readonly SshServer[]): string[] {
  return servers.flatMap((s) => {
    const names = [...new Set([s.host, s.hostname])].map((n) => knownHostName(n, s.port)).join(',');
    return [`# [ssh.${s.name}]`, ...s.hostKeys.map((k) => `${names} ${k.type} ${k.base64}`)];
  });
}

/** The identity file of a server for `userName`, quoted for ssh_config (`%` escaped as ssh wants). */
export function identityFileArg(template: string, userName: string): string {
  const path = template.replaceAll('{user}', userName);
  if (path.includes('"')) throw new Error(`identity file ${JSON.stringify(path)}: a user name with '"' cannot be written to ssh_config`);
  return `"${path.replaceAll('%', '%%')}"`;
}

/** The drop-in's text: one Host block per server. */
export function sshConfigText(servers: readonly SshServer[], userName: string): string {
  const patterns = hostPatterns(servers);
  const lines = [
    '# Written by nbstart from the [ssh.*] sections of its ini; rewritten or removed at every start.',
    `# Host keys come from ${KNOWN_HOSTS} only: a key in ~/.ssh/known_hosts (a home shared with`,
    '# other machines) cannot make another key acceptable, and ssh never asks.',
  ];
  for (const s of servers) {
    lines.push(
      '',
      `# [ssh.${s.name}]`,
      `Host ${patterns.get(s.name)!.join(' ')}`,
      `    HostName ${s.hostname}`,
      `    Port ${s.port}`,
      `    User ${s.user}`,
      ...(s.identityFile !== undefined ? [`    IdentityFile ${identityFileArg(s.identityFile, userName)}`, '    IdentitiesOnly yes'] : []),
      '    StrictHostKeyChecking yes',
      '    UserKnownHostsFile /dev/null',
      `    GlobalKnownHostsFile ${KNOWN_HOSTS}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `glob` (ssh_config Include syntax: `*`, `?`) as an anchored regular expression. */
function globRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]');
  return new RegExp(`^${body}$`);
}

/**
 * Why ssh would not read the drop-in for every host, or undefined. ssh takes the first value it
 * obtains for each option, so the Include must come before any Host or Match line (as in Debian's).
 */
export function includeProblem(text: string | undefined): string | undefined {
  const fix = `add "Include ${DROP_IN_DIR}/*.conf" as the first line of ${SSH_CONFIG} in the image (Debian's has it)`;
  if (text === undefined) return `${SSH_CONFIG} is missing (is openssh-client installed?), so ssh will not read ${DROP_IN}: ${fix}`;
  let firstBlock: number | undefined;
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [keyword = '', ...args] = line.split(/[\s=]+/).map((w) => w.replace(/^"(.*)"$/, '$1'));
    const k = keyword.toLowerCase();
    if ((k === 'host' || k === 'match') && firstBlock === undefined) firstBlock = i + 1;
    if (k !== 'include') continue;
    // Relative Include paths in the system file are relative to /etc/ssh.
    const matches = args.some((a) => globRegExp(a.startsWith('/') ? a : `${SSH_DIR}/${a}`).test(DROP_IN));
    if (!matches) continue;
    if (firstBlock === undefined) return undefined;
    return `${SSH_CONFIG} includes ${DROP_IN_DIR}/ on line ${i + 1}, after the Host/Match line ${firstBlock}, so options set there win over nbstart's: move the Include to the top`;
  }
  return `${SSH_CONFIG} has no "Include ${DROP_IN_DIR}/*.conf", so ssh will not read ${DROP_IN} and the [ssh.*] aliases will not work (host keys in ${KNOWN_HOSTS} still apply): ${fix}`;
}

/** A write of `content` to a root-owned, world-readable system file, or its removal when empty. */
function writeOrRemove(fs: ReadFs, path: string, content: string, summary: string, why: string, guard: readonly number[]): Op[] {
  const before = fs.readText(path);
  if (before === content || (before === undefined && content === '')) return [];
  if (content === '') return [{ kind: 'remove', path, why }];
  return [{ kind: 'write-files', files: [{ path, content, mode: 0o644, uid: 0, gid: 0, summary, guard }], why }];
}

/** True when an earlier start left nbstart's lines in /etc/ssh. */
function leftovers(fs: ReadFs): boolean {
  return fs.lstat(DROP_IN).kind !== 'missing' || (fs.readText(KNOWN_HOSTS) ?? '').includes('# nbstart begin');
}

export const ssh: Hook = {
  name: 'ssh',
  phase: 'root',
  summary: '[ssh.*]: host keys in /etc/ssh/ssh_known_hosts and Host blocks in /etc/ssh/ssh_config.d/nbstart.conf',
  needs: () => ({ root: true, writable: [SSH_DIR] }),
  asked(ctx) {
    if (ctx.config.ssh.length > 0) return '[ssh.*] sections are set';
    return leftovers(ctx.fs) ? `no [ssh.*] section is set and nbstart's lines from an earlier start remain in ${SSH_DIR}` : undefined;
  },
  async plan(ctx: PlanContext): Promise<Plan> {
    const servers = ctx.config.ssh;
    const ops: Op[] = staleTemps(ctx.fs, ctx.facts.mounts, [KNOWN_HOSTS, DROP_IN]);
    const notes: Note[] = [];
    const names = servers.map((s) => s.host).join(', ');
    const why = servers.length > 0 ? `[ssh.*] sections for ${names}` : 'no [ssh.*] sections (any earlier nbstart lines go)';

    let knownHosts: string;
    try {
      knownHosts = spliceBlock(ctx.fs.readText(KNOWN_HOSTS) ?? '', servers.length > 0 ? knownHostsLines(servers) : undefined, BLOCK_NOTE);
    } catch (err) {
      throw new Error(`${KNOWN_HOSTS} ${(err as Error).message}; remove nbstart's lines from it by hand`, { cause: err });
    }
    const dropIn = servers.length > 0 ? sshConfigText(servers, ctx.identity.name) : '';

    if (servers.length > 0) {
      for (const dir of [SSH_DIR, DROP_IN_DIR]) {
        if (ctx.fs.lstat(dir).kind === 'missing') ops.push({ kind: 'mkdir', path: dir, mode: 0o755, uid: 0, gid: 0, why: 'ssh\'s system configuration directory' });
      }
      const include = includeProblem(ctx.fs.readText(SSH_CONFIG));
      if (include) notes.push({ level: 'warn', msg: include });
      for (const s of servers) {
        const patterns = hostPatterns(servers).get(s.name)!;
        if (s.hostname !== s.host && !patterns.includes(s.hostname)) {
          notes.push({ level: 'info', msg: `[ssh.${s.name}]: ${s.hostname} is used by more than one [ssh.*] section, so only the alias ${s.host} gets its settings` });
        }
        // Root may look at an absolute key path outside the home, never into the home (~/).
        const key = s.identityFile?.replaceAll('{user}', ctx.identity.name);
        if (key?.startsWith('/') && ctx.fs.lstat(key).kind === 'missing') {
          notes.push({ level: 'warn', msg: `[ssh.${s.name}] identity_file ${key} does not exist: ssh to ${s.host} has no key to offer until it does` });
        }
      }
    }
    const keys = servers.reduce((n, s) => n + s.hostKeys.length, 0);
    const guard = groupList(ctx.identity);
    ops.push(...writeOrRemove(ctx.fs, KNOWN_HOSTS, knownHosts, `${keys} host key${keys === 1 ? '' : 's'} for ${names}; other lines kept`, why, guard));
    ops.push(...writeOrRemove(ctx.fs, DROP_IN, dropIn, `Host ${names}: StrictHostKeyChecking yes`, why, guard));
    return { ops, notes };
  },
};
