// Builds the image folders under docker-stacks/ (or --root) in dependency order with podman or
// docker, tags each `latest` and the first 8 hex digits of its content hash (the folder without
// ops/, plus the hashes of the folders it builds on), skips a build whose hash tag exists locally
// and, with --push, a push whose hash tag the registry already has.
//
//   npm run images -- [--push] [--root DIR] [--prefix NAME-PREFIX] [--engine podman|docker|PATH] [--dry-run] [FOLDER...]
//
// Exit codes: 0 something was built or pushed, 3 nothing needed doing (every build and push was
// skipped), 1 a build or push failed or the folders are misconfigured, 2 usage.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDockerfile } from './images/dockerfile.ts';
import { detectEngine, hasLocalImage, registryHas, runEngine, type Engine } from './images/engine.ts';
import { folderHash, hashTag } from './images/hash.ts';
import { DEFAULT_OPTIONS, parseBuildOptions, type BuildOptions } from './images/options.ts';
import { buildOrder, folderForImage, withBases } from './images/order.ts';
import { ensureWheels, parseTarget, portFor, serveDir, TARGET_PROBE, wheelKey, type Served, type WheelSpec } from './images/wheels.ts';

const REPO = path.resolve(import.meta.dirname, '..');

export const EXIT_DONE = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOTHING = 3;

const USAGE = `Usage: npm run images -- [options] [FOLDER...]
Builds the image folders (each a directory with a Dockerfile) in dependency order; FOLDERs limit
the run to them and the folders they build on.
  --push              also push the hash tag (and latest) of folders whose push is not false
  --root DIR          where the image folders are (default: docker-stacks)
  --prefix PREFIX     image names are PREFIX<folder> (default: $NBSTART_IMAGES_PREFIX or localhost/nbstart-)
  --engine ENGINE     podman, docker or a path (default: $NBSTART_IMAGES_ENGINE, else podman, else docker)
  --dry-run           say what would be done; build and push nothing
  -h, --help
ops/build_options.txt in a folder (key: value lines): build: false, push: false,
  context: <dir relative to the folder> (default .), inputs: <more paths hashed, comma-separated>
A folder with requirements.txt gets its wheels downloaded on this host (pip, into .cache/wheels/, for
the Python of the image it builds on, pinned by its constraints.txt and those of its bases) and
served to a --network host build as --build-arg WHEELS=http://127.0.0.1:PORT/ ($NBSTART_CACHE_DIR
instead of .cache/; $NBSTART_PIP for another pip command).
Exit codes: 0 built or pushed something, 3 everything was up to date (all skipped), 1 failure, 2 usage.`;

export interface Args {
  readonly push: boolean;
  readonly root: string;
  readonly prefix: string;
  readonly engine?: string;
  readonly dryRun: boolean;
  readonly folders: readonly string[];
}

/** Parses argv; a string is a usage error. */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Args | string | 'help' {
  let push = false;
  let dryRun = false;
  let root = 'docker-stacks';
  let prefix = env['NBSTART_IMAGES_PREFIX'] || 'localhost/nbstart-';
  let engine = env['NBSTART_IMAGES_ENGINE'] || undefined;
  const folders: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string | undefined => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      return argv[++i];
    };
    const flag = a.split('=')[0]!;
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--push') push = true;
    else if (a === '--dry-run') dryRun = true;
    else if (flag === '--root' || flag === '--prefix' || flag === '--engine') {
      const v = value();
      if (v === undefined || v === '') return `${flag} needs a value`;
      if (flag === '--root') root = v;
      else if (flag === '--prefix') prefix = v;
      else engine = v;
    } else if (a === '--') continue;
    else if (a.startsWith('-')) return `unknown option ${a}`;
    else folders.push(a.replace(/\/+$/, '').split('/').at(-1)!);
  }
  if (!/^[a-z0-9][a-z0-9._\/:-]*$/.test(prefix) || prefix.endsWith(':')) return `--prefix must be the start of an image name (lower case), e.g. ghcr.io/org/nbstart-, got ${JSON.stringify(prefix)}`;
  return { push, root, prefix, ...(engine !== undefined && { engine }), dryRun, folders };
}

export interface Folder {
  readonly name: string;
  readonly dir: string;
  readonly options: BuildOptions;
  /** The folder named by the default of `ARG BASE_IMAGE`: built with --build-arg BASE_IMAGE=<its hash tag>. */
  readonly baseArg?: string;
  /** The image of the first FROM, as written (for a base that is not a folder). */
  readonly from?: string;
  readonly deps: readonly string[];
  /** Present when the folder has requirements.txt: what its Python wheels depend on. */
  readonly wheels?: WheelSpec;
}

/** Reads every folder's Dockerfile and options; errors are collected, not thrown. */
export function readFolders(root: string, prefix: string): { folders: Map<string, Folder>; errors: string[] } {
  const errors: string[] = [];
  const folders = new Map<string, Folder>();
  const names = fs.readdirSync(root).filter((n) => fs.existsSync(path.join(root, n, 'Dockerfile'))).sort();
  const parsed = names.map((name) => {
    const dir = path.join(root, name);
    const info = parseDockerfile(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'));
    const optFile = path.join(dir, 'ops', 'build_options.txt');
    let options = DEFAULT_OPTIONS;
    if (fs.existsSync(optFile)) {
      const r = parseBuildOptions(fs.readFileSync(optFile, 'utf8'), path.relative(process.cwd(), optFile) || optFile);
      errors.push(...r.errors);
      options = r.options;
    }
    return { name, dir, info, options };
  });
  for (const p of parsed) {
    const deps = [...new Set(p.info.bases.map((b) => folderForImage(b, names, prefix)).filter((d): d is string => d !== undefined && d !== p.name))];
    const baseArg = p.info.takesBaseImage ? folderForImage(p.info.args.get('BASE_IMAGE') ?? '', names, prefix) : undefined;
    folders.set(p.name, { name: p.name, dir: p.dir, options: p.options, ...(baseArg !== undefined && baseArg !== p.name && { baseArg }), ...(p.info.bases[0] !== undefined && { from: p.info.bases[0] }), deps });
  }
  for (const f of folders.values()) {
    if (!fs.existsSync(path.join(f.dir, 'requirements.txt'))) continue;
    // Its own pins and those of the folders below it, nearest first.
    const constraints: string[] = [];
    for (let g: Folder | undefined = f, seen = 0; g !== undefined && seen < folders.size; g = g.baseArg !== undefined ? folders.get(g.baseArg) : undefined, seen++) {
      if (fs.existsSync(path.join(g.dir, 'constraints.txt'))) constraints.unshift(path.join(g.dir, 'constraints.txt'));
    }
    folders.set(f.name, { ...f, wheels: { name: f.name, requirements: [path.join(f.dir, 'requirements.txt')], constraints } });
  }
  return { folders, errors };
}

type Outcome = 'built' | 'skipped' | 'failed' | 'blocked' | 'off' | 'would';

interface Report {
  folder: string;
  image: string;
  build: Outcome;
  push: Outcome | 'not asked';
  note: string;
}

/** Downloads (or finds cached) the wheels of `spec` for the Python of `base` and serves them; a string is the error. */
function serveWheels(engine: Engine, spec: WheelSpec, base: string | undefined, cache: string, log: (msg: string) => void): Served | string {
  if (base === undefined) return 'requirements.txt needs a FROM image with python3 to download wheels for';
  const probe = runEngine(engine, ['run', '--rm', '--network', 'none', '--entrypoint', TARGET_PROBE.entrypoint, base, ...TARGET_PROBE.args], { timeoutMs: 600_000 });
  const target = parseTarget(probe.code === 0 ? probe.out : `exit ${probe.code}: ${probe.out}`);
  if (typeof target === 'string') return `${base}: ${target}`;
  try {
    const dir = ensureWheels(spec, target, cache, log);
    return serveDir(dir, portFor(wheelKey(spec, target)));
  } catch (err) {
    return (err as Error).message;
  }
}

/** Runs the whole thing and returns the exit code; logs to stderr, a summary to stdout. */
export function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): number {
  const log = (msg: string): void => {
    process.stderr.write(`images: ${msg}\n`);
  };
  const args = parseArgs(argv, env);
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_DONE;
  }
  if (typeof args === 'string') {
    process.stderr.write(`images: ${args}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const root = path.resolve(process.cwd(), args.root);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    process.stderr.write(`images: --root ${args.root}: no such directory\n`);
    return EXIT_USAGE;
  }
  const { folders, errors } = readFolders(root, args.prefix);
  const unknown = args.folders.filter((f) => !folders.has(f));
  if (unknown.length > 0) {
    process.stderr.write(`images: no image folder ${unknown.map((u) => JSON.stringify(u)).join(', ')} in ${args.root} (folders: ${[...folders.keys()].join(', ')})\n`);
    return EXIT_USAGE;
  }
  let order: string[];
  try {
    order = buildOrder(new Map([...folders].map(([k, f]) => [k, f.deps])));
  } catch (err) {
    errors.push((err as Error).message);
    order = [];
  }
  if (errors.length > 0) {
    for (const e of errors) log(`ERROR ${e}`);
    log('nothing was built: fix the problems above first');
    return EXIT_FAILED;
  }
  const selected = args.folders.length > 0 ? withBases(args.folders, new Map([...folders].map(([k, f]) => [k, f.deps]))) : new Set(order);

  const engine = detectEngine(args.engine);
  if (typeof engine === 'string') {
    log(`ERROR ${engine}`);
    return EXIT_FAILED;
  }
  log(`engine ${engine.command} (${engine.kind}); ${order.filter((f) => selected.has(f)).join(' -> ')}`);

  const hashes = new Map<string, string>();
  const failed = new Set<string>();
  const reports: Report[] = [];
  let didSomething = false;
  for (const name of order) {
    const f = folders.get(name)!;
    let hash: string;
    try {
      hash = folderHash(f.dir, f.options.inputs, f.deps.map((d) => hashes.get(d) ?? ''));
    } catch (err) {
      log(`ERROR ${name}: ${(err as Error).message}`);
      failed.add(name);
      if (selected.has(name)) reports.push({ folder: name, image: '', build: 'failed', push: 'not asked', note: (err as Error).message });
      continue;
    }
    hashes.set(name, hash);
    if (!selected.has(name)) continue;
    const image = `${args.prefix}${name}`;
    const tagged = `${image}:${hashTag(hash)}`;
    const report: Report = { folder: name, image: tagged, build: 'skipped', push: args.push ? 'skipped' : 'not asked', note: '' };
    reports.push(report);

    const blockedBy = f.deps.filter((d) => failed.has(d));
    if (blockedBy.length > 0) {
      report.build = 'blocked';
      report.push = args.push ? 'blocked' : 'not asked';
      report.note = `its base ${blockedBy.join(', ')} failed`;
      failed.add(name);
      continue;
    }
    if (!f.options.build) {
      report.build = 'off';
      report.note = 'build: false';
    } else if (hasLocalImage(engine, tagged)) {
      report.note = `${tagged} exists`;
      if (!args.dryRun) runEngine(engine, ['tag', tagged, `${image}:latest`]);
      log(`${name}: ${tagged} exists, build skipped`);
    } else if (args.dryRun) {
      report.build = 'would';
      report.note = 'dry run';
      didSomething = true;
      log(`${name}: would build ${tagged}`);
    } else {
      const started = Date.now();
      const buildArgs: string[] = [];
      let baseRef = f.from;
      if (f.baseArg !== undefined) {
        // The exact build of the base, not whatever :latest is; a base that is not built here: :latest.
        const b = folders.get(f.baseArg)!;
        baseRef = `${args.prefix}${b.name}:${b.options.build ? hashTag(hashes.get(b.name)!) : 'latest'}`;
        buildArgs.push('--build-arg', `BASE_IMAGE=${baseRef}`);
      }
      const context = path.resolve(f.dir, f.options.context);
      let served: Served | undefined;
      if (f.wheels) {
        const wheels = serveWheels(engine, f.wheels, baseRef, env['NBSTART_CACHE_DIR'] || path.join(REPO, '.cache'), log);
        if (typeof wheels === 'string') {
          report.build = 'failed';
          report.note = wheels;
          failed.add(name);
          log(`ERROR ${name}: ${wheels}`);
          if (args.push) report.push = 'blocked';
          continue;
        }
        served = wheels;
        buildArgs.push('--network', 'host', '--build-arg', `WHEELS=${served.url}`);
      }
      log(`${name}: building ${tagged}`);
      let r: { code: number };
      try {
        r = runEngine(engine, [
          'build', '-f', path.join(f.dir, 'Dockerfile'), ...buildArgs,
          '--label', `org.nbstart.images.hash=${hash}`, '-t', tagged, '-t', `${image}:latest`, context,
        ], { stream: true, timeoutMs: 3 * 3600_000 });
      } finally {
        served?.stop();
      }
      if (r.code !== 0) {
        report.build = 'failed';
        report.note = `${engine.command} build exited ${r.code}`;
        failed.add(name);
        log(`ERROR ${name}: ${engine.command} build exited ${r.code}`);
        if (args.push) report.push = 'blocked';
        continue;
      }
      report.build = 'built';
      didSomething = true;
      log(`${name}: built ${tagged} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    }

    if (!args.push) continue;
    if (!f.options.push) {
      report.push = 'off';
      continue;
    }
    if (!f.options.build && !hasLocalImage(engine, tagged)) {
      report.push = 'off';
      continue;
    }
    if (registryHas(engine, tagged)) {
      report.push = 'skipped';
      log(`${name}: the registry has ${tagged}, push skipped`);
      continue;
    }
    if (args.dryRun) {
      report.push = 'would';
      didSomething = true;
      log(`${name}: would push ${tagged} and ${image}:latest`);
      continue;
    }
    const pushed = [tagged, `${image}:latest`].every((ref) => {
      const r = runEngine(engine, ['push', ref], { stream: true, timeoutMs: 3 * 3600_000 });
      if (r.code !== 0) log(`ERROR ${name}: ${engine.command} push ${ref} exited ${r.code}`);
      return r.code === 0;
    });
    report.push = pushed ? 'built' : 'failed';
    if (pushed) {
      didSomething = true;
      log(`${name}: pushed ${tagged} and ${image}:latest`);
    } else failed.add(name);
  }

  for (const r of reports) {
    const push = r.push === 'built' ? 'pushed' : r.push;
    process.stdout.write(`${r.folder}\t${r.image}\tbuild=${r.build}\tpush=${push}${r.note ? `\t${r.note}` : ''}\n`);
  }
  if (failed.size > 0) return EXIT_FAILED;
  return didSomething ? EXIT_DONE : EXIT_NOTHING;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
