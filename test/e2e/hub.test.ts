// A real JupyterHub (Debian's 3.0, configurable-http-proxy included) on 127.0.0.1, configured from
// the recipe's hook in hub/nbstart_hub.py (test/e2e/hub/jupyterhub_config.py), spawning the
// hub-notebook image with podman. People log in through the hub's login form, the test starts
// their servers through the REST API, writes a file through the proxy with the contents API, and
// looks inside the container: the file and the server process belong to the person's uid, gid and
// groups, and no token from auth_state is anywhere in the container. Bad auth_states fail the
// spawn with the hook's message in the hub log, and no container is created.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HUB_NOTEBOOK } from './lib/images.ts';
import { freePort } from './lib/net.ts';
import { podman, REPO } from './lib/podman.ts';

const TOKEN = 'gho_E2EfakeAccessToken0123456789abcdef';
const REFRESH = 'ghr_E2EfakeRefreshToken0123456789abcd';
const PASSWORD = 'e2e-password';

// auth_state as ldapauthenticator 2.x returns it with auth_state_attributes = [uidNumber,
// gidNumber, homeDirectory] plus ldap_posix_groups_hook's posix_groups; a token is slipped in to
// prove that nothing but the identity travels.
const LDAP_STATE = {
  ldap_groups: ['cn=jupyter,ou=groups,dc=example,dc=org'],
  user_attributes: { uidNumber: [2001], gidNumber: [2001], homeDirectory: ['/mnt/home/alice'] },
  posix_groups: [{ name: 'alice', gid: 2001 }, { name: 'physics', gid: 3000 }, { name: 'astro', gid: 3100 }],
  access_token: TOKEN,
};
// auth_state as GitHubOAuthenticator returns it with populate_teams_in_auth_state.
const GITHUB_STATE = {
  access_token: TOKEN,
  refresh_token: REFRESH,
  scope: ['read:org'],
  token_response: { access_token: TOKEN, refresh_token: REFRESH, token_type: 'bearer' },
  github_user: { login: 'Bob-Dev', id: 5550001, email: 'bob@example.org' },
  teams: [
    { name: 'core', organization: { login: 'NBStart-Org', id: 7770001 } },
    { name: 'docs', organization: { login: 'NBStart-Org', id: 7770001 } },
    { name: 'ops', organization: { login: 'other-org', id: 7770002 } },
  ],
};

interface Person {
  readonly name: string;
  readonly state: unknown;
  /** What the person must be inside the container. */
  readonly uid: number;
  readonly gid: number;
  readonly group: string;
  readonly groups: readonly { name: string; gid: number }[];
  readonly identity: unknown;
  /** The external home handed over, which the test provides (owned by the person, mode 0700). */
  readonly home?: string;
}

const PEOPLE: readonly Person[] = [
  {
    name: 'alice', state: LDAP_STATE, uid: 2001, gid: 2001, group: 'alice',
    groups: [{ name: 'physics', gid: 3000 }, { name: 'astro', gid: 3100 }],
    identity: { name: 'alice', uid: 2001, gid: 2001, group: 'alice', groups: [{ name: 'physics', gid: 3000 }, { name: 'astro', gid: 3100 }], home: '/mnt/home/alice' },
    home: '/mnt/home/alice',
  },
  {
    name: 'bob-dev', state: GITHUB_STATE, uid: 5550001, gid: 5550001, group: 'bob-dev',
    groups: [{ name: 'nbstart-org', gid: 7770001 }, { name: 'other-org', gid: 7770002 }],
    identity: { name: 'bob-dev', uid: 5550001, gid: 5550001, group: 'bob-dev', groups: [{ name: 'nbstart-org', gid: 7770001 }, { name: 'other-org', gid: 7770002 }] },
  },
];

// Bad input: the spawn fails in the hook, with its message in the hub log.
const BAD: readonly { name: string; state: unknown; log: RegExp }[] = [
  {
    name: 'carol', state: { user_attributes: { gidNumber: [2002] }, access_token: TOKEN },
    log: /Unhandled error starting carol's server: nbstart: cannot start carol's server: auth_state\.user_attributes\.uidNumber: missing; fix: set c\.LDAPAuthenticator\.auth_state_attributes/,
  },
  {
    name: 'dave', state: { ...GITHUB_STATE, github_user: { login: 'dave', id: 'not-a-number' } },
    log: /Unhandled error starting dave's server: nbstart: cannot start dave's server: auth_state\.github_user\.id: expected an integer id, got "not-a-number"/,
  },
  {
    name: 'erin', state: null,
    log: /Unhandled error starting erin's server: nbstart: cannot start erin's server: the user has no auth_state; fix: set c\.Authenticator\.enable_auth_state = True/,
  },
];

const SECOND = 1000;
const run = `nbstart-hub-e2e-${process.pid}`;
const serviceToken = randomBytes(32).toString('hex');
let dir = '';
let proxy = '';
let hub: ChildProcess | undefined;
let hubExited: Promise<void> = Promise.resolve();

/** The hub's log so far (the hub, the proxy, and containers' output as they stop). */
function hubLog(): string {
  try {
    return fs.readFileSync(path.join(dir, 'hub.log'), 'utf8');
  } catch {
    return '';
  }
}

/** The end of the hub log, for assertion messages. */
function logTail(lines = 60): string {
  return `--- hub log (last ${lines} lines)\n${hubLog().split('\n').slice(-lines).join('\n')}`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 250 ms until it returns a value, for at most `ms`; a throw ends the wait. */
async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / SECOND}s waiting for ${what}\n${logTail()}`);
    await sleep(250);
  }
}

/** A request to the hub's REST API as the test's service. */
async function api(method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${proxy}/hub/api${route}`, {
    method,
    headers: { Authorization: `token ${serviceToken}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30 * SECOND),
  });
}

/** Logs in through the hub's login form, as a browser would; the authenticator stores auth_state. */
async function login(name: string): Promise<void> {
  const r = await fetch(`${proxy}/hub/login`, {
    method: 'POST',
    body: new URLSearchParams({ username: name, password: PASSWORD }),
    redirect: 'manual',
    signal: AbortSignal.timeout(30 * SECOND),
  });
  assert.equal(r.status, 302, `login of ${name}: HTTP ${r.status}\n${await r.text()}\n${logTail()}`);
  assert.match(r.headers.get('set-cookie') ?? '', /jupyterhub-session-id|jupyterhub-hub-login/, `login of ${name} set no cookie`);
}

/** The user model from the REST API. */
async function userModel(name: string): Promise<{ servers: Record<string, { ready: boolean; pending: string | null }> }> {
  const r = await api('GET', `/users/${name}`);
  assert.equal(r.status, 200, `GET /users/${name}: HTTP ${r.status}`);
  return (await r.json()) as { servers: Record<string, { ready: boolean; pending: string | null }> };
}

/** Runs a shell script in the person's container (as `user`, default root). */
function inContainer(name: string, script: string, user?: string): string {
  const r = podman(['exec', ...(user ? ['--user', user] : []), `${run}-${name}`, 'sh', '-c', script], { timeoutMs: 30 * SECOND });
  assert.equal(r.code, 0, `podman exec in ${run}-${name}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('JupyterHub spawns nbstart containers with the identity from auth_state', { timeout: 240 * SECOND }, () => {
  before(async () => {
    const missing = ['/usr/bin/jupyterhub', '/usr/bin/configurable-http-proxy'].filter((p) => !fs.existsSync(p));
    assert.deepEqual(missing, [], 'Debian\'s jupyterhub package is missing: run bash test/e2e/setup.sh');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-hub-e2e-'));
    const people: Record<string, { password: string; auth_state: unknown }> = {};
    for (const p of [...PEOPLE, ...BAD]) people[p.name] = { password: PASSWORD, auth_state: p.state };
    fs.writeFileSync(path.join(dir, 'people.json'), JSON.stringify(people), { mode: 0o600 });
    // External homes, mounted at /mnt/home: like an NFS home, only its owner may enter.
    fs.mkdirSync(path.join(dir, 'homes'), { mode: 0o755 });
    for (const p of PEOPLE.filter((x) => x.home !== undefined)) {
      const h = path.join(dir, 'homes', path.basename(p.home!));
      fs.mkdirSync(h, { mode: 0o700 });
      fs.chownSync(h, p.uid, p.gid);
    }

    const [proxyPort, hubPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    proxy = `http://127.0.0.1:${proxyPort}`;
    const log = fs.openSync(path.join(dir, 'hub.log'), 'a');
    hub = spawn('/usr/bin/jupyterhub', ['--config', path.join(REPO, 'test', 'e2e', 'hub', 'jupyterhub_config.py')], {
      cwd: dir,
      // Its own process group, so that the proxy it starts goes down with it.
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        // Debian's programs only: no pyenv python3 and no npm-provided node (the proxy runs on Debian's).
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        // Debian's node finds Debian's node modules by itself; a NodeSource node needs the hint.
        NODE_PATH: '/usr/share/nodejs',
        HOME: dir,
        LANG: 'C.UTF-8',
        PYTHONDONTWRITEBYTECODE: '1', // no __pycache__ in hub/ from importing nbstart_hub
        CONTAINERS_CONF: path.join(REPO, 'test', 'e2e', 'containers.conf'),
        // The spawner's podman must see the same storage as the test's (a non-default one included).
        ...(process.env['CONTAINERS_STORAGE_CONF'] && { CONTAINERS_STORAGE_CONF: process.env['CONTAINERS_STORAGE_CONF'] }),
        JUPYTERHUB_CRYPT_KEY: randomBytes(32).toString('hex'),
        CONFIGPROXY_AUTH_TOKEN: randomBytes(32).toString('hex'),
        NBSTART_E2E_HUB_DIR: dir,
        NBSTART_E2E_PROXY_PORT: String(proxyPort),
        NBSTART_E2E_HUB_PORT: String(hubPort),
        NBSTART_E2E_PROXY_API_PORT: String(apiPort),
        NBSTART_E2E_SERVICE_TOKEN: serviceToken,
        NBSTART_E2E_IMAGE: HUB_NOTEBOOK,
        NBSTART_E2E_LABEL: run,
      },
    });
    fs.closeSync(log);
    const h = hub;
    hubExited = new Promise((resolve) => h.once('exit', () => resolve()));
    await waitFor('the hub to answer through the proxy', 60 * SECOND, async () => {
      if (h.exitCode !== null) throw new Error(`the hub exited ${h.exitCode}\n${logTail()}`);
      const r = await fetch(`${proxy}/hub/api/`, { signal: AbortSignal.timeout(2 * SECOND) }).catch(() => undefined);
      return r?.status === 200 ? true : undefined;
    });
  });

  after(async () => {
    if (hub?.pid !== undefined && hub.exitCode === null) {
      // The hub stops its servers (cleanup_servers) and its proxy on SIGTERM; SIGKILL if it hangs.
      process.kill(-hub.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([hubExited, new Promise((r) => (timer = setTimeout(r, 20 * SECOND)))]);
      clearTimeout(timer);
      try {
        process.kill(-hub.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      const pid = Number(fs.readFileSync(path.join(dir, 'proxy.pid'), 'utf8'));
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // no proxy left
    }
    const left = podman(['ps', '--all', '--quiet', '--filter', `label=${run}`], { timeoutMs: 30 * SECOND }).stdout.split('\n').filter((id) => id !== '');
    if (left.length > 0) podman(['rm', '--force', ...left], { timeoutMs: 60 * SECOND });
    if (dir !== '' && process.env['NBSTART_E2E_KEEP'] !== '1') fs.rmSync(dir, { recursive: true, force: true });
    else if (dir !== '') process.stderr.write(`hub e2e: kept ${dir}\n`);
  });

  for (const p of PEOPLE) {
    test(`${p.name}: ${p.state === LDAP_STATE ? 'LDAP' : 'GitHub'}-shaped auth_state → server runs as uid ${p.uid}, gid ${p.gid}, groups ${p.groups.map((g) => g.name).join(',')}`, async () => {
      await login(p.name);
      const started = await api('POST', `/users/${p.name}/server`);
      assert.ok([201, 202].includes(started.status), `POST /users/${p.name}/server: HTTP ${started.status} ${await started.text()}\n${logTail()}`);
      await waitFor(`${p.name}'s server to be ready`, 90 * SECOND, async () => {
        const s = (await userModel(p.name)).servers[''];
        if (s && !s.ready && s.pending === null) throw new Error('stopped');
        if (s === undefined && started.status === 201) throw new Error('gone');
        return s?.ready ? true : undefined;
      });

      // Through the proxy: the single-user server creates a file with the contents API.
      const put = await fetch(`${proxy}/user/${p.name}/api/contents/from-hub.txt`, {
        method: 'PUT',
        headers: { Authorization: `token ${serviceToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'file', format: 'text', content: `written through the hub for ${p.name}\n` }),
        signal: AbortSignal.timeout(30 * SECOND),
      });
      assert.equal(put.status, 201, `PUT contents: HTTP ${put.status} ${await put.text()}\n${logTail()}`);

      // The server is tini's child (nbstart exec'd it): its credentials, as anyone may read them.
      const server = inContainer(p.name, 'p=$(cut -d" " -f1 /proc/1/task/1/children); echo "pid=$p"; grep -E "^(Uid|Gid|Groups):" /proc/$p/status; tr "\\0" " " </proc/$p/cmdline; echo');
      const field = (key: string): string => server.match(new RegExp(`^${key}:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? '';
      assert.match(server, /jupyterhub-singleuser/, server);
      assert.equal(field('Uid').split(/\s+/).join(' '), `${p.uid} ${p.uid} ${p.uid} ${p.uid}`, `nbstart did not become the person of NBSTART_AUTH_STATE_FILE:\n${server}`);
      assert.equal(field('Gid').split(/\s+/).join(' '), `${p.gid} ${p.gid} ${p.gid} ${p.gid}`, server);
      const gids = field('Groups').split(/\s+/).filter((g) => g !== '').map(Number);
      const wanted = [p.gid, ...p.groups.map((g) => g.gid)];
      assert.deepEqual(gids.filter((g) => wanted.includes(g)).sort(), [...wanted].sort(), `supplementary groups: ${server}`);
      assert.deepEqual(gids.filter((g) => !wanted.includes(g) && g !== 100), [], `only the image's users group may join: ${server}`);
      // Its working directory, environment and so on only for its own uid: `podman exec` as root
      // has no CAP_SYS_PTRACE here (the container keeps only CHOWN, SETGID and SETUID).
      const pid = server.match(/^pid=(\d+)$/m)?.[1];
      const asUser = `${p.uid}:${p.gid}`;
      const cwd = inContainer(p.name, `readlink /proc/${pid}/cwd`, asUser).trim();

      // The file: owner and group by number and by name, as the container's /etc has them.
      const file = `${cwd}/from-hub.txt`;
      assert.equal(inContainer(p.name, `stat -c '%u %g %U %G' '${file}'`), `${p.uid} ${p.gid} ${p.name} ${p.group}\n`);
      const names = inContainer(p.name, `id -nG '${p.name}'`).trim().split(/\s+/).sort();
      assert.deepEqual(names.filter((n) => n !== 'users'), [p.group, ...p.groups.map((g) => g.name)].sort(), `id -nG ${p.name}`);

      // No token: not in the server's environment, not in the container's configuration or the
      // init process, not in the mounted identity, which is exactly the canonical identity.
      const environ = inContainer(p.name, `tr '\\0' '\\n' </proc/${pid}/environ`, asUser);
      // (Messages name variables only: the environment holds the server's own hub token.)
      assert.ok(/^JUPYTERHUB_API_TOKEN=/m.test(environ), 'the server\'s own hub token is expected');
      assert.ok(!/^NBSTART_AUTH_STATE/m.test(environ), 'nbstart removes its variables before exec');
      const config = podman(['inspect', '--format', '{{json .Config.Env}}', `${run}-${p.name}`], { timeoutMs: 30 * SECOND }).stdout;
      const initEnv = inContainer(p.name, "tr '\\0' '\\n' </proc/1/environ");
      const identity = inContainer(p.name, 'cat "$(tr "\\0" "\\n" </proc/1/environ | sed -n "s/^NBSTART_AUTH_STATE_FILE=//p")"');
      for (const [where, text] of [['server environment', environ], ['container config', config], ['init environment', initEnv], ['identity file', identity]] as const) {
        for (const secret of [TOKEN, REFRESH]) assert.ok(!text.includes(secret), `a token from auth_state is in the ${where}`);
      }
      assert.deepEqual(JSON.parse(identity), p.identity);

      // The handed-over home is nbstart's external home: Jupyter's config lives there, made by the person.
      if (p.home !== undefined) {
        const configDir = environ.match(/^JUPYTER_CONFIG_DIR=.*$/m)?.[0];
        assert.equal(configDir, `JUPYTER_CONFIG_DIR=${p.home}/jupyter/.jupyter`, `the external home was not used\n${logTail()}`);
        assert.equal(inContainer(p.name, `stat -c '%u %g' ${p.home}/jupyter/.jupyter`, asUser), `${p.uid} ${p.gid}\n`);
      }

      const stopped = await api('DELETE', `/users/${p.name}/server`);
      assert.ok([202, 204].includes(stopped.status), `DELETE server: HTTP ${stopped.status}`);
      await waitFor(`${p.name}'s container to be removed`, 30 * SECOND, async () =>
        podman(['ps', '--all', '--quiet', '--filter', `name=^${run}-${p.name}$`]).stdout.trim() === '' ? true : undefined);
      assert.ok(!fs.existsSync(path.join(dir, 'identities', p.name)), 'post_stop_hook removes the identity file');
    });
  }

  for (const b of BAD) {
    test(`bad input (${b.name}): the spawn fails with the hook's message in the hub log, and no container starts`, async () => {
      await login(b.name);
      const r = await api('POST', `/users/${b.name}/server`);
      assert.ok(r.status >= 400 || r.status === 202, `POST /users/${b.name}/server: HTTP ${r.status}`);
      await waitFor(`the hook's message for ${b.name}`, 30 * SECOND, async () => (b.log.test(hubLog()) ? true : undefined));
      const s = (await userModel(b.name)).servers[''];
      assert.ok(s === undefined || (!s.ready && s.pending === null), `${b.name}'s server: ${JSON.stringify(s)}`);
      assert.equal(podman(['ps', '--all', '--quiet', '--filter', `name=^${run}-${b.name}$`]).stdout.trim(), '', 'no container');
      assert.ok(!hubLog().includes(TOKEN), 'the hub log shows no token');
    });
  }
});
