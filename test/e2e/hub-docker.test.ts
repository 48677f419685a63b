// Recipes (b) and (c) of hub/examples/ in a real JupyterHub (hub/requirements.txt's venv, with
// configurable-http-proxy from npm), each file loaded as it is (test/e2e/hub/*.py add only the
// site's values), against a real Docker engine of the test's own (lib/dockerd.ts):
//   (b) dockerspawner-github: the real GitHubOAuthenticator (teams in auth_state) and DockerSpawner.
//       GitHub itself is the one stand-in of the chain (lib/github-standin.ts): this machine cannot
//       reach github.com; the recipe's github_url (GitHub Enterprise's setting) points at it.
//   (c) swarm-nfs: a real slapd (lib/slapd.ts), the real LDAPAuthenticator logging people in
//       through the hub's login form, nbstart_hub.ldap_posix_groups_hook looking up their
//       posixGroups, SwarmSpawner on a one-node swarm, the home root-squashed (bindfs by the
//       person's uid, lib/squashed-home.ts).
// People log in as a browser would, their servers start through the REST API, the base-notebook
// image runs jupyterhub-singleuser behind nbstart, and inside the container the server is the
// person (lib/hub-person.ts). People the recipes must refuse get no server, and the hub log says why.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDockerd, type Docker } from './lib/dockerd.ts';
import { startGithubStandin, type GithubStandin } from './lib/github-standin.ts';
import { Browser, SECOND, startHub, waitFor, type Hub } from './lib/hub.ts';
import { assertRefusedSpawn, checkPerson } from './lib/hub-person.ts';
import { HUB_NOTEBOOK } from './lib/images.ts';
import { freePort } from './lib/net.ts';
import { REPO } from './lib/podman.ts';
import { squashedHome, type SquashedHome } from './lib/squashed-home.ts';
import { hubDirectory, startSlapd, type Slapd } from './lib/slapd.ts';

const TAG = process.env['NBSTART_E2E_TAG'] || 'test';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-hub-docker-'));
fs.chmodSync(work, 0o755);
let docker: Docker;

before(async () => {
  docker = await startDockerd(`hub-${TAG}`);
  docker.loadFromPodman(HUB_NOTEBOOK);
}, { timeout: 15 * 60 * SECOND });

after(async () => {
  await docker?.stop();
  // NBSTART_E2E_KEEP=1 keeps the hubs' directories (hub.log, the database) for a look afterwards.
  if (process.env['NBSTART_E2E_KEEP'] !== '1') fs.rmSync(work, { recursive: true, force: true });
});

/** A fresh directory for one hub: its database, log, and the identity directory (0755, as the recipe's). */
function hubDir(name: string): { dir: string; identities: string } {
  const dir = path.join(work, name);
  const identities = path.join(dir, 'identities');
  fs.mkdirSync(identities, { recursive: true, mode: 0o755 });
  return { dir, identities };
}

/** `docker exec` in the one container whose name matches `filter`, as `user`. */
function execIn(filter: string): (script: string, user?: string) => string {
  return (script, user) => {
    const id = docker.dockerOk(['ps', '-q', '--filter', filter]).trim().split('\n')[0];
    assert.ok(id, `no container for ${filter}`);
    const r = docker.docker(['exec', ...(user ? ['--user', user] : []), id!, 'sh', '-c', script], { timeoutMs: 30 * SECOND });
    assert.equal(r.code, 0, `docker exec: exit ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
}

describe('recipe (b): DockerSpawner with GitHubOAuthenticator (teams), hub/examples/dockerspawner-github', { timeout: 10 * 60 * SECOND }, () => {
  let gh: GithubStandin;
  let hub: Hub;
  let identities = '';
  const ORG = { login: 'example-org', id: 7770001 }; // the recipe's allowed_organizations
  const OTHER = { login: 'Other-Org', id: 7770002 };

  before(async () => {
    gh = await startGithubStandin([
      { login: 'Bob-Dev', id: 5550001, email: 'bob@example.org', teams: [{ name: 'core', organization: ORG }, { name: 'docs', organization: ORG }, { name: 'ops', organization: OTHER }] },
      { login: 'eve', id: 5550009, teams: [{ name: 'ops', organization: OTHER }] },
      // GitHub's first accounts have ids below 1000: id 27 would be uid 27, group sudo.
      { login: 'early', id: 27, teams: [{ name: 'core', organization: ORG }] },
    ]);
    const d = hubDir('b');
    identities = d.identities;
    const serverPort = await freePort();
    hub = await startHub({
      config: path.join(REPO, 'test/e2e/hub/dockerspawner_github.py'), dir: d.dir,
      env: {
        NBSTART_E2E_RECIPE: path.join(REPO, 'hub/examples/dockerspawner-github/jupyterhub_config.py'),
        PYTHONPATH: path.join(REPO, 'hub'), // the recipe: "Put nbstart_hub.py next to this file (or on PYTHONPATH)"
        NBSTART_E2E_GITHUB_URL: gh.url, NBSTART_E2E_IMAGE: HUB_NOTEBOOK, NBSTART_E2E_SERVER_PORT: String(serverPort),
        NBSTART_IDENTITY_DIR: identities, DOCKER_HOST: docker.host,
        GITHUB_CLIENT_ID: gh.clientId, GITHUB_CLIENT_SECRET: gh.clientSecret,
      },
      callbackEnv: (url) => ({ OAUTH_CALLBACK_URL: `${url}/hub/oauth_callback` }),
    });
  }, { timeout: 3 * 60 * SECOND });

  after(async () => {
    await hub?.stop();
    await gh?.close();
  });

  /** The OAuth dance as a browser does it; the person signs in at the stand-in as `login`. */
  async function githubLogin(login: string): Promise<{ status: number; text: string }> {
    const b = new Browser();
    const start = await b.request(`${hub.url}/hub/oauth_login?next=`);
    assert.equal(start.status, 302, `oauth_login: HTTP ${start.status}\n${hub.tail()}`);
    const authorize = new URL(start.location!);
    assert.equal(authorize.origin, gh.url, 'the hub sends the person to GitHub (here: the stand-in)');
    assert.equal(authorize.searchParams.get('scope'), 'read:org', 'the recipe asks for read:org');
    authorize.searchParams.set('login_as', login);
    const back = await b.request(authorize.href);
    assert.equal(back.status, 302, `the stand-in's authorize: HTTP ${back.status} ${back.text}`);
    return b.request(back.location!);
  }

  test('Bob-Dev logs in with GitHub; his server runs as uid = gid = his GitHub id, with a group per organization, his home his', async () => {
    const r = await githubLogin('Bob-Dev');
    assert.equal(r.status, 302, `oauth_callback: HTTP ${r.status} ${r.text}\n${hub.tail()}`);
    // JupyterHub's username is the normalized login, and so is the container's name for him.
    await hub.startServer('bob-dev');
    const groups = [{ name: 'example-org', gid: 7770001 }, { name: 'other-org', gid: 7770002 }];
    // DockerSpawner's container name escapes the username (jupyter-bob-2ddev): found by prefix.
    const filter = 'name=^jupyter-bob';
    const exec = execIn(filter);
    const id = docker.dockerOk(['ps', '-q', '--filter', filter]).trim();
    await checkPerson(hub, {
      name: 'bob-dev', uid: 5550001, gid: 5550001, group: 'bob-dev', groups,
      identity: { name: 'bob-dev', uid: 5550001, gid: 5550001, group: 'bob-dev', groups },
    }, exec, docker.dockerOk(['inspect', id]), gh.tokens);
    assert.ok(gh.tokens.length > 0 && gh.requests.includes('GET /api/v3/user/teams'), `the hub asked the stand-in for the teams: ${gh.requests.join(', ')}`);
    // The recipe's named volume is the home, given to him by CHOWN_HOME.
    assert.equal(exec('stat -c "%u %g %n" /home/bob-dev; awk \'$5 == "/home/bob-dev" { n++ } END { print n }\' /proc/self/mountinfo'), '5550001 5550001 /home/bob-dev\n1\n');
    assert.match(docker.dockerOk(['volume', 'ls', '-q']), /^jupyterhub-user-bob-2ddev$/m, 'the recipe\'s named volume (DockerSpawner escapes the name in it)');
    await hub.stopServer('bob-dev');
    assert.deepEqual(fs.readdirSync(identities), [], 'post_stop_hook removes the identity file');
  });

  test('eve, in no allowed organization, cannot log in', async () => {
    const r = await githubLogin('eve');
    assert.equal(r.status, 403, `oauth_callback for eve: HTTP ${r.status}`);
    assert.match(hub.log(), /User eve is not part of allowed_organizations/);
    assert.equal((await hub.api('GET', '/users/eve')).status, 404);
  });

  test('early (GitHub id 27) gets no server: the hub log names the field and the fix', async () => {
    const r = await githubLogin('early');
    assert.equal(r.status, 302, `oauth_callback for early: HTTP ${r.status}`);
    await assertRefusedSpawn(hub, 'early', /auth_state\.github_user\.id \+ id_offset: 27 is below 1000, where system accounts live; fix: .*set id_offset/);
    assert.equal(docker.dockerOk(['ps', '-aq', '--filter', 'name=^jupyter-early']).trim(), '', 'no container');
    for (const t of gh.tokens) assert.ok(!hub.log().includes(t), 'the hub log shows no token');
  });
});

describe('recipe (c): SwarmSpawner with LDAP and a root-squashed home, hub/examples/swarm-nfs', { timeout: 10 * 60 * SECOND }, () => {
  let slapd: Slapd;
  let hub: Hub;
  let home: SquashedHome;
  let identities = '';
  const PASSWORD = 'correct horse';

  before(async () => {
    docker.swarmInit();
    slapd = await startSlapd(...hubDirectory('alice', 'alice', 2001, PASSWORD));
    home = squashedHome('alice', 2001);
    const d = hubDir('c');
    identities = d.identities;
    hub = await startHub({
      config: path.join(REPO, 'test/e2e/hub/swarm_nfs.py'), dir: d.dir,
      env: {
        NBSTART_E2E_RECIPE: path.join(REPO, 'hub/examples/swarm-nfs/jupyterhub_config.py'),
        PYTHONPATH: path.join(REPO, 'hub'),
        NBSTART_E2E_LDAP_PORT: String(slapd.port), NBSTART_E2E_LDAP_CA: slapd.caFile, LDAP_SEARCH_PASSWORD: slapd.searchPassword,
        NBSTART_E2E_IMAGE: HUB_NOTEBOOK, NBSTART_E2E_SERVER_PORT: String(await freePort()), NBSTART_E2E_HOMES: home.parent,
        NBSTART_IDENTITY_DIR: identities, DOCKER_HOST: docker.host,
      },
    });
  }, { timeout: 3 * 60 * SECOND });

  after(async () => {
    await hub?.stop();
    await slapd?.stop();
    home?.cleanup();
  });

  test('alice logs in through the login form; her swarm service runs the server as her directory uid with her posixGroups, in her squashed home', async () => {
    const login = await new Browser().loginForm(hub.url, 'alice', PASSWORD);
    assert.equal(login.status, 302, `login of alice: HTTP ${login.status}\n${hub.tail()}`);
    await hub.startServer('alice');
    const groups = [{ name: 'physics', gid: 3000 }, { name: 'astro', gid: 3100 }];
    const filter = 'label=com.docker.swarm.service.name=jupyter-alice';
    const exec = execIn(filter);
    const id = docker.dockerOk(['ps', '-q', '--filter', filter]).trim();
    await checkPerson(hub, {
      name: 'alice', uid: 2001, gid: 2001, group: 'alice', groups, externalHome: '/mnt/home/alice',
      identity: { name: 'alice', uid: 2001, gid: 2001, group: 'alice', groups },
    }, exec, `${docker.dockerOk(['inspect', id])}${docker.dockerOk(['service', 'inspect', 'jupyter-alice'])}`, [PASSWORD, slapd.searchPassword]);
    // SWARM_CONTAINER_SPEC: root with CHOWN, SETGID and SETUID only (and the server with none).
    assert.equal(exec('grep CapBnd /proc/1/status'), 'CapBnd:\t00000000000000c1\n');
    // Root in the container cannot even look at the home (root-squashed); she made her config there.
    assert.notEqual(docker.docker(['exec', id, 'stat', '/mnt/home/alice']).code, 0, 'root could stat the squashed home');
    assert.ok(fs.statSync(path.join(home.src, 'jupyter', '.jupyter')).uid === 2001, 'Jupyter\'s config dir was made by alice in her home');
    await hub.stopServer('alice');
    await waitFor('the service to go', 60 * SECOND, () => (docker.dockerOk(['service', 'ls', '-q', '--filter', 'name=jupyter-alice']).trim() === '' ? true : undefined));
    assert.deepEqual(fs.readdirSync(identities), [], 'post_stop_hook removes the identity file');
  });

  test('carol, in the directory without a uidNumber, gets no server, and the hub log says why', async () => {
    const login = await new Browser().loginForm(hub.url, 'carol', PASSWORD);
    assert.equal(login.status, 302, `login of carol: HTTP ${login.status}\n${hub.tail()}`);
    await assertRefusedSpawn(hub, 'carol', /auth_state\.user_attributes\.uidNumber: missing; fix: set c\.LDAPAuthenticator\.auth_state_attributes/);
    assert.equal(docker.dockerOk(['service', 'ls', '-q', '--filter', 'name=jupyter-carol']).trim(), '', 'no service');
    assert.ok(!hub.log().includes(PASSWORD), 'the hub log shows no password');
  });

  test('a wrong password is refused by the directory', async () => {
    const login = await new Browser().loginForm(hub.url, 'alice', 'wrong');
    assert.equal(login.status, 403, `login with a wrong password: HTTP ${login.status}`);
  });
});
