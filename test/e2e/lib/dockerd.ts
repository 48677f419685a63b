// A Docker engine of the test's own (Debian's docker.io): its data root in .cache/ (loaded images
// survive between runs), its exec root, socket and pid file in a temporary directory, no iptables
// rules and no bridge (containers and swarm services use the host network, on 127.0.0.1); started
// by the test and stopped by its pid. Images come from podman (`podman save | docker load`).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sleepSync } from '../../../scripts/images/wheels.ts';
import { podman, REPO } from './podman.ts';

const DOCKER = '/usr/bin/docker';
const DOCKERD = '/usr/sbin/dockerd';

export interface Docker {
  /** unix:///... for DOCKER_HOST. */
  readonly host: string;
  /** Runs the docker CLI against this engine. */
  docker(args: readonly string[], opts?: { timeoutMs?: number; input?: Buffer }): { code: number; stdout: string; stderr: string };
  /** The same, throwing on a non-zero exit. */
  dockerOk(args: readonly string[], opts?: { timeoutMs?: number }): string;
  /** Makes `image` (a podman image) present here, unless the same image id already is. */
  loadFromPodman(image: string): void;
  /** `docker swarm init --advertise-addr 127.0.0.1` (a one-node swarm), unless already in one. */
  swarmInit(): void;
  /** The daemon's log so far. */
  log(): string;
  /** Leaves the swarm, removes containers, services and volumes, stops the daemon (by its pid). */
  stop(): Promise<void>;
}

/** Starts a daemon; `name` keeps its data root apart from other checkouts' and tests'. */
export async function startDockerd(name: string): Promise<Docker> {
  for (const p of [DOCKER, DOCKERD]) if (!fs.existsSync(p)) throw new Error(`${p} is missing: run bash test/e2e/setup.sh (it installs docker.io)`);
  const dataRoot = path.join(REPO, '.cache', `dockerd-${name}`);
  // Unix socket paths are short (108 bytes): exec root and socket under /tmp.
  const run = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-dockerd-'));
  const sock = path.join(run, 'docker.sock');
  const pidfile = path.join(run, 'docker.pid');
  fs.mkdirSync(dataRoot, { recursive: true });
  const logPath = path.join(run, 'dockerd.log');
  const logFd = fs.openSync(logPath, 'a');
  const child: ChildProcess = spawn(DOCKERD, [
    '--data-root', dataRoot, '--exec-root', path.join(run, 'exec'), '-H', `unix://${sock}`, '--pidfile', pidfile,
    '--iptables=false', '--bridge=none', '--ip-forward=false', '--ip-masq=false',
  ], { stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const host = `unix://${sock}`;
  const docker = (args: readonly string[], opts: { timeoutMs?: number; input?: Buffer } = {}) => {
    const r = spawnSync(DOCKER, ['-H', host, ...args], { encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, ...(opts.input && { input: opts.input }) });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
  };
  const dockerOk = (args: readonly string[], opts: { timeoutMs?: number } = {}): string => {
    const r = docker(args, opts);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: exit ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const log = (): string => {
    try {
      return fs.readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };
  // Bounded: 60 s for the daemon to answer.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`dockerd exited ${child.exitCode}\n${log().slice(-3000)}`);
    if (docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 5000 }).code === 0) break;
    if (i >= 240) throw new Error(`dockerd did not answer within 60 s\n${log().slice(-3000)}`);
    sleepSync(250);
  }
  return {
    host, docker, dockerOk, log,
    loadFromPodman(image) {
      const want = podman(['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim();
      if (!want) throw new Error(`podman has no image ${image}`);
      const have = docker(['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim().replace(/^sha256:/, '');
      if (have === want) return;
      // Through a file: the archive of a notebook image is hundreds of MB.
      const tar = path.join(run, 'image.tar');
      const saved = podman(['save', '--format', 'docker-archive', '-o', tar, image], { timeoutMs: 10 * 60_000 });
      if (saved.code !== 0) throw new Error(`podman save ${image}: ${saved.stderr}`);
      try {
        dockerOk(['load', '-i', tar], { timeoutMs: 10 * 60_000 });
      } finally {
        fs.rmSync(tar, { force: true });
      }
      // The version this load untagged: this engine is the test's own, its data root kept between runs.
      docker(['image', 'prune', '-f'], { timeoutMs: 120_000 });
    },
    swarmInit() {
      if (docker(['info', '--format', '{{.Swarm.LocalNodeState}}']).stdout.trim() === 'active') return;
      dockerOk(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
    },
    async stop() {
      if (child.exitCode === null) {
        for (const id of docker(['service', 'ls', '-q']).stdout.split('\n').filter(Boolean)) docker(['service', 'rm', id]);
        const ids = docker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) docker(['rm', '-f', ...ids], { timeoutMs: 120_000 });
        docker(['volume', 'prune', '-f']);
        // Swarm made the bridge docker_gwbridge on the host: leave, and take it away again.
        docker(['swarm', 'leave', '--force']);
        docker(['network', 'rm', 'docker_gwbridge']);
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
        clearTimeout(timer);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      // What the daemon left mounted under its exec root (the netns of swarm's ingress, ...),
      // innermost first, then the directory.
      const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '')
        .filter((m) => m.startsWith(`${run}/`)).sort().reverse();
      for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
      fs.rmSync(run, { recursive: true, force: true });
    },
  };
}
