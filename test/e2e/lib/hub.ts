// A real JupyterHub (the venv of hub/requirements.txt, scripts/hub-venv.ts) on 127.0.0.1, with
// configurable-http-proxy from npm, started from a test's config file, stopped by its process group;
// and a small browser (cookie jar, redirects by hand) that logs people in as theirs would.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { freePort } from './net.ts';
import { REPO } from './podman.ts';

export const HUB_VENV = path.join(REPO, '.cache', 'hub-venv');
export const SECOND = 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 250 ms until it gives a value, for at most `ms`; a throw ends the wait. */
export async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined> | T | undefined, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / SECOND}s waiting for ${what}\n${context()}`);
    await sleep(250);
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/**
 * One HTTP request on a connection of its own (no keep-alive: configurable-http-proxy closes idle
 * connections, and a reused one can be gone by the time it is used), bounded to 30 s.
 */
export function httpRequest(url: string, init: { method?: string; headers?: Record<string, string | number>; body?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(url), {
      method: init.method ?? 'GET', agent: false,
      headers: { ...init.headers, ...(init.body !== undefined && { 'Content-Length': Buffer.byteLength(init.body) }) },
      timeout: 30 * SECOND,
    }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (d: string) => (text += d));
      r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, text }));
      r.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

export interface Hub {
  /** http://127.0.0.1:PORT: the proxy, where people and the API come in. */
  readonly url: string;
  readonly hubPort: number;
  readonly dir: string;
  readonly serviceToken: string;
  /** The hub's log so far (the hub's and the proxy's output). */
  log(): string;
  /** The last `lines` of the log, for assertion messages. */
  tail(lines?: number): string;
  /** A REST API request as the test's service (admin:users, admin:servers, access:servers). */
  api(method: string, route: string, body?: unknown): Promise<HttpAnswer>;
  /** Starts `name`'s server through the API and waits until it is ready; returns the user model. */
  startServer(name: string, timeoutMs?: number): Promise<void>;
  stopServer(name: string): Promise<void>;
  /** SIGTERM to the hub's process group (the proxy with it), SIGKILL after 20 s. */
  stop(): Promise<void>;
}

export interface HubSpec {
  /** The test's jupyterhub_config.py (it loads the recipe and sets what is the site's). */
  readonly config: string;
  /** Working directory: sqlite database, cookie secret, log. */
  readonly dir: string;
  readonly env?: Readonly<Record<string, string>>;
  /** More environment from the hub's public URL once its port is chosen (OAUTH_CALLBACK_URL). */
  readonly callbackEnv?: (url: string) => Readonly<Record<string, string>>;
}

/**
 * Starts the hub and waits until it answers through the proxy. The config gets its ports and the
 * service token in NBSTART_E2E_* variables (test/e2e/hub/common.py reads them).
 */
export async function startHub(spec: HubSpec): Promise<Hub> {
  if (!fs.existsSync(path.join(HUB_VENV, 'bin', 'jupyterhub'))) throw new Error(`${HUB_VENV} is missing: run bash test/e2e/setup.sh`);
  const [proxyPort, hubPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const url = `http://127.0.0.1:${proxyPort}`;
  const serviceToken = randomBytes(32).toString('hex');
  const logPath = path.join(spec.dir, 'hub.log');
  const logFd = fs.openSync(logPath, 'a');
  const child: ChildProcess = spawn(path.join(HUB_VENV, 'bin', 'jupyterhub'), ['--config', spec.config], {
    cwd: spec.dir,
    // Its own process group, so that the proxy it starts goes down with it.
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: {
      // The venv's programs, then node_modules/.bin: configurable-http-proxy and the node it runs on.
      PATH: `${path.join(HUB_VENV, 'bin')}:${path.join(REPO, 'node_modules', '.bin')}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: spec.dir,
      LANG: 'C.UTF-8',
      PYTHONDONTWRITEBYTECODE: '1', // no __pycache__ in hub/ from importing nbstart_hub
      JUPYTERHUB_CRYPT_KEY: randomBytes(32).toString('hex'),
      CONFIGPROXY_AUTH_TOKEN: randomBytes(32).toString('hex'),
      NBSTART_E2E_DIR: spec.dir,
      NBSTART_E2E_PROXY_PORT: String(proxyPort),
      NBSTART_E2E_HUB_PORT: String(hubPort),
      NBSTART_E2E_PROXY_API_PORT: String(apiPort),
      NBSTART_E2E_SERVICE_TOKEN: serviceToken,
      ...spec.env,
      ...spec.callbackEnv?.(url),
    },
  });
  fs.closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const log = (): string => {
    try {
      return fs.readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };
  // The test's own API requests (its polling) are left out: they would crowd out what matters.
  const tail = (lines = 60): string => `--- hub log (last ${lines} lines but the test's API requests)\n${log().split('\n').filter((l) => !/ \(e2e@127\.0\.0\.1\) /.test(l)).slice(-lines).join('\n')}`;
  const api = (method: string, route: string, body?: unknown): Promise<HttpAnswer> => httpRequest(`${url}/hub/api${route}`, {
    method,
    headers: { Authorization: `token ${serviceToken}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const serverModel = async (name: string): Promise<{ ready: boolean; pending: string | null } | undefined> => {
    const r = await api('GET', `/users/${encodeURIComponent(name)}`);
    if (r.status !== 200) throw new Error(`GET /users/${name}: HTTP ${r.status}`);
    return (JSON.parse(r.text) as { servers: Record<string, { ready: boolean; pending: string | null }> }).servers[''];
  };
  const hub: Hub = {
    url, hubPort, dir: spec.dir, serviceToken, log, tail, api,
    async startServer(name, timeoutMs = 120 * SECOND) {
      const started = await api('POST', `/users/${encodeURIComponent(name)}/server`);
      if (![201, 202].includes(started.status)) throw new Error(`POST /users/${name}/server: HTTP ${started.status} ${started.text}\n${tail()}`);
      await waitFor(`${name}'s server to be ready`, timeoutMs, async () => {
        const s = await serverModel(name);
        if (s && !s.ready && s.pending === null) throw new Error(`${name}'s server stopped\n${tail()}`);
        if (s === undefined && started.status === 201) throw new Error(`${name}'s server is gone\n${tail()}`);
        return s?.ready ? true : undefined;
      }, tail);
    },
    async stopServer(name) {
      const r = await api('DELETE', `/users/${encodeURIComponent(name)}/server`);
      if (![202, 204].includes(r.status)) throw new Error(`DELETE /users/${name}/server: HTTP ${r.status}\n${tail()}`);
      await waitFor(`${name}'s server to stop`, 60 * SECOND, async () => ((await serverModel(name)) === undefined ? true : undefined), tail);
    },
    async stop() {
      if (child.pid === undefined || child.exitCode !== null) return;
      // The hub stops its servers (cleanup_servers) and its proxy on SIGTERM.
      process.kill(-child.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 20 * SECOND)))]);
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
  await waitFor('the hub to answer through the proxy', 90 * SECOND, async () => {
    if (child.exitCode !== null) throw new Error(`the hub exited ${child.exitCode}\n${tail()}`);
    const r = await httpRequest(`${url}/hub/api/`).catch(() => undefined);
    return r?.status === 200 ? true : undefined;
  }, tail);
  return hub;
}

/** What a browser keeps: cookies per host:port (enough for the hub and the GitHub stand-in). */
export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  /** The cookie `name` set by `origin`, if any. */
  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(new URL(origin).host)?.get(name);
  }

  /**
   * One request, cookies sent and kept, no redirect followed. Through node:http, not fetch: fetch
   * sends Sec-Fetch-Mode: cors and may not be told otherwise, and JupyterHub sets its _xsrf cookie
   * only for page navigations, as a browser's Sec-Fetch-Mode: navigate says.
   */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; location?: string; text: string }> {
    const u = new URL(url);
    const cookies = [...(this.jar.get(u.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    const res = await httpRequest(url, {
      method: init.method ?? (body !== undefined ? 'POST' : 'GET'),
      headers: {
        'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Site': 'same-origin', Accept: 'text/html',
        ...(cookies && { Cookie: cookies }),
        ...(body !== undefined && { 'Content-Type': 'application/x-www-form-urlencoded' }),
      },
      ...(body !== undefined && { body }),
    });
    for (const line of res.headers['set-cookie'] ?? []) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const jar = this.jar.get(u.host) ?? new Map<string, string>();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\b/i.test(a));
      if (expired || value === '' || value === '""') jar.delete(name);
      else jar.set(name, value);
      this.jar.set(u.host, jar);
    }
    return { status: res.status, ...(res.headers.location !== undefined && { location: new URL(res.headers.location, u).href }), text: res.text };
  }

  /**
   * Logs in through the hub's login form as a browser does: GET the form (JupyterHub 5 sets an
   * _xsrf cookie and puts the token in the form), then POST it. The answer: 302 away from the
   * login page when the authenticator took the person, 403 and the form again when not. The
   * redirect is not followed (it would start the server; the tests do that through the API).
   */
  async loginForm(hub: string, username: string, password: string): Promise<{ status: number; location?: string; text: string }> {
    const form = await this.request(`${hub}/hub/login`);
    const html = form.text;
    const xsrf = /name="_xsrf" value="([^"]+)"/.exec(html)?.[1];
    if (!xsrf) throw new Error(`no _xsrf in the login form (HTTP ${form.status})`);
    return this.request(`${hub}/hub/login?next=`, { form: { _xsrf: xsrf, username, password } });
  }
}
