// Loopback helpers for tests and the demo.

import * as net from 'node:net';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The version a Jupyter server reports at `api` (…/api), polled for up to 30 s; undefined if none answered. */
export async function jupyterVersion(api: string): Promise<string | undefined> {
  for (let i = 0; i < 150; i++) {
    try {
      return ((await (await fetch(api)).json()) as { version: string }).version;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return undefined;
}
