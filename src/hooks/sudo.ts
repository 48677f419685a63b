// Hook `sudo` — phase root, as root. Touches /etc/sudoers.d/nbstart only: with GRANT_SUDO it grants
// the user passwordless sudo with conda's bin first on secure_path; without it, the file is removed.
// sudo cannot work under no_new_privs (allowPrivilegeEscalation: false) or with a read-only
// /etc/sudoers.d: GRANT_SUDO then gets one warning instead.

import type { Note, Op, Plan } from '../plan/ops.ts';
import { staleTemps } from '../plan/stale-temps.ts';
import { procStatus } from '../system/capabilities.ts';
import { isReadOnly } from '../system/mounts.ts';
import type { ReadFs } from '../system/read-fs.ts';
import type { Hook, PlanContext } from './hook.ts';

export const SUDOERS_DROP_IN = '/etc/sudoers.d/nbstart';
const DEBIAN_SECURE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The image's secure_path from /etc/sudoers, or Debian's default. */
export function imageSecurePath(fs: ReadFs): string {
  const text = fs.readText('/etc/sudoers') ?? '';
  const m = /^\s*Defaults\s+secure_path\s*=\s*"?([^"\n]+)"?\s*$/m.exec(text);
  return m ? m[1]!.trim() : DEBIAN_SECURE_PATH;
}

/** The drop-in's text: the user by uid (no quoting issues), conda's bin prepended once. */
export function sudoersText(name: string, uid: number, securePath: string, condaBin: string): string {
  const parts = securePath.split(':').filter((p) => p !== '' && p !== condaBin);
  return [
    '# Written by nbstart because GRANT_SUDO is set; rewritten or removed at every start.',
    `Defaults secure_path="${[condaBin, ...parts].join(':')}"`,
    `# ${name}`,
    `#${uid} ALL=(ALL:ALL) NOPASSWD: ALL`,
    '',
  ].join('\n');
}

export const sudo: Hook = {
  name: 'sudo',
  phase: 'root',
  summary: 'GRANT_SUDO: passwordless sudo through a validated /etc/sudoers.d/nbstart; otherwise none',
  async plan(ctx: PlanContext): Promise<Plan> {
    const id = ctx.identity;
    const grant = ctx.config.user.grantSudo;
    const present = ctx.fs.lstat(SUDOERS_DROP_IN).kind !== 'missing';
    if (!ctx.privileged) {
      return grant
        ? { ops: [], notes: [{ level: 'warn', msg: 'GRANT_SUDO is set but the container did not start as root: no sudo rights granted (start with --user root)' }] }
        : { ops: [], notes: [] };
    }
    const stale = staleTemps(ctx.fs, [SUDOERS_DROP_IN]);
    const readOnly = isReadOnly(ctx.fs, SUDOERS_DROP_IN);
    if (!grant || id.uid === 0) {
      const ops: Op[] = present && !readOnly ? [{ kind: 'remove', path: SUDOERS_DROP_IN, why: 'GRANT_SUDO is not set' }] : [];
      const notes: Note[] = present && readOnly ? [{ level: 'warn', msg: `GRANT_SUDO is not set but ${SUDOERS_DROP_IN} is on a read-only filesystem and stays` }] : [];
      return { ops: [...stale, ...ops], notes };
    }
    if (ctx.fs.lstat('/etc/sudoers.d').kind !== 'dir') {
      return { ops: stale, notes: [{ level: 'warn', msg: 'GRANT_SUDO is set but the image has no sudo (/etc/sudoers.d is missing): install sudo in the image' }] };
    }
    if (readOnly) {
      return { ops: stale, notes: [{ level: 'warn', msg: 'GRANT_SUDO is set but /etc/sudoers.d is on a read-only filesystem: no sudo rights granted (drop readOnlyRootFilesystem to use GRANT_SUDO)' }] };
    }
    const notes: Note[] = procStatus(ctx.fs).noNewPrivs
      ? [{ level: 'warn', msg: 'GRANT_SUDO is set but the container runs with no_new_privs (no-new-privileges, allowPrivilegeEscalation: false): sudo will refuse to run' }]
      : [];
    const condaBin = `${ctx.env['CONDA_DIR'] || '/opt/conda'}/bin`;
    const content = sudoersText(id.name, id.uid, imageSecurePath(ctx.fs), condaBin);
    if (ctx.fs.readText(SUDOERS_DROP_IN) === content) return { ops: stale, notes };
    return {
      notes,
      ops: [...stale, {
        kind: 'write-file', path: SUDOERS_DROP_IN, content, mode: 0o440, uid: 0, gid: 0,
        summary: `${id.name} (uid ${id.uid}) may run anything as root`, validate: ['visudo', '-c', '-q', '-f'],
        why: 'GRANT_SUDO is set',
      }],
    };
  },
};
