// Hook `sudo` — phase root, as root. Touches /etc/sudoers.d/nbstart only: with GRANT_SUDO it grants
// the user passwordless sudo with conda's bin first on secure_path; without it, the file is removed.
// The drop-in is checked by visudo, found by absolute path in a directory root alone can change.
// sudo cannot work under no_new_privs (allowPrivilegeEscalation: false): GRANT_SUDO then gets a
// warning as well.

import { groupList } from '../identity/identity.ts';
import type { Note, Plan } from '../plan/ops.ts';
import { staleTemps } from '../plan/stale-temps.ts';
import { DEFAULT_PATH } from '../exec.ts';
import { findRootProgram } from '../scripts/trust.ts';
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
  needs: () => ({ root: true, writable: ['/etc/sudoers.d'] }),
  asked(ctx) {
    if (ctx.config.user.grantSudo) return 'GRANT_SUDO is set';
    return ctx.fs.lstat(SUDOERS_DROP_IN).kind !== 'missing' ? `GRANT_SUDO is not set and ${SUDOERS_DROP_IN} remains from an earlier start` : undefined;
  },
  async plan(ctx: PlanContext): Promise<Plan> {
    const id = ctx.identity;
    const grant = ctx.config.user.grantSudo;
    const present = ctx.fs.lstat(SUDOERS_DROP_IN).kind !== 'missing';
    const stale = staleTemps(ctx.fs, ctx.facts.mounts, [SUDOERS_DROP_IN]);
    if (!grant || id.uid === 0) {
      return { ops: [...stale, ...(present ? [{ kind: 'remove', path: SUDOERS_DROP_IN, why: 'GRANT_SUDO is not set' } as const] : [])], notes: [] };
    }
    if (ctx.fs.lstat('/etc/sudoers.d').kind !== 'dir') {
      return { ops: stale, notes: [{ level: 'warn', msg: 'GRANT_SUDO is set but the image has no sudo (/etc/sudoers.d is missing): install sudo in the image' }] };
    }
    const notes: Note[] = ctx.facts.status.noNewPrivs
      ? [{ level: 'warn', msg: 'GRANT_SUDO is set but the container runs with no_new_privs (no-new-privileges, allowPrivilegeEscalation: false): sudo will refuse to run' }]
      : [];
    const condaBin = `${ctx.env['CONDA_DIR'] || '/opt/conda'}/bin`;
    const content = sudoersText(id.name, id.uid, imageSecurePath(ctx.fs), condaBin);
    if (ctx.fs.readText(SUDOERS_DROP_IN) === content) return { ops: stale, notes };
    const visudo = findRootProgram(ctx.fs, 'visudo', DEFAULT_PATH.split(':'));
    return {
      notes,
      ops: [...stale, {
        kind: 'write-files', why: 'GRANT_SUDO is set',
        files: [{
          path: SUDOERS_DROP_IN, content, mode: 0o440, uid: 0, gid: 0,
          summary: `${id.name} (uid ${id.uid}) may run anything as root`, ...(visudo && { validate: [visudo, '-c', '-q', '-f'] }), guard: groupList(id),
        }],
      }],
    };
  },
};
