// A real git server for the end-to-end tests: OpenSSH's sshd on 127.0.0.1 at a free high port, with
// its own config, host key and pid file under a temp dir (the system sshd is not used), serving a
// bare repository with one commit to a throw-away account whose shell is git-shell.
// Recipe and measurements: test/e2e/README.md ("sshd on 127.0.0.1 serving a bare git repo").

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './net.ts';

export interface GitServer {
  readonly dir: string;
  readonly port: number;
  /** Login account on the server (unique per test process, removed by stop()). */
  readonly account: string;
  /** The server's host key as `type base64`. */
  readonly hostKey: string;
  /** A well-formed ed25519 key that is not the server's. */
  readonly otherKey: string;
  /** Directory to mount at /keys: /keys/<user>/id_ed25519 (uid `keyUid`, mode 0600). */
  readonly keysDir: string;
  /** Path of the repository relative to the account's home, for `alias:REPO` URLs. */
  readonly repo: string;
  /** Subject of the repository's only commit. */
  readonly subject: string;
  stop(): Promise<void>;
}

/** Runs a command; throws with its output unless it exits 0. Bounded by a timeout. */
function sh(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.error?.message ?? ''}${r.stderr}`);
  return r.stdout;
}

/** useradd/userdel take /etc/passwd's lock; parallel test files may hold it for a moment. */
function withLockRetry(cmd: string, args: readonly string[]): void {
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return;
    if (attempt >= 20 || !/lock/i.test(r.stderr)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    spawnSync('sleep', ['0.2']);
  }
}

/** True once something accepts connections on 127.0.0.1:port. */
async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
  });
}

const pubKey = (file: string): string => fs.readFileSync(file, 'utf8').trim().split(' ').slice(0, 2).join(' ');

/** Starts the server; `users` maps a person's name to the uid that owns their private key. */
export async function startGitServer(users: Readonly<Record<string, number>>): Promise<GitServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-git-'));
  // sshd reads authorized_keys as the account, and git-shell starts in the account's home (dir).
  fs.chmodSync(dir, 0o755);
  const account = `nbgit${process.pid}`.slice(0, 30);
  let sshd: ChildProcess | undefined;
  let created = false;
  const stop = async (): Promise<void> => {
    if (sshd && sshd.exitCode === null && sshd.signalCode === null) {
      const gone = new Promise<void>((resolve) => sshd!.once('exit', () => resolve()));
      sshd.kill('SIGTERM');
      const timer = setTimeout(() => sshd!.kill('SIGKILL'), 3_000);
      await gone;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
    if (created) {
      withLockRetry('userdel', [account]);
      // userdel removes the user's own group only when USERGROUPS_ENAB is set; make sure.
      if (spawnSync('getent', ['group', account]).status === 0) withLockRetry('groupdel', [account]);
      created = false;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const killOnExit = (): void => {
    sshd?.kill('SIGKILL');
  };
  try {
    withLockRetry('useradd', ['--system', '--user-group', '--home-dir', dir, '--no-create-home', '--shell', '/usr/bin/git-shell', account]);
    created = true;
    // useradd's '!' means locked: sshd then refuses even a key ("account is locked").
    withLockRetry('usermod', ['-p', '*', account]);

    // The repository: one commit, pushed into a bare repo owned by the account.
    const seed = path.join(dir, 'seed');
    const subject = 'seed commit for nbstart e2e';
    const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
    sh('git', ['init', '-q', '-b', 'main', seed], { env: gitEnv });
    fs.writeFileSync(path.join(seed, 'README'), 'hello from the git server\n');
    sh('git', ['-C', seed, 'add', 'README'], { env: gitEnv });
    sh('git', ['-C', seed, '-c', 'user.name=nbstart', '-c', 'user.email=nbstart@localhost', 'commit', '-q', '-m', subject], { env: gitEnv });
    const repo = 'srv/repo.git';
    sh('git', ['clone', '-q', '--bare', seed, path.join(dir, repo)], { env: gitEnv });
    fs.rmSync(seed, { recursive: true, force: true });
    sh('chown', ['-R', `${account}:${account}`, path.join(dir, 'srv')]);

    // Host keys: the server's, and another one for the wrong-key case.
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'host', '-f', path.join(dir, 'host_ed25519')]);
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'other', '-f', path.join(dir, 'other_ed25519')]);

    // Each person's private key, owned by their uid (ssh refuses keys others can read).
    const keysDir = path.join(dir, 'keys');
    fs.mkdirSync(path.join(dir, 'authorized_keys'));
    fs.mkdirSync(keysDir, { mode: 0o755 });
    const authorized: string[] = [];
    for (const [user, uid] of Object.entries(users)) {
      const d = path.join(keysDir, user);
      fs.mkdirSync(d, { mode: 0o700 });
      sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', user, '-f', path.join(d, 'id_ed25519')]);
      authorized.push(fs.readFileSync(path.join(d, 'id_ed25519.pub'), 'utf8'));
      fs.rmSync(path.join(d, 'id_ed25519.pub'));
      sh('chown', ['-R', `${uid}:${uid}`, d]);
      fs.chmodSync(path.join(d, 'id_ed25519'), 0o600);
    }
    fs.writeFileSync(path.join(dir, 'authorized_keys', account), authorized.join(''), { mode: 0o644 });

    const port = await freePort();
    fs.writeFileSync(path.join(dir, 'sshd_config'), [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${dir}/host_ed25519`,
      `PidFile ${dir}/sshd.pid`,
      `AuthorizedKeysFile ${dir}/authorized_keys/%u`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      `AllowUsers ${account}`,
      '',
    ].join('\n'));
    fs.mkdirSync('/run/sshd', { recursive: true }); // privilege-separation dir; nothing makes it without systemd
    const log = fs.openSync(path.join(dir, 'sshd.log'), 'a');
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', log] });
    fs.closeSync(log);
    process.on('exit', killOnExit);
    let up = false;
    for (let i = 0; i < 100 && !up && sshd.exitCode === null; i++) {
      up = await accepts(port);
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    if (!up) throw new Error(`sshd did not start on 127.0.0.1:${port}: ${fs.readFileSync(path.join(dir, 'sshd.log'), 'utf8')}`);

    return {
      dir, port, account, keysDir, repo, subject, stop,
      hostKey: pubKey(path.join(dir, 'host_ed25519.pub')),
      otherKey: pubKey(path.join(dir, 'other_ed25519.pub')),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
