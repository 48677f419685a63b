// Hook `nss-wrapper` — phase root, run as the starting user when that is not root. Touches only
// /tmp/nbstart-nss-<uid>/ (or a fresh name beside it when that one is not the uid's own): when the
// uid has no passwd entry and /etc cannot be written, it writes passwd/group files there and
// preloads libnss_wrapper for the command, so `whoami` names the person.
// (A group-writable /etc/passwd, docker-stacks' answer, hands out root: see docker-stacks #553.)

import { groupEntries, groupLine, parseDb, passwdEntries, passwdLine, renderDb, withLine } from '../system/colon-db.ts';
import type { Op, Plan } from '../plan/ops.ts';
import { privateDir } from '../system/private-dir.ts';
import type { ReadFs } from '../system/read-fs.ts';
import { ownEntry } from '../identity/resolve.ts';
import type { Hook, PlanContext } from './hook.ts';

const LIB_DIRS = [
  '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib', '/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu',
];

/** Path of libnss_wrapper.so in the image, if installed. */
export function findNssWrapper(fs: ReadFs): string | undefined {
  return LIB_DIRS.map((d) => `${d}/libnss_wrapper.so`).find((p) => fs.lstat(p).kind !== 'missing');
}

/** Directory for the generated files of a uid. */
export function nssDir(env: Readonly<Record<string, string | undefined>>, uid: number): string {
  const tmp = env['TMPDIR'] && env['TMPDIR'].startsWith('/') ? env['TMPDIR'].replace(/\/+$/, '') : '/tmp';
  return `${tmp}/nbstart-nss-${uid}`;
}

export const nssWrapper: Hook = {
  name: 'nss-wrapper',
  phase: 'root',
  summary: 'non-root start without a passwd entry: passwd/group in /tmp via libnss_wrapper',
  needs: () => ({}),
  asked: () => undefined,
  async plan(ctx: PlanContext): Promise<Plan> {
    if (ctx.privileged) return { ops: [], notes: [] }; // a root start writes the account files themselves
    const id = ctx.identity;
    const passwdText = ctx.fs.readText('/etc/passwd') ?? '';
    const passwd = parseDb('passwd', passwdText);
    if (ownEntry(passwdEntries(passwd).map((e) => e.entry), id.uid)) return { ops: [], notes: [] };
    const lib = findNssWrapper(ctx.fs);
    if (!lib) {
      return { ops: [], notes: [{ level: 'warn', msg: `uid ${id.uid} has no passwd entry and libnss_wrapper.so is not installed: whoami will fail (install libnss-wrapper in the image)` }] };
    }
    // The template's line becomes the person's, so the name maps to this uid (its old uid is not ours).
    const entries = passwdEntries(passwd);
    const tmpl = entries.find((e) => e.entry.name === ctx.config.user.template);
    const line = passwdLine({ name: id.name, password: 'x', uid: id.uid, gid: id.gid, gecos: tmpl?.entry.gecos ?? '', home: id.home, shell: id.shell });
    // Drop other lines with the person's name or uid (an engine's synthetic `1010:x:1010:…` line).
    const clashes = new Set(entries.filter((e) => (e.entry.name === id.name || e.entry.uid === id.uid) && e !== tmpl).map((e) => e.index));
    const replaced = withLine(passwd, tmpl?.index, line);
    const newPasswd = { ...replaced, lines: replaced.lines.filter((_, i) => !clashes.has(i)) };
    const group = parseDb('group', ctx.fs.readText('/etc/group') ?? '');
    const haveGids = new Set(groupEntries(group).map((g) => g.entry.gid));
    let newGroup = group;
    for (const g of [id.primary, ...id.groups]) {
      if (!haveGids.has(g.gid)) newGroup = withLine(newGroup, undefined, groupLine({ name: g.name, password: 'x', gid: g.gid, members: [] }));
    }
    const { dir, note } = privateDir(ctx.fs, nssDir(ctx.env, id.uid), id.uid, ctx.facts.nonce, 'nss_wrapper files');
    const why = `uid ${id.uid} has no entry in /etc/passwd`;
    const ops: Op[] = [
      { kind: 'mkdir', path: dir, mode: 0o700, uid: id.uid, gid: id.gid, private: true, why: 'private directory for nss_wrapper files' },
      {
        kind: 'write-files', why, files: [
          { path: `${dir}/passwd`, content: renderDb(newPasswd), mode: 0o644, uid: id.uid, gid: id.gid, summary: `${id.name} as uid ${id.uid}` },
          { path: `${dir}/group`, content: renderDb(newGroup), mode: 0o644, uid: id.uid, gid: id.gid, summary: 'the image groups plus missing gids' },
        ],
      },
      ...nssEnv(ctx.env, dir, lib, why),
    ];
    return {
      ops,
      notes: [
        ...(note !== undefined ? [{ level: 'warn' as const, msg: note }] : []),
        { level: 'info', msg: `uid ${id.uid} has no passwd entry: ${id.name} is provided through libnss_wrapper` },
      ],
    };
  },
};

/** The variables that make libnss_wrapper (preloaded) read passwd and group from `dir`. */
export function nssEnv(env: Readonly<Record<string, string | undefined>>, dir: string, lib: string, why: string): Op[] {
  const ops: Op[] = [
    { kind: 'set-env', name: 'NSS_WRAPPER_PASSWD', value: `${dir}/passwd`, why },
    { kind: 'set-env', name: 'NSS_WRAPPER_GROUP', value: `${dir}/group`, why },
  ];
  const preload = env['LD_PRELOAD'] ? `${lib} ${env['LD_PRELOAD']}` : lib;
  if (!(env['LD_PRELOAD'] ?? '').split(/[ :]/).includes(lib)) ops.push({ kind: 'set-env', name: 'LD_PRELOAD', value: preload, why });
  return ops;
}
