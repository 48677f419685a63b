// Builds the nbstart-label JupyterLab extension (shim-layer/labextension/) into
// dist/labextension/nbstart-label/, a prebuilt (federated) extension that the foundation and the shim
// layer copy to /usr/local/share/jupyter/labextensions/nbstart-label/.
//
//   node scripts/labextension.ts        (part of `npm run build`)
//
// Built on the host with npm (a build container cannot reach the npm registry over HTTPS here), in
// .cache/labextension/work/: `npm ci` there only when package-lock.json changed, then tsc and
// @jupyterlab/builder's build-labextension. Nothing is done when dist/ already holds the build of
// the same sources (dist/labextension/nbstart-label.source names their hash).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '..');
export const SOURCE = path.join(REPO, 'shim-layer', 'labextension');
export const OUTPUT = path.join(REPO, 'dist', 'labextension', 'nbstart-label');
const WORK = path.join(REPO, '.cache', 'labextension', 'work');
/** What the build reads: everything in SOURCE but build products and installed modules. */
const SKIP = new Set(['node_modules', 'lib', 'out']);

function sourceFiles(dir = SOURCE, rel = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => !(rel === '' && SKIP.has(e.name))).sort((a, b) => a.name.localeCompare(b.name)).flatMap((e) => {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    return e.isDirectory() ? sourceFiles(path.join(dir, e.name), r) : [r];
  });
}

function hashOf(files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f}\0`).update(fs.readFileSync(path.join(SOURCE, f))).update('\0');
  return h.digest('hex').slice(0, 16);
}

function run(cmd: string, args: readonly string[], what: string): void {
  const r = spawnSync(cmd, args, { cwd: WORK, encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal ?? r.error?.message}):\n${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-20).join('\n')}`);
}

/** npm as the calling npm runs it (npm_execpath under `npm run`), else the one on PATH. */
function npm(): [string, string[]] {
  const cli = process.env['npm_execpath'];
  return cli && cli.endsWith('.js') ? [process.execPath, [cli]] : ['npm', []];
}

/** Builds the extension unless dist/ has this source's build; returns the output directory. */
export function buildLabextension(log: (msg: string) => void = () => {}): string {
  const files = sourceFiles();
  const hash = hashOf(files);
  const stamp = `${OUTPUT}.source`;
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === hash && fs.existsSync(path.join(OUTPUT, 'package.json'))) return OUTPUT;
  const started = Date.now();
  fs.mkdirSync(WORK, { recursive: true });
  for (const e of fs.readdirSync(WORK)) if (e !== 'node_modules' && e !== '.deps') fs.rmSync(path.join(WORK, e), { recursive: true, force: true });
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(WORK, f)), { recursive: true });
    fs.copyFileSync(path.join(SOURCE, f), path.join(WORK, f));
  }
  const [npmCmd, npmArgs] = npm();
  const deps = hashOf(['package.json', 'package-lock.json']);
  const depsFile = path.join(WORK, '.deps');
  if (!fs.existsSync(depsFile) || fs.readFileSync(depsFile, 'utf8').trim() !== deps) {
    log('labextension: npm ci (JupyterLab builder and the @jupyterlab packages the extension is typed against)');
    fs.rmSync(depsFile, { force: true });
    run(npmCmd, [...npmArgs, 'ci', '--ignore-scripts', '--no-audit', '--no-fund'], 'npm ci for the labextension');
    fs.writeFileSync(depsFile, `${deps}\n`);
  }
  run(npmCmd, [...npmArgs, 'run', 'build'], 'building the labextension (tsc, build-labextension)');
  const built = path.join(WORK, 'out', 'nbstart-label');
  const tmp = `${OUTPUT}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.cpSync(built, tmp, { recursive: true });
  fs.rmSync(OUTPUT, { recursive: true, force: true });
  fs.renameSync(tmp, OUTPUT);
  fs.writeFileSync(stamp, `${hash}\n`);
  log(`labextension: built ${path.relative(REPO, OUTPUT)} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return OUTPUT;
}

if (import.meta.main) {
  try {
    buildLabextension((m) => process.stdout.write(`build: ${m}\n`));
  } catch (err) {
    process.stderr.write(`build: error: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
