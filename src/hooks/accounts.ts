// Hook `accounts` — phase root, as root. Touches /etc/passwd, /etc/group, /etc/shadow, /etc/gshadow:
// refits the template user to the person and mirrors their groups, each file written at most once
// and all four as one step (none is replaced unless every one could be written). When /etc/passwd or
// /etc/group is on a read-only filesystem (readOnlyRootFilesystem, a read-only mount over the file),
// /etc is left alone and the refitted files go to a directory under /tmp that libnss_wrapper,
// preloaded, reads for the hooks and the command; the ids themselves still apply through the drop.

import { refitAccounts, type AccountDbs } from '../identity/accounts.ts';
import { groupList, type Identity } from '../identity/identity.ts';
import type { FileWrite, Note, Op, Plan } from '../plan/ops.ts';
import { staleTemps } from '../plan/stale-temps.ts';
import { refitRecord, REFIT_RECORD } from '../identity/entry.ts';
import { groupEntries, parseDb, renderDb, type ColonDb, type DbKind } from '../system/colon-db.ts';
import { isReadOnly } from '../system/mounts.ts';
import type { ReadFs } from '../system/read-fs.ts';
import type { Hook, PlanContext } from './hook.ts';
import { findNssWrapper, nssDir, nssEnv } from './nss-wrapper.ts';
import { refitLines } from '../start-sh-lines.ts';

const DB_PATHS = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow', REFIT_RECORD];

/** Reads one account database; shadow files may be absent. */
export function readDb(fs: ReadFs, kind: DbKind): ColonDb | undefined {
  const text = fs.readText(`/etc/${kind}`);
  return text === undefined ? undefined : parseDb(kind, text);
}

/** How many lines differ, for the plan summary. */
export function lineDiff(before: ColonDb, after: ColonDb): string {
  let changed = 0;
  const common = Math.min(before.lines.length, after.lines.length);
  for (let i = 0; i < common; i++) if (before.lines[i] !== after.lines[i]) changed++;
  const added = after.lines.length - common;
  return `${changed} line${changed === 1 ? '' : 's'} changed, ${added} added`;
}

/** What each account file must be: passwd and group 0644 root:root, the shadow files 0640 root:shadow. */
export function wantedMeta(kind: DbKind, group: ColonDb): { mode: number; uid: number; gid: number } {
  if (kind === 'passwd' || kind === 'group') return { mode: 0o644, uid: 0, gid: 0 };
  return { mode: 0o640, uid: 0, gid: groupEntries(group).find((g) => g.entry.name === 'shadow')?.entry.gid ?? 0 };
}

/**
 * The file write for `after` when it differs from `before`, or when the file's mode or owner is not
 * what an account file must have (a group-writable /etc/passwd lets anyone in that group add a uid-0
 * line); `fixed` collects what a mode change says.
 */
export function writeIfChanged(ctx: PlanContext, before: ColonDb, after: ColonDb, group: ColonDb, why: string, fixed: Note[]): FileWrite[] {
  const text = renderDb(after);
  const path = `/etc/${before.kind}`;
  const st = ctx.fs.lstat(path);
  const meta = wantedMeta(before.kind, group);
  const wrong = st.kind === 'file' && (st.mode !== meta.mode || st.uid !== meta.uid || st.gid !== meta.gid) && !isReadOnly(ctx.facts.mounts, path);
  if (text === renderDb(before) && !wrong) return [];
  if (wrong && st.kind === 'file') {
    fixed.push({ level: 'warn', msg: `${path} was mode ${st.mode.toString(8).padStart(4, '0')} ${st.uid}:${st.gid}; rewritten ${meta.mode.toString(8).padStart(4, '0')} ${meta.uid}:${meta.gid}` });
  }
  return [{ path, content: text, ...meta, summary: `${lineDiff(before, after)}; ${why}`, guard: groupList(ctx.identity) }];
}

export const accounts: Hook = {
  name: 'accounts',
  phase: 'root',
  summary: 'refit the template user in /etc/passwd and mirror the groups in /etc/group (one write each)',
  needs: () => ({ root: true }),
  asked: () => undefined,
  async plan(ctx: PlanContext): Promise<Plan> {
    const id = ctx.identity;
    const passwd = readDb(ctx.fs, 'passwd');
    const group = readDb(ctx.fs, 'group');
    if (!passwd || !group) throw new Error('/etc/passwd or /etc/group is missing from the image');
    const shadow = readDb(ctx.fs, 'shadow');
    const gshadow = readDb(ctx.fs, 'gshadow');
    const before: AccountDbs = { passwd, group, ...(shadow && { shadow }), ...(gshadow && { gshadow }) };
    const after = refitAccounts(before, id);
    const who = `${id.name} ${id.uid}:${id.gid}`;
    const fixed: Note[] = [];
    const writes: FileWrite[] = [
      ...writeIfChanged(ctx, passwd, after.passwd, after.group, `user ${who} (was ${id.entry} ${id.was.uid}:${id.was.gid})`, fixed),
      ...writeIfChanged(ctx, group, after.group, after.group, `${id.name} in ${id.groups.length + 1} groups`, fixed),
      ...(shadow && after.shadow ? writeIfChanged(ctx, shadow, after.shadow, after.group, `rename ${id.entry} to ${id.name}`, fixed) : []),
      ...(gshadow && after.gshadow ? writeIfChanged(ctx, gshadow, after.gshadow, after.group, 'memberships, as in /etc/group', fixed) : []),
    ];
    // Which entry is the template's from now on (identity/entry.ts): written with the files, or not at all.
    const record = id.entry === 'root' ? undefined : refitRecord(ctx.config.user.template, id.name);
    const recorded = ctx.fs.readText(REFIT_RECORD);
    if (record !== undefined && (id.name !== ctx.config.user.template || recorded !== undefined) && recorded !== record) {
      writes.push({ path: REFIT_RECORD, content: record, mode: 0o644, uid: 0, gid: 0, summary: `the template user ${ctx.config.user.template} is now ${id.name}`, guard: groupList(id) });
    }
    const notes: Note[] = [...fixed, ...[id.primary, ...id.groups].filter((g) => g.note).map((g) => ({ level: 'info' as const, msg: g.note! }))];
    const stale = staleTemps(ctx.fs, ctx.facts.mounts, DB_PATHS);
    const blocked = ['/etc/passwd', '/etc/group'].find((p) => writes.some((w) => w.path === p) && isReadOnly(ctx.facts.mounts, p));
    // (REFIT_RECORD only matters with /etc written: through nss_wrapper the image's entry stays the template.)
    const write: Op[] = writes.length > 0 ? [{ kind: 'write-files', files: writes, why: `the account files of ${who}, all or none` }] : [];
    const lines = writes.some((w) => w.path === '/etc/passwd') ? refitLines(id) : [];
    const said = lines.length > 0 ? { done: lines } : {};
    if (blocked === undefined) return { ops: [...stale, ...write], notes, ...said };
    const nss = viaNssWrapper(ctx, id, renderDb(after.passwd), renderDb(after.group), blocked);
    return { ops: [...stale, ...nss.ops], notes: [...notes, ...nss.notes], ...said };
  },
};

/** passwd and group for libnss_wrapper in a root-owned directory under /tmp, when /etc cannot take them. */
function viaNssWrapper(ctx: PlanContext, id: Identity, passwdText: string, groupText: string, readOnly: string): Plan {
  const fix = 'mount a writable /etc/passwd and /etc/group, or drop readOnlyRootFilesystem, to have them written';
  const lib = findNssWrapper(ctx.fs);
  if (!lib) {
    return { ops: [], notes: [{ level: 'warn', msg: `${readOnly} is on a read-only filesystem and libnss_wrapper.so is not installed: ${id.name} gets uid ${id.uid} and gid ${id.gid} but no name (install libnss-wrapper in the image, or ${fix})` }] };
  }
  const dir = nssDir(ctx.env, id.uid);
  if (isReadOnly(ctx.facts.mounts, dir)) {
    return { ops: [], notes: [{ level: 'warn', msg: `${readOnly} and ${dir} are on read-only filesystems: ${id.name} gets uid ${id.uid} and gid ${id.gid} but no name (mount an emptyDir at /tmp, or ${fix})` }] };
  }
  // An emptyDir /tmp outlives a container restart: what the person left there is not root's to write into.
  const existing = ctx.fs.lstat(dir);
  if (existing.kind !== 'missing' && (existing.kind !== 'dir' || existing.uid !== 0)) {
    throw new Error(`${dir} exists and is not a directory of root's; remove it (restart the pod to get a fresh /tmp)`);
  }
  const why = `${readOnly} is on a read-only filesystem`;
  return {
    ops: [
      { kind: 'mkdir', path: dir, mode: 0o755, uid: 0, gid: 0, why: 'nss_wrapper files, readable by the person, writable only by root' },
      {
        kind: 'write-files', why, files: [
          { path: `${dir}/passwd`, content: passwdText, mode: 0o644, uid: 0, gid: 0, summary: `/etc/passwd with ${id.name} as uid ${id.uid}` },
          { path: `${dir}/group`, content: groupText, mode: 0o644, uid: 0, gid: 0, summary: `/etc/group with the groups of ${id.name}` },
        ],
      },
      ...nssEnv(ctx.env, dir, lib, why),
    ],
    notes: [{ level: 'warn', msg: `${why}: /etc is left as it is, and ${id.name} (${id.uid}:${id.gid}) with the groups reaches the hooks and the command through libnss_wrapper from ${dir} (${fix})` }],
  };
}
