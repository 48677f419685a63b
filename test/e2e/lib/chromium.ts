// Headless Chromium (Debian's /usr/bin/chromium) on the host against a server on 127.0.0.1, driven
// with playwright-core over the DevTools protocol: JupyterLab and Notebook 7 build their page in the
// browser from many modules loaded one after another, so a test waits for what it looks for (an
// element, or the app's shell when it checks that something is absent) instead of guessing a time
// budget, then reads the DOM and takes a screenshot. Each page gets a fresh, empty browser context.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The Chromium binary, or a message saying how to get it. */
export function chromiumPath(): string {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (fs.existsSync(p)) return p;
  throw new Error('chromium is not installed: run bash test/e2e/setup.sh (it installs Debian\'s chromium)');
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--hide-scrollbars', '--mute-audio'];

/** Starts the browser (bounded start); close it with `browser.close()`. */
export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ARGS, timeout: 60_000 });
}

export interface Visit<T> {
  /** What `inspect` returned. */
  readonly result: T;
  /** Where the screenshot went. */
  readonly file: string;
}

/**
 * Opens `url` at 1200x600 in a new context, waits up to 60 s for `ready` (a CSS selector) to be visible, runs
 * `inspect` in the page, saves a screenshot to `file` and closes the context.
 */
export async function visit<T>(browser: Browser, url: string, ready: string, file: string, inspect: (page: Page) => Promise<T>): Promise<Visit<T>> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 600 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(url);
    await page.waitForSelector(ready, { state: 'visible' });
    const result = await inspect(page);
    // Two animation frames: what the DOM has now is painted before the screenshot.
    await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file });
    return { result, file };
  } finally {
    await context.close();
  }
}
