// The container engine: docker or podman (or a stand-in with the same command line, for tests).

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export type EngineKind = 'docker' | 'podman';

export interface Engine {
  readonly command: string;
  readonly kind: EngineKind;
}

export interface RunResult {
  readonly code: number;
  readonly out: string;
}

/** Runs the engine; output is captured, or streamed to stderr when `stream`. Bounded by `timeoutMs`. */
export function runEngine(e: Engine, args: readonly string[], opts: { stream?: boolean; timeoutMs?: number } = {}): RunResult {
  const r = spawnSync(e.command, args, {
    encoding: 'utf8',
    stdio: opts.stream ? ['ignore', 2, 2] : ['ignore', 'pipe', 'pipe'],
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) return { code: 127, out: r.error.message };
  return { code: r.status ?? 128, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The engine to use: `wanted` (a name or path), else podman, else docker, whichever answers. */
export function detectEngine(wanted: string | undefined): Engine | string {
  const candidates = wanted ? [wanted] : ['podman', 'docker'];
  for (const command of candidates) {
    const r = runEngine({ command, kind: 'docker' }, ['--version'], { timeoutMs: 30_000 });
    if (r.code !== 0) continue;
    const kind: EngineKind = /podman/i.test(r.out) || path.basename(command).includes('podman') ? 'podman' : 'docker';
    return { command, kind };
  }
  return wanted
    ? `the container engine ${JSON.stringify(wanted)} does not run (${wanted} --version failed)`
    : 'neither podman nor docker is installed (or on PATH); install one, or pass --engine';
}

/** True when the engine has `ref` locally. */
export function hasLocalImage(e: Engine, ref: string): boolean {
  return runEngine(e, ['image', 'inspect', ref], { timeoutMs: 60_000 }).code === 0;
}

/**
 * True when the registry has `ref`. docker: `docker manifest inspect`. podman: `skopeo inspect` when
 * skopeo is installed, else `podman manifest inspect` (podman 4 asks the registry when no local
 * manifest list has that name; this script never makes manifest lists). Exit 0 means it is there;
 * an unreachable registry reads as "not there", and the push that follows reports the real error.
 */
export function registryHas(e: Engine, ref: string): boolean {
  if (e.kind === 'podman') {
    const skopeo = runEngine({ command: 'skopeo', kind: 'podman' }, ['inspect', '--raw', `docker://${ref}`], { timeoutMs: 120_000 });
    if (skopeo.code !== 127) return skopeo.code === 0;
  }
  return runEngine(e, ['manifest', 'inspect', ref], { timeoutMs: 120_000 }).code === 0;
}
