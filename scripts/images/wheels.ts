// Python wheels for image builds, fetched on the host and handed to the build over loopback HTTP.
//
// A build's own HTTPS to PyPI cannot be relied on (here the host's egress CA is not in the build's
// trust store; build farms behind a proxy are the same), so the host downloads every wheel an image
// folder needs with its own pip, for the image's Python, glibc and machine (asked of the image the
// install runs in), into .cache/wheels/<folder>-<key>/. The key hashes the requirement and
// constraint files and that target, so a changed pin downloads anew and an unchanged one never asks
// PyPI again. During the build the directory is served on 127.0.0.1 (serve-dir.ts) and the build,
// run with --network host, gets `--build-arg WHEELS=<url>`; the Dockerfile then installs with
// `pip install --no-index --find-links "$WHEELS"`, and without WHEELS straight from PyPI.
//
//   node scripts/images/wheels.ts lock FOLDER [BASE_FOLDER...]   # rewrite FOLDER/constraints.txt
//
// One place for this logic: scripts/images.ts, the e2e image builds (test/e2e/lib/podman.ts) and
// anything else that installs wheels offline (a host venv: `pip install --no-index --find-links DIR`).

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What pip must download for: the image's CPython version, glibc version and machine. */
export interface PythonTarget {
  readonly version: string;
  readonly glibc: string;
  readonly machine: string;
}

/** Debian 12 on this machine: the target of the e2e images and the default for `lock`. */
export const DEBIAN_12_TARGET: PythonTarget = { version: '3.11', glibc: '2.36', machine: os.arch() === 'arm64' ? 'aarch64' : 'x86_64' };

/** Entrypoint and arguments that print an image's PythonTarget (run it in the image pip installs in). */
export const TARGET_PROBE = {
  entrypoint: 'python3',
  args: ['-c', "import platform, sys; print('%d.%d' % sys.version_info[:2], platform.libc_ver()[1] or 'none', platform.machine())"],
} as const;

/** The files that decide a folder's wheels: what it installs, and every pin that applies to it. */
export interface WheelSpec {
  /** Short name for the cache directory and messages (the image folder's name). */
  readonly name: string;
  readonly requirements: readonly string[];
  /** The folder's own constraints.txt and those of the folders it builds on. */
  readonly constraints: readonly string[];
}

/** Parses TARGET_PROBE's output; a string says what is wrong. */
export function parseTarget(out: string): PythonTarget | string {
  const m = /^(3\.\d+) (\d+\.\d+|none) (\S+)$/m.exec(out.trim());
  if (!m) return `cannot tell the image's Python from ${JSON.stringify(out.trim().slice(0, 200))} (python3 missing?)`;
  if (m[2] === 'none') return 'the image\'s python3 is not linked against glibc (musl?): manylinux wheels do not fit it';
  return { version: m[1]!, glibc: m[2]!, machine: m[3]! };
}

/** pip's target options: only wheels, for that CPython and every manylinux tag its glibc accepts. */
export function pipTargetArgs(t: PythonTarget): string[] {
  const [major, minor] = t.glibc.split('.').map(Number) as [number, number];
  const platforms: string[] = [];
  // PEP 600 tags from this glibc down to 2.17 (older wheels also carry the manylinux2014 alias).
  for (let m = minor; major === 2 && m >= 17; m--) platforms.push(`manylinux_2_${m}_${t.machine}`);
  platforms.push(`manylinux2014_${t.machine}`);
  if (t.machine === 'x86_64' || t.machine === 'i686') platforms.push(`manylinux2010_${t.machine}`, `manylinux1_${t.machine}`);
  return [
    '--only-binary=:all:', '--python-version', t.version, '--implementation', 'cp', '--abi', `cp${t.version.replace('.', '')}`,
    ...platforms.flatMap((p) => ['--platform', p]),
  ];
}

/** The cache key: the files' lines without comments (a changed comment downloads nothing) and the target. */
export function wheelKey(spec: WheelSpec, t: PythonTarget): string {
  const h = createHash('sha256');
  h.update(`wheels v1\0${t.version} ${t.glibc} ${t.machine}\0`);
  for (const [kind, files] of [['requirements', spec.requirements], ['constraints', spec.constraints]] as const) {
    for (const f of files) h.update(`${kind}\0${readPins(fs.readFileSync(f, 'utf8')).join('\n')}\0`);
  }
  return h.digest('hex').slice(0, 16);
}

/** pip on the host: $NBSTART_PIP (words), else `python3 -m pip`, else pip3. */
export function hostPip(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  if (env['NBSTART_PIP']) return env['NBSTART_PIP'].split(/\s+/).filter((w) => w !== '');
  for (const cmd of [['python3', '-m', 'pip'], ['pip3']]) {
    const r = spawnSync(cmd[0]!, [...cmd.slice(1), '--version'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return cmd;
  }
  throw new Error('pip is needed on the host to download wheels for the images: apt-get install python3-pip (or set NBSTART_PIP)');
}

function fileArgs(spec: WheelSpec): string[] {
  return [...spec.requirements.flatMap((f) => ['-r', f]), ...spec.constraints.flatMap((f) => ['-c', f])];
}

/**
 * The directory holding every wheel `spec` needs for `t`, downloaded into `cacheDir` unless a
 * complete one is there. Built in a temporary directory and renamed into place, so a cut-off
 * download is never taken for a complete one; older directories of the same name are removed.
 */
export function ensureWheels(spec: WheelSpec, t: PythonTarget, cacheDir: string, log: (msg: string) => void = () => {}): string {
  const root = path.join(cacheDir, 'wheels');
  const dir = path.join(root, `${spec.name}-${wheelKey(spec, t)}`);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.mkdirSync(root, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  const pip = hostPip();
  const started = Date.now();
  log(`wheels for ${spec.name}: pip download for Python ${t.version}, glibc ${t.glibc}, ${t.machine} into ${path.relative(process.cwd(), dir) || dir}`);
  const r = spawnSync(pip[0]!, [...pip.slice(1), 'download', '--quiet', '--disable-pip-version-check', '--dest', tmp, ...pipTargetArgs(t), ...fileArgs(spec)], {
    encoding: 'utf8', timeout: 45 * 60_000, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`pip download for ${spec.name} failed (exit ${r.status ?? r.signal}); it needs PyPI from this host:\n${out}`);
  }
  const wheels = fs.readdirSync(tmp).filter((n) => n.endsWith('.whl'));
  fs.writeFileSync(path.join(tmp, '.complete'), `${JSON.stringify({ target: t, wheels: wheels.length, seconds: (Date.now() - started) / 1000 })}\n`);
  try {
    fs.renameSync(tmp, dir);
  } catch (err) {
    // Another run finished the same set first: theirs is as good.
    if (!fs.existsSync(path.join(dir, '.complete'))) throw err;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  for (const old of fs.readdirSync(root)) {
    if (old.startsWith(`${spec.name}-`) && !old.includes('.tmp-') && path.join(root, old) !== dir && /^[0-9a-f]{16}$/.test(old.slice(spec.name.length + 1))) {
      fs.rmSync(path.join(root, old), { recursive: true, force: true });
    }
  }
  log(`wheels for ${spec.name}: ${wheels.length} wheels in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return dir;
}

export interface Served {
  /** http://127.0.0.1:PORT/ : an index of the directory's files, for pip --find-links. */
  readonly url: string;
  stop(): void;
}

/** Blocks this thread for `ms` (the synchronous waits of the e2e set-up). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Serves `dir` on 127.0.0.1 from a child process (so that a synchronous build can use it), on
 * `preferredPort` when free; the child exits on stop() or once this process is gone.
 */
export function serveDir(dir: string, preferredPort = 0): Served {
  const portFile = path.join(os.tmpdir(), `nbstart-serve-${process.pid}-${Date.now()}.port`);
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'serve-dir.ts'), dir, String(process.pid), String(preferredPort), portFile], {
    detached: true, stdio: 'ignore',
  });
  child.unref();
  // Bounded: 10 s for the child to start listening.
  for (let i = 0; i < 400; i++) {
    const text = fs.existsSync(portFile) ? fs.readFileSync(portFile, 'utf8') : '';
    if (text.endsWith('\n')) {
      fs.rmSync(portFile, { force: true });
      const port = Number(text.trim());
      if (!Number.isInteger(port) || port <= 0) throw new Error(`serving ${dir} failed: ${text.trim()}`);
      return {
        url: `http://127.0.0.1:${port}/`,
        stop: () => {
          try {
            process.kill(child.pid!, 'SIGTERM');
          } catch {
            // already gone
          }
        },
      };
    }
    sleepSync(25);
  }
  try {
    process.kill(child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  throw new Error(`serving ${dir}: the server did not start within 10 s`);
}

/** A port for a key, so that repeated builds of the same set pass the same WHEELS (layer cache). */
export function portFor(key: string): number {
  return 20_000 + (parseInt(key.slice(0, 6), 16) % 20_000);
}

/** The pip specs (`name==version`) of a `pip install --report` file, sorted by name. */
export function pinsFromReport(report: string): string[] {
  const r = JSON.parse(report) as { install: { metadata: { name: string; version: string } }[] };
  const norm = (n: string): string => n.toLowerCase().replace(/[-_.]+/g, '-');
  return r.install.map((i) => `${norm(i.metadata.name)}==${i.metadata.version}`).sort();
}

/** The `name==version` lines of a constraints file (comments and blanks left out). */
export function readPins(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '');
}

/**
 * Resolves FOLDER/requirements.txt for `t` against the constraints of its bases (without
 * downloading wheels, from PyPI's metadata) and writes FOLDER/constraints.txt: every package the
 * folder adds, pinned; those its bases pin are left to them.
 */
export function lock(folder: string, bases: readonly string[], t: PythonTarget = DEBIAN_12_TARGET): string[] {
  const pip = hostPip();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-lock-'));
  try {
    const baseConstraints = bases.map((b) => path.join(b, 'constraints.txt'));
    const spec: WheelSpec = { name: path.basename(folder), requirements: [path.join(folder, 'requirements.txt')], constraints: baseConstraints };
    const report = path.join(tmp, 'report.json');
    const r = spawnSync(pip[0]!, [...pip.slice(1), 'install', '--quiet', '--disable-pip-version-check', '--dry-run', '--ignore-installed',
      '--target', path.join(tmp, 'target'), '--report', report, ...pipTargetArgs(t), ...fileArgs(spec)], { encoding: 'utf8', timeout: 30 * 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`pip could not resolve ${folder}/requirements.txt:\n${r.stdout}${r.stderr}`);
    const inBases = new Set(baseConstraints.flatMap((f) => readPins(fs.readFileSync(f, 'utf8'))));
    const pins = pinsFromReport(fs.readFileSync(report, 'utf8')).filter((p) => !inBases.has(p));
    const header = [
      `# Every package ${path.basename(folder)} installs, pinned: the versions its image is built with.`,
      `# Made by: node scripts/images/wheels.ts lock ${[folder, ...bases].map((f) => path.relative(process.cwd(), f) || f).join(' ')}`,
      `# for CPython ${t.version}, glibc ${t.glibc}, ${t.machine}${bases.length > 0 ? `; what ${bases.map((b) => path.basename(b)).join(', ')} pins is left to it` : ''}.`,
    ];
    fs.writeFileSync(path.join(folder, 'constraints.txt'), `${[...header, ...pins].join('\n')}\n`);
    return pins;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const [cmd, folder, ...bases] = process.argv.slice(2);
  if (cmd !== 'lock' || folder === undefined) {
    process.stderr.write('usage: node scripts/images/wheels.ts lock FOLDER [BASE_FOLDER...]\n');
    process.exit(2);
  }
  const pins = lock(path.resolve(folder), bases.map((b) => path.resolve(b)));
  process.stdout.write(`${path.join(folder, 'constraints.txt')}: ${pins.length} pins\n`);
}
