// Hook `metrics` — phase root, as root. Touches /etc/ipython/ipython_kernel_config.py (only a file
// nbstart wrote; an image's own is left alone) and the metrics directory (default /var/log/nbstart),
// never anything in a home. With [metrics] cells = yes the kernel config loads nbstart_cells, the
// IPython extension shipped in the image at /usr/local/lib/nbstart/python/; the directory is made for
// the person so their kernels can append to it. With cells = no the config is removed (the collected
// counts stay for the administrator).
//
// Why /etc/ipython: IPython reads ipython_kernel_config.py from the profile (in the home), then
// sys.prefix/etc/ipython, /usr/local/etc/ipython and /etc/ipython, the last with the lowest
// priority; its `extensions.append` merges with appends in the others, and it has no .d directory.

import { originOf } from '../config/validate.ts';
import { groupList, type Identity } from '../identity/identity.ts';
import type { Op, Plan } from '../plan/ops.ts';
import { missingDirs, unsafeAncestor } from '../system/system-dir.ts';
import type { MetricsConfig } from '../config/metrics.ts';
import type { Hook, PlanContext } from './hook.ts';

export const KERNEL_CONFIG = '/etc/ipython/ipython_kernel_config.py';
export const CELLS_MODULE = '/usr/local/lib/nbstart/python/nbstart_cells.py';
const MARKER = '# Written by nbstart';

/** The kernel config: load nbstart_cells from its absolute path and tell it where to write. */
export function kernelConfig(m: MetricsConfig): string {
  return [
    `${MARKER} because [metrics] cells is on (NBSTART_METRICS_CELLS); removed when it is off.`,
    '# Loads the cells-run counter shipped with nbstart by its absolute path: sys.path is not changed,',
    '# so a module of the same name in a notebook folder cannot stand in for it.',
    'import importlib.util as _nbstart_util',
    'import sys as _nbstart_sys',
    '',
    `_nbstart_spec = _nbstart_util.spec_from_file_location('nbstart_cells', ${JSON.stringify(CELLS_MODULE)})`,
    "if _nbstart_spec is not None and _nbstart_spec.loader is not None and 'nbstart_cells' not in _nbstart_sys.modules:",
    '    _nbstart_module = _nbstart_util.module_from_spec(_nbstart_spec)',
    '    _nbstart_spec.loader.exec_module(_nbstart_module)',
    "    _nbstart_sys.modules['nbstart_cells'] = _nbstart_module",
    "c.InteractiveShellApp.extensions.append('nbstart_cells')",
    `c.NbstartCells.directory = ${JSON.stringify(m.path)}`,
    `c.NbstartCells.formats = ${JSON.stringify(m.formats)}`,
    '',
  ].join('\n');
}

/** Ops that make `dir` exist, owned by the person, with every file in it following an owner change. */
function directoryOps(ctx: PlanContext, dir: string, id: Identity): { ops: Op[]; problem?: string } {
  const st = ctx.fs.lstat(dir);
  const why = `${id.name}'s kernels write cell counts here`;
  if (st.kind === 'missing') {
    const chain = missingDirs(ctx.fs, dir);
    const ops: Op[] = chain.map((d) => d === dir
      ? { kind: 'mkdir', path: d, mode: 0o755, uid: id.uid, gid: id.gid, why }
      : { kind: 'mkdir', path: d, mode: 0o755, uid: 0, gid: 0, why: `parent of ${dir}` });
    return { ops };
  }
  if (st.kind !== 'dir') return { ops: [], problem: `${dir} exists and is not a directory` };
  if (st.uid === id.uid && st.gid === id.gid) return { ops: [] };
  return {
    ops: [{
      kind: 'chown-tree', path: dir, uid: id.uid, gid: id.gid, recursive: true, only: { uid: st.uid, gid: st.gid },
      why: `${dir} and its counts follow the person from ${st.uid}:${st.gid} to ${id.uid}:${id.gid}`,
    }],
  };
}

/** The kernel config's text; a link or anything but a file there is not nbstart's (and is not read through). */
function configText(ctx: PlanContext): string | undefined {
  const st = ctx.fs.lstat(KERNEL_CONFIG);
  if (st.kind === 'missing') return undefined;
  return st.kind === 'file' ? (ctx.fs.readText(KERNEL_CONFIG) ?? '') : `(a ${st.kind} root does not read)`;
}

/** Whether the kernel config and the directory are as this start wants them already. */
function inPlace(ctx: PlanContext): boolean {
  const m = ctx.config.metrics;
  const current = configText(ctx);
  if (!m.cells) return !(current ?? '').startsWith(MARKER);
  const dirSt = ctx.fs.lstat(m.path);
  return current === kernelConfig(m) && dirSt.kind === 'dir' && dirSt.uid === ctx.identity.uid && dirSt.gid === ctx.identity.gid;
}

export const metrics: Hook = {
  name: 'metrics',
  phase: 'root',
  summary: '[metrics] cells: IPython kernels count executed cells into a JSON-lines and a Prometheus file',
  needs: (ctx) => ({ root: true, writable: [KERNEL_CONFIG, ctx.config.metrics.path] }),
  asked(ctx) {
    if (inPlace(ctx)) return undefined;
    return ctx.config.metrics.cells ? `${originOf(ctx.config, 'metrics.cells', 'NBSTART_METRICS_CELLS')} is on` : `cell metrics are off and ${KERNEL_CONFIG} remains`;
  },
  async plan(ctx: PlanContext): Promise<Plan> {
    const m = ctx.config.metrics;
    const origin = originOf(ctx.config, 'metrics.cells', 'NBSTART_METRICS_CELLS');
    const current = configText(ctx);
    const ours = current !== undefined && current.startsWith(MARKER);
    const warn = (msg: string): Plan => ({ ops: [], notes: [{ level: 'warn', msg }] });

    if (!m.cells) {
      return { ops: ours ? [{ kind: 'remove', path: KERNEL_CONFIG, why: 'cell metrics are off' }] : [], notes: [] };
    }
    if (current !== undefined && !ours) {
      return warn(`${origin} is on but the image has its own ${KERNEL_CONFIG}: add c.InteractiveShellApp.extensions.append('nbstart_cells') to it (see docs/extras.md); no cell metrics`);
    }
    if (ctx.fs.lstat(CELLS_MODULE).kind !== 'file') {
      const off = ours ? [{ kind: 'remove' as const, path: KERNEL_CONFIG, why: 'the extension it loads is missing' }] : [];
      return { ops: off, notes: [{ level: 'warn', msg: `${origin} is on but this image lacks ${CELLS_MODULE} (it comes with nbstart's shim layer and images): no cell metrics` }] };
    }
    if (inPlace(ctx)) return { ops: [], notes: [] };
    const content = kernelConfig(m);
    const id = ctx.identity;
    for (const p of [KERNEL_CONFIG, m.path]) {
      const why = unsafeAncestor(ctx.fs, p, groupList(id), ctx.facts.euid);
      if (why) return warn(`${origin} is on but root will not write ${p}: ${why}; no cell metrics`);
    }
    const dir = directoryOps(ctx, m.path, id);
    if (dir.problem) return warn(`${origin} is on but ${dir.problem}; no cell metrics`);
    const ops: Op[] = [...dir.ops];
    if (current !== content) {
      for (const d of missingDirs(ctx.fs, '/etc/ipython')) ops.push({ kind: 'mkdir', path: d, mode: 0o755, uid: 0, gid: 0, why: 'system IPython config directory' });
      ops.push({
        kind: 'write-files', why: `${origin} is on`,
        files: [{ path: KERNEL_CONFIG, content, mode: 0o644, uid: 0, gid: 0, summary: `load nbstart_cells, write ${m.formats.join(' and ')} to ${m.path}`, guard: groupList(id) }],
      });
    }
    return { ops, notes: [] };
  },
};
