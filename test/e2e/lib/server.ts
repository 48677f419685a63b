// A notebook server in a container on the host's loopback (--network host, 127.0.0.1 only), for
// tests that talk to it over HTTP and websockets or point a browser at it.

import { randomBytes } from 'node:crypto';
import { freePort } from './net.ts';
import { podman, podmanOk, type Result } from './podman.ts';

export { freePort };

export interface Server {
  readonly name: string;
  readonly base: string;
  readonly port: number;
  readonly token: string;
  /** GET `path` (token in the Authorization header); throws on a non-2xx status. */
  get(path: string): Promise<string>;
  /** Any request with the token in the Authorization header. */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }>;
  /** `podman exec` in the server's container. */
  exec(args: readonly string[], user?: string): Result;
  logs(): string;
  stop(): void;
}

export interface ServerSpec {
  readonly image: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly user?: string;
  /** The command; default: the image's start-notebook.py. Server options are appended to it. */
  readonly command?: readonly string[];
  /** Extra `podman run` options (volumes). */
  readonly extra?: readonly string[];
}

/** Starts a Jupyter server as root-started nbstart would, and waits until its API answers. */
export async function startServer(spec: ServerSpec): Promise<Server> {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const name = `nbstart-e2e-${process.env['NBSTART_E2E_TAG'] || 'test'}-${process.pid}-${port}`;
  const args = ['run', '-d', '--pull=never', '--name', name, '--network', 'host', '--user', spec.user ?? 'root'];
  for (const [k, v] of Object.entries(spec.env ?? {})) args.push('-e', `${k}=${v}`);
  args.push(...(spec.extra ?? []), spec.image, ...(spec.command ?? ['start-notebook.py']),
    '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0', `--IdentityProvider.token=${token}`);
  podmanOk(args);
  const base = `http://127.0.0.1:${port}`;
  const logs = (): string => {
    const r: Result = podman(['logs', name]);
    return `${r.stdout}${r.stderr}`;
  };
  const stop = (): void => {
    podman(['rm', '-f', '-t', '2', name]);
  };
  const exec = (cmd: readonly string[], user?: string): Result => podman(['exec', ...(user ? ['--user', user] : []), name, ...cmd]);
  const request = async (method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `token ${token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: r.status, text: await r.text() };
  };
  const get = async (path: string): Promise<string> => {
    const r = await request('GET', path);
    if (r.status < 200 || r.status > 299) throw new Error(`GET ${path}: HTTP ${r.status}\n${r.text.slice(0, 500)}`);
    return r.text;
  };
  // Bounded: 240 tries, 250 ms apart. No --rm, so the logs of a server that died can be shown.
  for (let i = 0; i < 240; i++) {
    try {
      await get('/api/status');
      return { name, base, port, token, get, request, exec, logs, stop };
    } catch {
      if (podman(['inspect', '--format', '{{.State.Running}}', name]).stdout.trim() !== 'true') break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const out = logs();
  stop();
  throw new Error(`the notebook server in ${spec.image} did not answer on ${base}\n${out}`);
}
