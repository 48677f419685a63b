// Enough of the Kubernetes API for KubeSpawner on 127.0.0.1 (there is no cluster here), which runs
// the pods it is asked for with `podman kube play`: what KubeSpawner and nbstart_hub.kubespawner_hook
// send is kept exactly as sent (the test reads it back), and what podman runs is that Pod with the
// few changes podman 4.3 needs, each listed in KUBE_PLAY_CHANGES (the kubelet's part in them, the
// Secret's files, is done here as the kubelet does it).
//   GET    /api/v1/namespaces/NS/{pods,events,secrets}[?watch=1]   list, or watch (JSON lines)
//   GET    /api/v1/namespaces/NS/{pods,secrets}/NAME
//   POST   /api/v1/namespaces/NS/{pods,secrets}                    create (409 when it exists)
//   DELETE /api/v1/namespaces/NS/{pods,secrets}/NAME               delete (404 when it does not)
// A pod is Pending until its container runs, then Running with podIP 127.0.0.1 (it uses the host's
// network) and ready; a deleted pod is taken down with podman and reported DELETED.

import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { podmanAsync, type Result } from './podman.ts';

/** What the test hands podman differently from what KubeSpawner asked for, and why. */
export const KUBE_PLAY_CHANGES = [
  'the pod\'s name gets a prefix: podman\'s pod and container names are machine-wide',
  'a secret volume becomes a hostPath directory holding the Secret\'s files, owned by root with its defaultMode, as the kubelet writes them: podman 4.3 crashes on a secret volume without optional (podman#16636), writes data values still base64-encoded and ignores stringData',
  'a hostPath mount with a subPath that ends its mountPath is mounted one level up (the same files at the same place): podman 4.3 ignores subPath',
  'with hostNetwork, containers\' ports are left out: podman 4.3 refuses port mappings on the host network (for Kubernetes they only inform)',
] as const;

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Watcher {
  readonly kind: string;
  readonly ns: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly res: http.ServerResponse;
}

export interface KubeApi {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** A kubeconfig file pointing at it (for KUBECONFIG). */
  readonly kubeconfig: string;
  /** Objects as they were sent, by "kind/ns/name" (kind: pods, secrets). */
  readonly sent: ReadonlyMap<string, Obj>;
  /** Requests seen, "METHOD path". */
  readonly requests: readonly string[];
  /** What the stand-in did with podman, and the pods' phases: for assertion messages. */
  log(): string;
  /** The podman name of a pod's container (`notebook` in KubeSpawner's pods). */
  containerName(pod: string, container?: string): string;
  close(): Promise<void>;
}

/** What podman printed, both streams: for the events and the failure messages. */
const printed = (r: Result): string => `${r.stdout}${r.stderr}`;

const parseLabels = (selector: string | null): Record<string, string> =>
  Object.fromEntries((selector ?? '').split(',').filter((s) => s.includes('=')).map((s) => s.split('=', 2) as [string, string]));
const matches = (o: Obj, labels: Readonly<Record<string, string>>): boolean =>
  Object.entries(labels).every(([k, v]) => o['metadata']?.['labels']?.[k] === v);

/** Starts the API; `prefix` names what podman runs, `dir` holds the YAML handed to podman. */
export async function startKubeApi(prefix: string, dir: string): Promise<KubeApi> {
  const store = new Map<string, Obj>(); // "kind/ns/name" -> object as the API returns it
  const sent = new Map<string, Obj>();
  const requests: string[] = [];
  const watchers = new Set<Watcher>();
  const events: string[] = [];
  let version = 1;
  const podmanName = (name: string): string => `${prefix}-${name}`;

  const notify = (kind: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', o: Obj): void => {
    for (const w of watchers) {
      if (w.kind === kind && w.ns === o['metadata']['namespace'] && matches(o, w.labels)) w.res.write(`${JSON.stringify({ type, object: o })}\n`);
    }
  };
  const put = (kind: string, o: Obj, type: 'ADDED' | 'MODIFIED'): void => {
    o['metadata']['resourceVersion'] = String(++version);
    store.set(`${kind}/${o['metadata']['namespace']}/${o['metadata']['name']}`, o);
    notify(kind, type, o);
  };

  /** The Pod as podman 4.3 can play it (KUBE_PLAY_CHANGES); its Secrets' files are written here. */
  const playYaml = (pod: Obj): string => {
    const p = structuredClone(pod);
    const ns = p['metadata']['namespace'];
    const podName = p['metadata']['name'];
    p['metadata'] = { name: podmanName(podName), labels: p['metadata']['labels'] ?? {} };
    const volumes: Obj[] = Array.isArray(p['spec']['volumes']) ? p['spec']['volumes'] : [];
    for (const v of volumes) {
      if (v['secret']) {
        const secret = store.get(`secrets/${ns}/${v['secret']['secretName']}`);
        if (!secret) throw new Error(`secret ${v['secret']['secretName']} does not exist`);
        const files = path.join(dir, 'secret-volumes', podName, v['name']);
        fs.rmSync(files, { recursive: true, force: true });
        fs.mkdirSync(files, { recursive: true, mode: 0o755 });
        // The kubelet's default file mode is 0644 (defaultMode), written by root.
        const mode = typeof v['secret']['defaultMode'] === 'number' ? v['secret']['defaultMode'] : 0o644;
        for (const [k, b64] of Object.entries(secret['data'] ?? {})) {
          fs.writeFileSync(path.join(files, k), Buffer.from(String(b64), 'base64'), { mode });
          fs.chmodSync(path.join(files, k), mode);
        }
        v['hostPath'] = { path: files, type: 'Directory' };
        delete v['secret'];
      }
    }
    for (const c of p['spec']['containers'] ?? []) {
      if (p['spec']['hostNetwork']) delete c['ports'];
      for (const m of c['volumeMounts'] ?? []) {
        const v = volumes.find((x) => x['name'] === m['name']);
        if (v?.['hostPath'] && m['subPath'] && String(m['mountPath']).endsWith(`/${m['subPath']}`)) {
          m['mountPath'] = String(m['mountPath']).slice(0, -(m['subPath'].length + 1));
          delete m['subPath'];
        }
      }
    }
    return JSON.stringify(p);
  };

  /** Plays the pod, then reports it Running once its containers run (bounded: 120 s). */
  const run = async (pod: Obj): Promise<void> => {
    const name = pod['metadata']['name'];
    const file = path.join(dir, `${name}.json.yaml`);
    const fail = (why: string): void => {
      const now = store.get(`pods/${pod['metadata']['namespace']}/${name}`);
      if (!now) return;
      events.push(`pod ${name} failed: ${why}`);
      now['status'] = { ...now['status'], phase: 'Failed', message: why.slice(-2000) };
      put('pods', now, 'MODIFIED');
    };
    try {
      fs.writeFileSync(file, playYaml(pod));
    } catch (err) {
      return fail((err as Error).message);
    }
    const played = await podmanAsync(['kube', 'play', file], 120_000);
    events.push(`podman kube play ${name}: exit ${played.code}: ${printed(played).trim()}`);
    if (played.code !== 0) return fail(`podman kube play: ${printed(played)}`);
    const containers: string[] = (pod['spec']['containers'] ?? []).map((c: Obj) => c['name']);
    for (let i = 0; i < 480; i++) {
      const now = store.get(`pods/${pod['metadata']['namespace']}/${name}`);
      if (!now || now['metadata']['deletionTimestamp']) return;
      const states = await Promise.all(containers.map((c) => podmanAsync(['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', `${podmanName(name)}-${c}`], 30_000)));
      if (states.every((s) => printed(s).startsWith('true'))) {
        now['status'] = {
          phase: 'Running', podIP: '127.0.0.1', hostIP: '127.0.0.1', startTime: new Date().toISOString(),
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: containers.map((c) => ({ name: c, ready: true, started: true, restartCount: 0, image: pod['spec']['containers'][0]['image'], state: { running: { startedAt: new Date().toISOString() } } })),
        };
        put('pods', now, 'MODIFIED');
        return;
      }
      // kube play returns once the containers are started: one that is not running has exited.
      if (states.some((s) => printed(s).startsWith('false'))) return fail(`a container exited: ${states.map((s) => printed(s).trim()).join(', ')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    fail('not running after 120 s');
  };

  /** Takes the pod down in podman (with the volumes and secrets kube play made), then DELETED. */
  const takeDown = async (pod: Obj): Promise<void> => {
    const name = pod['metadata']['name'];
    const file = path.join(dir, `${name}.json.yaml`);
    if (fs.existsSync(file)) await podmanAsync(['kube', 'down', file], 120_000);
    fs.rmSync(path.join(dir, 'secret-volumes', name), { recursive: true, force: true });
    store.delete(`pods/${pod['metadata']['namespace']}/${name}`);
    notify('pods', 'DELETED', pod);
  };

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://kube');
    requests.push(`${req.method} ${u.pathname}`);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string, message: string): void => json(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|events|secrets)(?:\/([^/]+))?$/.exec(u.pathname);
      if (!m) return status(404, 'NotFound', `${u.pathname} is not part of the stand-in`);
      const [, ns, kind, name] = m as unknown as [string, string, string, string | undefined];
      const key = `${kind}/${ns}/${name}`;
      if (req.method === 'GET' && !name) {
        const labels = parseLabels(u.searchParams.get('labelSelector'));
        if (/^(true|1)$/i.test(u.searchParams.get('watch') ?? '')) {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
          res.flushHeaders();
          const w: Watcher = { kind, ns, labels, res };
          watchers.add(w);
          const seconds = Number(u.searchParams.get('timeoutSeconds') ?? '300');
          const timer = setTimeout(() => res.end(), Math.min(seconds, 300) * 1000);
          res.on('close', () => {
            clearTimeout(timer);
            watchers.delete(w);
          });
          return;
        }
        const items = [...store.entries()].filter(([k, o]) => k.startsWith(`${kind}/${ns}/`) && matches(o, labels)).map(([, o]) => o);
        return json(200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(version) }, items });
      }
      if (req.method === 'GET') {
        const o = store.get(key);
        return o ? json(200, o) : status(404, 'NotFound', `${kind} "${name}" not found`);
      }
      if (req.method === 'POST' && !name && kind !== 'events') {
        const o = JSON.parse(body) as Obj;
        const n = o['metadata']['name'];
        if (store.has(`${kind}/${ns}/${n}`)) return status(409, 'AlreadyExists', `${kind} "${n}" already exists`);
        sent.set(`${kind}/${ns}/${n}`, structuredClone(o));
        const stored = structuredClone(o);
        stored['metadata'] = { ...stored['metadata'], namespace: ns, uid: randomUUID(), creationTimestamp: new Date().toISOString() };
        if (kind === 'secrets' && stored['stringData']) {
          // As the API server does: stringData is written into data, base64-encoded.
          stored['data'] = { ...stored['data'], ...Object.fromEntries(Object.entries(stored['stringData']).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')])) };
          delete stored['stringData'];
        }
        if (kind === 'pods') stored['status'] = { phase: 'Pending' };
        put(kind, stored, 'ADDED');
        json(201, stored);
        if (kind === 'pods') void run(stored);
        return;
      }
      if (req.method === 'DELETE' && name) {
        const o = store.get(key);
        if (!o) return status(404, 'NotFound', `${kind} "${name}" not found`);
        if (kind === 'pods') {
          o['metadata']['deletionTimestamp'] = new Date().toISOString();
          put('pods', o, 'MODIFIED');
          void takeDown(o);
        } else {
          store.delete(key);
          notify(kind, 'DELETED', o);
        }
        return json(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
      }
      return status(405, 'MethodNotAllowed', `${req.method} ${u.pathname}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'e2e',
    clusters: [{ name: 'e2e', cluster: { server: url } }],
    users: [{ name: 'e2e', user: { token: 'e2e' } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'e2e' } }],
  }));
  return {
    url, kubeconfig, sent, requests,
    log: () => [...events, ...[...store.entries()].filter(([k]) => k.startsWith('pods/')).map(([k, o]) => `${k}: ${JSON.stringify(o['status'])}`)].join('\n'),
    containerName: (pod, container = 'notebook') => `${podmanName(pod)}-${container}`,
    async close() {
      for (const [k, o] of [...store.entries()]) if (k.startsWith('pods/')) await takeDown(o);
      for (const w of watchers) w.res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
