// Shared by the benchmarks: containers that are always removed (even on Ctrl-C), medians, and the
// machine line every result table is printed with. Timings are never asserted anywhere: a benchmark
// prints medians of alternated runs and ratios against a baseline measured in the same run.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { killRunningPodman, podman, podmanAsync, REPO, type Result } from '../test/e2e/lib/podman.ts';

export { podman, podmanAsync, REPO };

// NBSTART_E2E_TAG keeps parallel checkouts out of each other's images and containers.
export const TAG = process.env['NBSTART_E2E_TAG'] || 'test';

const live = new Set<string>();

/** Like podmanAsync() but throws with the whole output when the exit code is not 0. */
export async function podmanAsyncOk(args: readonly string[], timeoutMs?: number): Promise<Result> {
  const r = await podmanAsync(args, timeoutMs);
  if (r.code !== 0) throw new Error(`podman ${args.slice(0, 6).join(' ')}${args.length > 6 ? ' ...' : ''} exited ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`);
  return r;
}

/** Removes every container this process started; safe to call twice. */
export function removeAll(): void {
  for (const name of [...live]) {
    podman(['rm', '--force', '--time', '0', name], { timeoutMs: 60_000 });
    live.delete(name);
  }
}

/** Removes the containers on Ctrl-C, SIGTERM and SIGHUP, then exits as the signal would. */
export function cleanUpOnSignals(): void {
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(sig, () => {
      process.stderr.write(`\nbench: ${sig}, removing containers\n`);
      killRunningPodman();
      removeAll();
      process.exit(code);
    });
  }
}

/** A unique container name for this run, tracked for removal. */
export function containerName(what: string): string {
  const name = `nbstart-bench-${what}-${TAG}-${process.pid}-${live.size}`;
  live.add(name);
  return name;
}

/** Forgets a container that podman removed by itself (`run --rm` returned). */
export function forget(name: string): void {
  live.delete(name);
}

/** A long-lived root container of `image` doing nothing (`sleep infinity`), for `podman exec`. */
export async function startIdle(image: string, what: string): Promise<string> {
  const name = containerName(what);
  await podmanAsyncOk(['run', '--detach', '--pull=never', '--network', 'none', '--user', 'root', '--entrypoint', 'sleep', '--name', name, image, 'infinity']);
  return name;
}

/** Fails with a hint when an image is missing (the benchmarks build on the e2e images). */
export function requireImage(image: string, hint: string): void {
  if (podman(['image', 'exists', image]).code !== 0) throw new Error(`image ${image} is missing: ${hint}`);
}

/** Fails with a hint when a build output is missing. */
export function requireFile(rel: string, hint: string): string {
  const p = path.join(REPO, rel);
  if (!fs.existsSync(p)) throw new Error(`${rel} is missing: ${hint}`);
  return p;
}

/** Copies for `podman cp`: bench/NAME → /bench/NAME, with the shared round loop (alternate-lib.sh). */
export function benchScripts(...names: readonly string[]): [string, string][] {
  return ['alternate-lib.sh', ...names].map((n): [string, string] => [path.join(REPO, 'bench', n), `/bench/${n}`]);
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Milliseconds with a precision that suits the size. */
export function ms(x: number): string {
  return x >= 1000 ? x.toFixed(0) : x >= 100 ? x.toFixed(1) : x.toFixed(2);
}

/** A ratio as "12.3×". */
export function ratio(x: number): string {
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
}

/** "min–max" of a list, in ms, to show the spread next to a median. */
export function spread(xs: readonly number[]): string {
  return `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}`;
}

/** One line about the machine and its load, printed above every table. */
export function machineLine(): string {
  const [l1, l5] = os.loadavg();
  const podmanVersion = podman(['version', '--format', '{{.Client.Version}}']).stdout.trim();
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), ` +
    `Linux ${os.release()}, podman ${podmanVersion}, load average ${l1!.toFixed(2)} / ${l5!.toFixed(2)} (1 / 5 min)`;
}

/** The load average now, for the noise note after a run. */
export function loadNow(): string {
  const [l1, l5] = os.loadavg();
  return `${l1!.toFixed(2)} / ${l5!.toFixed(2)}`;
}

/** Writes a progress line to stderr (stdout carries only the results). */
export function say(msg: string): void {
  process.stderr.write(`bench: ${msg}\n`);
}
