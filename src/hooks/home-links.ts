// Hook `home-links` — phase user, after the drop, as the person. Touches the external home ([home]
// source, e.g. a root-squashed NFS mount) and links in /home/<user>: creates missing directories in
// the source, links /home/<user>/<name> -> <source>/<name> (replacing links that point elsewhere and
// empty directories such as the image's ~/work, leaving other files and directories alone), exports JUPYTER_CONFIG_DIR and NBSTART_USER_BASHRC, and
// starts the command in /home/<user>. Root never reads, stats or creates anything under the source.
// When the source is unusable the notebook still starts, and a short file in the home says why.
// A scratch home (read-only /home: identity/home-place.ts) is created here too, by the person.

import type { Note, Op, Plan } from '../plan/ops.ts';
import { isMountPoint } from '../system/mounts.ts';
import type { Hook, PlanContext } from './hook.ts';

/** Name of the note left in the local home when the external home cannot be used. */
export const PROBLEM_FILE = 'HOME-NOT-AVAILABLE.txt';

/** The text of that note: what happened, what it means, who can fix it. */
export function problemText(name: string, uid: number, source: string, local: string, reason: string): string {
  return [
    `Your home directory ${source} could not be used when this notebook server started:`,
    `  ${reason}`,
    '',
    `Files saved in ${local} now are kept inside the container only and are lost when it stops.`,
    `Please ask your JupyterHub administrator to check the home volume of ${name} (uid ${uid});`,
    'the server picks it up again at its next start.',
    '',
  ].join('\n');
}

/** The write of that note into the local home, owned by the person. */
export function problemNote(path: string, name: string, uid: number, gid: number, source: string, local: string, reason: string): Op {
  return { kind: 'write-files', why: reason, files: [{ path, content: problemText(name, uid, source, local, reason), mode: 0o644, uid, gid, summary: 'why the home is missing' }] };
}

/** An empty directory that is not a mount point: nothing is lost when the link takes its place. */
function givesWay(ctx: PlanContext, path: string): boolean {
  let names: string[] | undefined;
  try {
    names = ctx.fs.readdir(path);
  } catch {
    return false;
  }
  return names !== undefined && names.length === 0 && !isMountPoint(ctx.facts.mounts, path);
}

export const homeLinks: Hook = {
  name: 'home-links',
  phase: 'user',
  summary: '[home] source: create dirs and links as the user, JUPYTER_CONFIG_DIR, cwd /home/<user>',
  needs: () => ({}),
  asked: () => undefined,
  async plan(ctx: PlanContext): Promise<Plan> {
    const { home, identity: id } = { home: ctx.config.home, identity: ctx.identity };
    const ops: Op[] = [];
    if (id.homeFallback?.kind === 'scratch') {
      ops.push({ kind: 'mkdir', path: id.home, mode: 0o700, uid: id.uid, gid: id.gid, private: true, why: `scratch home: ${id.homeFallback.reason}` });
    }
    if (home.source === undefined) return { ops, notes: [] };
    const source = home.source.replaceAll('{user}', id.name);
    const local = id.home;
    const notes: Note[] = [];
    const problemPath = `${local}/${PROBLEM_FILE}`;
    const st = ctx.fs.stat(source);
    const reason = st.kind === 'missing' ? `${source} does not exist`
      : st.kind === 'denied' ? `${id.name} (uid ${id.uid}) is not allowed to open ${source}`
      : st.kind !== 'dir' ? `${source} is not a directory` : undefined;
    if (reason !== undefined) {
      notes.push({ level: 'warn', msg: `external home unusable: ${reason}; starting in ${local} (see ${problemPath})` });
      ops.push(problemNote(problemPath, id.name, id.uid, id.gid, source, local, reason));
      ops.push({ kind: 'chdir', path: local, why: 'the command starts in the local home' });
      return { ops, notes };
    }
    if (ctx.fs.lstat(problemPath).kind !== 'missing') ops.push({ kind: 'remove', path: problemPath, why: 'the external home is usable again' });
    // Missing directories in the source, parents first (each checked as the user).
    const made = new Set<string>();
    for (const rel of [home.jupyterConfig, ...home.links]) {
      const parts = rel.split('/').filter((p) => p !== '');
      for (let i = 1; i <= parts.length; i++) {
        const dir = `${source}/${parts.slice(0, i).join('/')}`;
        if (made.has(dir) || ctx.fs.lstat(dir).kind !== 'missing') continue;
        made.add(dir);
        ops.push({ kind: 'mkdir', path: dir, mode: 0o755, uid: id.uid, gid: id.gid, why: `missing in ${source}` });
      }
    }
    for (const name of home.links) {
      const path = `${local}/${name}`;
      const target = `${source}/${name}`;
      const l = ctx.fs.lstat(path);
      if (l.kind === 'missing' || (l.kind === 'link' && ctx.fs.readlink(path) !== target)) {
        ops.push({ kind: 'symlink', path, target, why: l.kind === 'link' ? 'the link pointed elsewhere' : '[home] links' });
      } else if (l.kind === 'dir' && givesWay(ctx, path)) {
        ops.push({ kind: 'symlink', path, target, replaceEmptyDir: true, why: '[home] links: an empty directory (docker-stacks images ship ~/work) gives way to the link' });
      } else if (l.kind !== 'link') {
        notes.push({ level: 'warn', msg: `${path} is a real ${l.kind === 'dir' ? 'directory' : 'file'}; left alone (move it away to get the link to ${target})` });
      }
    }
    ops.push({ kind: 'set-env', name: 'JUPYTER_CONFIG_DIR', value: `${source}/${home.jupyterConfig}`, why: '[home] jupyter_config' });
    ops.push({ kind: 'set-env', name: 'NBSTART_USER_BASHRC', value: `${source}/${home.bashrc}`, why: '[home] bashrc, sourced by interactive bash through /etc/bash.bashrc' });
    ops.push({ kind: 'chdir', path: local, why: 'the command starts in /home/<user>' });
    return { ops, notes };
  },
};
