// A notebook server in a container on the host's loopback (--network host, 127.0.0.1 only), for
// tests that talk to it over HTTP or point a browser at it.

import * as net from 'node:net';
import { podman, podmanOk, type Result } from './podman.ts';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Server {
  readonly name: string;
  readonly base: string;
  readonly token: string;
  /** GET `path` (token added); throws on a non-2xx status. */
  get(path: string): Promise<string>;
  /** Any request with the token in the Authorization header. */
  request(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }>;
  logs(): string;
  stop(): void;
}

export interface ServerSpec {
  readonly image: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly user?: string;
  /** Server command before --ip/--port/--no-browser/token options. */
  readonly command?: readonly string[];
}

/** Starts the classic notebook server as root-started nbstart would, and waits until it answers. */
export async function startServer(spec: ServerSpec): Promise<Server> {
  const port = await freePort();
  const token = `t${Math.random().toString(36).slice(2)}`;
  const name = `nbstart-e2e-${process.pid}-${port}`;
  const args = ['run', '-d', '--pull=never', '--name', name, '--network', 'host', '--user', spec.user ?? 'root'];
  for (const [k, v] of Object.entries(spec.env ?? {})) args.push('-e', `${k}=${v}`);
  args.push(spec.image, ...(spec.command ?? ['python3', '-m', 'notebook']),
    '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', '--no-browser', `--NotebookApp.token=${token}`);
  podmanOk(args);
  const base = `http://127.0.0.1:${port}`;
  const logs = (): string => {
    const r: Result = podman(['logs', name]);
    return `${r.stdout}${r.stderr}`;
  };
  const stop = (): void => {
    podman(['rm', '-f', '-t', '2', name]);
  };
  const request = async (method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `token ${token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: r.status, text: await r.text() };
  };
  const get = async (path: string): Promise<string> => {
    const r = await request('GET', path);
    if (r.status < 200 || r.status > 299) throw new Error(`GET ${path}: HTTP ${r.status}\n${r.text.slice(0, 500)}`);
    return r.text;
  };
  // Bounded: 120 tries, 250 ms apart. No --rm, so the logs of a server that died can be shown.
  for (let i = 0; i < 120; i++) {
    try {
      await get('/api/status');
      return { name, base, token, get, request, logs, stop };
    } catch {
      if (podman(['inspect', '--format', '{{.State.Running}}', name]).stdout.trim() !== 'true') break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const out = logs();
  stop();
  throw new Error(`the notebook server in ${spec.image} did not answer on ${base}\n${out}`);
}
