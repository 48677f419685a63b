// Headless Chromium on the host against a server on 127.0.0.1: a screenshot or the DOM after scripts
// ran. Every run gets a new empty profile and no network beyond what the page itself asks for.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions', '--hide-scrollbars', '--mute-audio',
];

/** The Chromium binary, or a message saying how to get it. */
export function chromiumPath(): string {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (fs.existsSync(p)) return p;
  throw new Error('chromium is not installed: run bash test/e2e/setup.sh (it installs Debian\'s chromium)');
}

function chromium(args: readonly string[]): string {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-chromium-'));
  try {
    // --virtual-time-budget lets require.js load the page's modules and nbextensions before the
    // capture; the timeout bounds the whole run.
    const r = spawnSync(chromiumPath(), [...FLAGS, `--user-data-dir=${profile}`, '--virtual-time-budget=15000', ...args], {
      encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`chromium exited ${r.status}: ${r.stderr.split('\n').filter((l) => !/dbus|Fontconfig/.test(l)).join('\n')}`);
    return r.stdout;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** Saves a PNG of `url` at `width`x`height` to `file`. */
export function screenshot(url: string, file: string, width = 1100, height = 500): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(file, { force: true });
  chromium([`--window-size=${width},${height}`, `--screenshot=${file}`, url]);
  if (!fs.existsSync(file)) throw new Error(`chromium wrote no screenshot to ${file}`);
}

/** The serialized DOM of `url` after its scripts ran. */
export function dumpDom(url: string): string {
  return chromium(['--dump-dom', url]);
}
