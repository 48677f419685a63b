// Makes .cache/hub-venv: a venv of Debian's python3 holding the hub stack the recipes configure
// (hub/requirements.txt at the pins of hub/constraints.txt and docker-stacks/base-notebook's, so the
// hub runs the JupyterHub the single-user image has). The wheels come from scripts/images/wheels.ts
// (downloaded once on the host into .cache/wheels/hub-<key>/), the venv is .cache/hub-venv-<key>/
// with .cache/hub-venv linking to it: a changed pin makes a new one, an unchanged one is reused.
//
//   node scripts/hub-venv.ts        # prints the venv's path; test/e2e/setup.sh and npm run test:hub call it
//
// Run under test/e2e/setup.sh's lock (flock .cache/setup.lock) when runs may overlap.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureWheels, parseTarget, TARGET_PROBE, wheelKey, type WheelSpec } from './images/wheels.ts';

const REPO = path.resolve(import.meta.dirname, '..');
/** Debian's python3 (python3-venv): the same on every Debian 12 machine, whatever else is on PATH. */
export const HUB_PYTHON = '/usr/bin/python3';
export const HUB_WHEELS: WheelSpec = {
  name: 'hub',
  requirements: [path.join(REPO, 'hub/requirements.txt')],
  constraints: [path.join(REPO, 'docker-stacks/base-notebook/constraints.txt'), path.join(REPO, 'hub/constraints.txt')],
};
/** The stable path of the current venv (a link to .cache/hub-venv-<key>). */
export const HUB_VENV = path.join(REPO, '.cache', 'hub-venv');

function run(cmd: string, args: readonly string[], what: string, timeoutMs: number): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${what} failed (exit ${r.status ?? r.signal}):\n${out}`);
  }
  return r.stdout;
}

/** The venv's directory, made when missing; `log` hears what takes time. */
export function ensureHubVenv(log: (msg: string) => void = () => {}): string {
  const cache = path.join(REPO, '.cache');
  const target = parseTarget(run(HUB_PYTHON, TARGET_PROBE.args.slice(), `${HUB_PYTHON} (the venv's interpreter)`, 60_000));
  if (typeof target === 'string') throw new Error(`${HUB_PYTHON}: ${target}`);
  const name = `hub-venv-${wheelKey(HUB_WHEELS, target)}`;
  const dir = path.join(cache, name);
  if (!fs.existsSync(path.join(dir, '.complete'))) {
    const wheels = ensureWheels(HUB_WHEELS, target, cache, log);
    const started = Date.now();
    // A venv is not relocatable (its scripts name its path): it is made in place, and .complete
    // marks it whole; a cut-off one is removed and made again.
    fs.rmSync(dir, { recursive: true, force: true });
    run(HUB_PYTHON, ['-m', 'venv', dir], `${HUB_PYTHON} -m venv (apt-get install python3-venv)`, 120_000);
    const files = [...HUB_WHEELS.requirements.flatMap((f) => ['-r', f]), ...HUB_WHEELS.constraints.flatMap((f) => ['-c', f])];
    run(path.join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-index', '--find-links', wheels, ...files],
      'pip install of the hub stack into the venv', 20 * 60_000);
    fs.writeFileSync(path.join(dir, '.complete'), `${JSON.stringify({ seconds: (Date.now() - started) / 1000 })}\n`);
    log(`hub venv: ${path.relative(REPO, dir)} made in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  // Point .cache/hub-venv at it (a rename replaces the link in one step) and drop older venvs.
  const tmp = `${HUB_VENV}.tmp-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(name, tmp);
  fs.renameSync(tmp, HUB_VENV);
  for (const old of fs.readdirSync(cache)) {
    if (/^hub-venv-[0-9a-f]{16}$/.test(old) && old !== name) fs.rmSync(path.join(cache, old), { recursive: true, force: true });
  }
  return dir;
}

if (import.meta.main) {
  const dir = ensureHubVenv((m) => process.stderr.write(`hub-venv: ${m}\n`));
  process.stdout.write(`${dir}\n`);
}
