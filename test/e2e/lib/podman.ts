// Thin wrappers over rootful podman for the end-to-end tests: build images once per content hash,
// run containers, and give failing cases the container's whole stderr.

import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureWheels, parseTarget, portFor, serveDir, TARGET_PROBE, wheelKey, type WheelSpec } from '../../../scripts/images/wheels.ts';

export const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
export const CONTAINERS_CONF = path.join(REPO, 'test', 'e2e', 'containers.conf');
export const BASE_IMAGE = 'localhost/nbstart-debian:bookworm';

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs podman with the project's containers.conf; never throws for a non-zero exit. */
export function podman(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Result {
  const r: SpawnSyncReturns<string> = spawnSync('podman', args, {
    encoding: 'utf8',
    env: { ...process.env, CONTAINERS_CONF },
    input: opts.input ?? '',
    timeout: opts.timeoutMs ?? 300_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new Error(`podman ${args.join(' ')}: ${r.error.message}`);
  return { code: r.status ?? 128 + (r.signal ? 9 : 0), stdout: r.stdout, stderr: r.stderr };
}

const running = new Set<ChildProcess>();

/**
 * podman() without blocking the event loop: for servers that answer while podman runs (the
 * Kubernetes stand-in) and for signal handlers that must run during a batch (the benchmarks). Never
 * rejects for a non-zero exit; rejects when podman cannot be started.
 */
export function podmanAsync(args: readonly string[], timeoutMs = 300_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn('podman', args, { env: { ...process.env, CONTAINERS_CONF }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new Error(`podman ${args.join(' ')}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code: code ?? 128 + (signal ? 9 : 0), stdout, stderr });
    });
  });
}

/** Kills every podmanAsync() still running (a signal handler's first step). */
export function killRunningPodman(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Like podman() but throws with the full output when the exit code is not 0. */
export function podmanOk(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Result {
  const r = podman(args, opts);
  if (r.code !== 0) throw new Error(`podman ${args.join(' ')} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

/** Hash of files and directories (recursively), for image cache keys. */
export function contentHash(paths: readonly string[], extra: readonly string[] = []): string {
  const h = createHash('sha256');
  const walk = (p: string): void => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) {
      h.update(`${path.relative(REPO, p)} -> ${fs.readlinkSync(p)}`);
    } else if (st.isDirectory()) {
      for (const n of fs.readdirSync(p).sort()) walk(path.join(p, n));
    } else {
      h.update(path.relative(REPO, p));
      h.update(fs.readFileSync(p));
    }
  };
  for (const p of paths) walk(path.join(REPO, p));
  for (const e of extra) h.update(e);
  return h.digest('hex').slice(0, 16);
}

/** The image's value for a label, or undefined when the image or label is missing. */
export function imageLabel(image: string, label: string): string | undefined {
  const r = podman(['image', 'inspect', '--format', `{{index .Labels "${label}"}}`, image]);
  const v = r.stdout.trim();
  return r.code === 0 && v !== '' && v !== '<no value>' ? v : undefined;
}

export interface BuildSpec {
  readonly tag: string;
  readonly dockerfile: string;
  /** Files and folders (relative to the repo) that decide the image, besides the Dockerfile. */
  readonly inputs: readonly string[];
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Images this one is built FROM, whose ids join the cache key. */
  readonly from?: readonly string[];
  /** Build context relative to the repo (default: the repo root). */
  readonly context?: string;
  /**
   * Python wheels the build installs (paths relative to the repo): downloaded on the host for the
   * Python of `from[0]` and passed as --build-arg WHEELS=<loopback URL> to a --network host build.
   */
  readonly wheels?: WheelSpec;
  /** Free space the build needs in podman's storage, in GiB (default 2; the TensorFlow image more). */
  readonly diskGiB?: number;
}

const GiB = 1024 ** 3;
let graphRootCache: string | undefined;

/** Where podman keeps images (its storage's graphroot). */
export function graphRoot(): string {
  graphRootCache ??= podmanOk(['info', '--format', '{{.Store.GraphRoot}}']).stdout.trim();
  return graphRootCache;
}

/** Bytes available in the file system holding dir (statfs's f_bavail). */
function freeBytes(dir: string): number {
  const st = fs.statfsSync(dir);
  return st.bavail * st.bsize;
}

/** The test images' label: every image buildImage() makes carries it (with its content key). */
export const KEY_LABEL = 'org.nbstart.test.key';

/**
 * Removes test images that a rebuild left without a tag because a container still used them then
 * (buildImage removes the others itself): each would otherwise stay, and a TensorFlow image is
 * 2 GB. A few rounds, bounded, in case removing one frees another.
 */
export function pruneSuperseded(): number {
  let removed = 0;
  for (let round = 0; round < 6; round++) {
    const ids = podman(['images', '-q', '--no-trunc', '--filter', 'dangling=true', '--filter', `label=${KEY_LABEL}`]).stdout.split('\n').filter(Boolean);
    const gone = ids.filter((id) => podman(['rmi', id]).code === 0).length;
    removed += gone;
    if (gone === 0) break;
  }
  return removed;
}

/** Builds an image from the repo root unless one with the same inputs exists already. */
export function buildImage(spec: BuildSpec): void {
  const fromIds = (spec.from ?? []).map((img) => podmanOk(['image', 'inspect', '--format', '{{.Id}}', img]).stdout.trim());
  const args = Object.entries(spec.buildArgs ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  const wheelFiles = spec.wheels ? [...spec.wheels.requirements, ...spec.wheels.constraints] : [];
  const key = contentHash([spec.dockerfile, ...spec.inputs, ...wheelFiles], [...fromIds, ...args]);
  if (imageLabel(spec.tag, KEY_LABEL) === key) return;
  const need = (spec.diskGiB ?? 2) * GiB;
  const free = freeBytes(graphRoot());
  if (free < need) {
    throw new Error(`building ${spec.tag} needs about ${spec.diskGiB ?? 2} GiB free in ${graphRoot()} (podman's images), there are ${(free / GiB).toFixed(1)} GiB: remove images you no longer need (podman image prune) or free disk space, then re-run`);
  }
  const before = podman(['image', 'inspect', '--format', '{{.Id}}', spec.tag]);
  let served: { url: string; stop(): void } | undefined;
  if (spec.wheels) {
    const probe = podmanOk(['run', '--rm', '--pull=never', '--network', 'none', '--entrypoint', TARGET_PROBE.entrypoint, spec.from![0]!, ...TARGET_PROBE.args]);
    const target = parseTarget(probe.stdout);
    if (typeof target === 'string') throw new Error(`${spec.from![0]}: ${target}`);
    const abs = (f: string): string => path.join(REPO, f);
    const ws: WheelSpec = { name: spec.wheels.name, requirements: spec.wheels.requirements.map(abs), constraints: spec.wheels.constraints.map(abs) };
    const dir = ensureWheels(ws, target, path.join(REPO, '.cache'), (m) => process.stderr.write(`e2e: ${m}\n`));
    served = serveDir(dir, portFor(wheelKey(ws, target)));
    args.push('--network', 'host', '--build-arg', `WHEELS=${served.url}`);
  }
  try {
    // --layers=false: no cached image per step. The key already decides whether to build at all,
    // and a change anywhere below (the binary is in the foundation) would miss that cache anyway.
    podmanOk(['build', '--quiet', '--layers=false', '-f', path.join(REPO, spec.dockerfile), ...args, '--label', `${KEY_LABEL}=${key}`, '-t', spec.tag, path.join(REPO, spec.context ?? '.')], { timeoutMs: 1_800_000 });
  } finally {
    served?.stop();
  }
  // The image this one replaces: gone now unless a container still uses it (pruneSuperseded takes
  // those later). Images built on it keep its layers and run on.
  const old = before.stdout.trim();
  if (before.code === 0 && old !== '' && old !== podmanOk(['image', 'inspect', '--format', '{{.Id}}', spec.tag]).stdout.trim()) podman(['rmi', old]);
}

export interface RunSpec {
  readonly image: string;
  readonly user?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** `-v` values (host:container[:opts]). */
  readonly volumes?: readonly string[];
  readonly extra?: readonly string[];
  /** Container network; tests default to none (nothing leaves the container). */
  readonly network?: string;
  readonly command?: readonly string[];
}

/** `podman run --rm` of one case. */
export function run(spec: RunSpec): Result {
  const args = ['run', '--rm', '--pull=never', '--network', spec.network ?? 'none'];
  if (spec.user !== undefined) args.push('--user', spec.user);
  for (const [k, v] of Object.entries(spec.env ?? {})) args.push('-e', `${k}=${v}`);
  for (const v of spec.volumes ?? []) args.push('-v', v);
  args.push(...(spec.extra ?? []), spec.image, ...(spec.command ?? []));
  return podman(args);
}

/** A readable dump of a result for assertion messages. */
export function show(r: Result): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr (container)\n${r.stderr}`;
}
