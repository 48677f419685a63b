// A real OpenLDAP server (Debian's slapd) of the test's own: a slapd.conf, an mdb database and a
// TLS certificate (from a CA made for the run) in a temporary directory, the directory loaded with
// slapadd, listening with TLS from the first byte (ldaps) on 127.0.0.1 only; started by the test,
// stopped by its pid. The schemas are Debian's: core, cosine, nis (posixAccount, posixGroup) and
// inetorgperson.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './net.ts';

export const LDAP_BASE = 'dc=example,dc=org';

export interface LdapPerson {
  readonly uid: string;
  readonly password: string;
  /** Without it the entry is an inetOrgPerson only (no POSIX account: no uidNumber). */
  readonly posix?: { readonly uidNumber: number; readonly gidNumber: number; readonly homeDirectory: string };
}

export interface LdapGroup {
  readonly cn: string;
  readonly gidNumber: number;
  readonly memberUid: readonly string[];
}

export interface Slapd {
  readonly port: number;
  /** PEM file of the CA that signed the server's certificate (for LDAPAuthenticator.tls_kwargs). */
  readonly caFile: string;
  /** The search user (lookup_dn_search_user) and its password. */
  readonly searchUser: string;
  readonly searchPassword: string;
  stop(): Promise<void>;
}

/**
 * The hub tests' directory: `person` (uid = gid = `id`, primary group `group`, physics 3000 and
 * astro 3100, home /mnt/home/<person>) and carol, a person of the directory without a POSIX account
 * (no uidNumber), in physics too; both with `password`. Tests that may run at once use other ids
 * (their squashed homes need a host account of the uid).
 */
export function hubDirectory(person: string, group: string, id: number, password: string): [LdapPerson[], LdapGroup[]] {
  return [
    [{ uid: person, password, posix: { uidNumber: id, gidNumber: id, homeDirectory: `/mnt/home/${person}` } }, { uid: 'carol', password }],
    [
      { cn: group, gidNumber: id, memberUid: [person] },
      { cn: 'physics', gidNumber: 3000, memberUid: [person, 'carol'] },
      { cn: 'astro', gidNumber: 3100, memberUid: [person] },
      { cn: 'other', gidNumber: 3200, memberUid: ['bob'] },
    ],
  ];
}

/** The directory as LDIF: the recipes' tree (ou=people, ou=groups, ou=services under dc=example,dc=org). */
function ldif(people: readonly LdapPerson[], groups: readonly LdapGroup[], searchPassword: string): string {
  const entries = [
    `dn: ${LDAP_BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n`,
    ...['people', 'groups', 'services'].map((ou) => `dn: ou=${ou},${LDAP_BASE}\nobjectClass: organizationalUnit\nou: ${ou}\n`),
    `dn: cn=jupyterhub,ou=services,${LDAP_BASE}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: jupyterhub\nuserPassword: ${searchPassword}\n`,
    ...people.map((p) => [
      `dn: uid=${p.uid},ou=people,${LDAP_BASE}`, 'objectClass: inetOrgPerson', ...(p.posix ? ['objectClass: posixAccount'] : []),
      `uid: ${p.uid}`, `cn: ${p.uid}`, `sn: ${p.uid}`, `userPassword: ${p.password}`,
      ...(p.posix ? [`uidNumber: ${p.posix.uidNumber}`, `gidNumber: ${p.posix.gidNumber}`, `homeDirectory: ${p.posix.homeDirectory}`] : []), '',
    ].join('\n')),
    ...groups.map((g) => [`dn: cn=${g.cn},ou=groups,${LDAP_BASE}`, 'objectClass: posixGroup', `cn: ${g.cn}`, `gidNumber: ${g.gidNumber}`, ...g.memberUid.map((m) => `memberUid: ${m}`), ''].join('\n')),
  ];
  return `${entries.join('\n')}\n`;
}

/** Starts slapd with `people` and `groups`; resolves once it accepts connections. */
export async function startSlapd(people: readonly LdapPerson[], groups: readonly LdapGroup[]): Promise<Slapd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-slapd-'));
  const port = await freePort();
  const searchUser = `cn=jupyterhub,ou=services,${LDAP_BASE}`;
  const searchPassword = `search-${Math.random().toString(36).slice(2)}`;
  const openssl = (args: readonly string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  // A CA and a server certificate for 127.0.0.1 (an IP subjectAltName: ldap3 checks it).
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=nbstart e2e LDAP CA', '-keyout', 'ca.key', '-out', 'ca.pem']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']);
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.pem']);
  fs.mkdirSync(path.join(dir, 'db'));
  const conf = path.join(dir, 'slapd.conf');
  fs.writeFileSync(conf, [
    ...['core', 'cosine', 'nis', 'inetorgperson'].map((s) => `include /etc/ldap/schema/${s}.schema`),
    'modulepath /usr/lib/ldap', 'moduleload back_mdb',
    `pidfile ${dir}/slapd.pid`,
    `TLSCACertificateFile ${dir}/ca.pem`, `TLSCertificateFile ${dir}/server.pem`, `TLSCertificateKeyFile ${dir}/server.key`,
    'database mdb', `suffix "${LDAP_BASE}"`, `rootdn "cn=admin,${LDAP_BASE}"`, `directory ${dir}/db`, 'maxsize 16777216',
    // People bind with their password; the search user and bound people read the directory.
    'access to attrs=userPassword by anonymous auth by * none',
    'access to * by users read by * none',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'directory.ldif'), ldif(people, groups, searchPassword));
  execFileSync('slapadd', ['-f', conf, '-l', path.join(dir, 'directory.ldif')], { stdio: 'pipe' });
  // -d 0: in the foreground (its pid is the child's), logging nothing but errors.
  const logFd = fs.openSync(path.join(dir, 'slapd.log'), 'a');
  const child: ChildProcess = spawn('/usr/sbin/slapd', ['-d', '0', '-f', conf, '-h', `ldaps://127.0.0.1:${port}/`], { stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = (): string => fs.readFileSync(path.join(dir, 'slapd.log'), 'utf8');
  // Bounded: 20 s until the port accepts.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`slapd exited ${child.exitCode}\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (i >= 80) throw new Error(`slapd did not listen on ${port} within 20 s\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port, caFile: path.join(dir, 'ca.pem'), searchUser, searchPassword,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
        clearTimeout(timer);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
