// Hook `accounts` — phase root, as root. Touches /etc/passwd, /etc/group, /etc/shadow, /etc/gshadow:
// refits the template user to the person and mirrors their groups, each file written at most once.

import { refitAccounts, type AccountDbs } from '../identity/accounts.ts';
import type { Op, Plan } from '../plan/ops.ts';
import { parseDb, renderDb, type ColonDb, type DbKind } from '../system/colon-db.ts';
import type { ReadFs } from '../system/read-fs.ts';
import type { Hook, PlanContext } from './hook.ts';

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

/** A write op for `after` when it differs from `before`, keeping the file's mode and owner. */
export function writeIfChanged(fs: ReadFs, before: ColonDb, after: ColonDb, why: string): Op[] {
  const text = renderDb(after);
  if (text === renderDb(before)) return [];
  const path = `/etc/${before.kind}`;
  const st = fs.lstat(path);
  const secret = before.kind === 'shadow' || before.kind === 'gshadow';
  const meta = st.kind === 'file' ? { mode: st.mode, uid: st.uid, gid: st.gid } : { mode: secret ? 0o640 : 0o644, uid: 0, gid: 0 };
  return [{ kind: 'write-file', path, content: text, ...meta, summary: lineDiff(before, after), why }];
}

export const accounts: Hook = {
  name: 'accounts',
  phase: 'root',
  summary: 'refit the template user in /etc/passwd and mirror the groups in /etc/group (one write each)',
  async plan(ctx: PlanContext): Promise<Plan> {
    if (!ctx.privileged) return { ops: [], notes: [] };
    const id = ctx.identity;
    const passwd = readDb(ctx.fs, 'passwd');
    const group = readDb(ctx.fs, 'group');
    if (!passwd || !group) throw new Error('/etc/passwd or /etc/group is missing from the image');
    const shadow = readDb(ctx.fs, 'shadow');
    const gshadow = readDb(ctx.fs, 'gshadow');
    const before: AccountDbs = { passwd, group, ...(shadow && { shadow }), ...(gshadow && { gshadow }) };
    const after = refitAccounts(before, id);
    const who = `${id.name} ${id.uid}:${id.gid}`;
    const ops: Op[] = [
      ...writeIfChanged(ctx.fs, passwd, after.passwd, `user ${who} (was ${id.entry} ${id.was.uid}:${id.was.gid})`),
      ...writeIfChanged(ctx.fs, group, after.group, `groups of ${id.name}: ${[id.primary, ...id.groups].map((g) => `${g.name}(${g.gid})`).join(',')}`),
      ...(shadow && after.shadow ? writeIfChanged(ctx.fs, shadow, after.shadow, `rename ${id.entry} to ${id.name}`) : []),
      ...(gshadow && after.gshadow ? writeIfChanged(ctx.fs, gshadow, after.gshadow, 'memberships, as in /etc/group') : []),
    ];
    const notes = [id.primary, ...id.groups].filter((g) => g.note).map((g) => ({ level: 'info' as const, msg: g.note! }));
    return { ops, notes };
  },
};
