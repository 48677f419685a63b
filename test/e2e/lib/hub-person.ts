// What the hub tests check in a spawned server's container, whatever ran it (Docker, a swarm
// service, podman kube play): the server process is the person (uid, gid, groups), a file written
// through the proxy with the contents API is theirs by number and by name, nothing of the
// authenticator's auth_state but the identity reached the container, and the identity mounted
// is exactly the one the hub made.

import assert from 'node:assert/strict';
import { httpRequest, SECOND, waitFor, type Hub } from './hub.ts';

export interface Expected {
  /** JupyterHub's username, the name in the container. */
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Name of the primary group in the container. */
  readonly group: string;
  readonly groups: readonly { readonly name: string; readonly gid: number }[];
  /** The identity file's content, exactly. */
  readonly identity: unknown;
  /** The external home (nbstart's [home] source), where Jupyter's config dir must be made. */
  readonly externalHome?: string;
}

/** Runs a shell script in the server's container as `user` (default root); returns stdout. */
export type Exec = (script: string, user?: string) => string;

/**
 * Checks the person in the running server. `config` is the container's configuration as its
 * engine shows it (inspect output); `secrets` are strings that must appear nowhere (tokens).
 */
export async function checkPerson(hub: Hub, p: Expected, exec: Exec, config: string, secrets: readonly string[]): Promise<void> {
  // Through the proxy: the single-user server creates a file with the contents API.
  const put = await httpRequest(`${hub.url}/user/${p.name}/api/contents/from-hub.txt`, {
    method: 'PUT',
    headers: { Authorization: `token ${hub.serviceToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'file', format: 'text', content: `written through the hub for ${p.name}\n` }),
  }).catch((err: Error) => {
    throw new Error(`PUT contents through the proxy: ${err.message}\n${hub.tail()}`);
  });
  assert.equal(put.status, 201, `PUT contents: HTTP ${put.status} ${put.text}\n${hub.tail()}`);

  // The server is tini's child (nbstart exec'd it): its credentials, as anyone may read them.
  const server = exec('p=$(cut -d" " -f1 /proc/1/task/1/children); echo "pid=$p"; grep -E "^(Uid|Gid|Groups):" /proc/$p/status; tr "\\0" " " </proc/$p/cmdline; echo');
  const field = (key: string): string => server.match(new RegExp(`^${key}:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? '';
  assert.match(server, /jupyterhub-singleuser/, server);
  assert.equal(field('Uid').split(/\s+/).join(' '), `${p.uid} ${p.uid} ${p.uid} ${p.uid}`, `the server does not run as ${p.name}:\n${server}`);
  assert.equal(field('Gid').split(/\s+/).join(' '), `${p.gid} ${p.gid} ${p.gid} ${p.gid}`, server);
  const gids = field('Groups').split(/\s+/).filter((g) => g !== '').map(Number);
  const wanted = [p.gid, ...p.groups.map((g) => g.gid)];
  assert.deepEqual(gids.filter((g) => wanted.includes(g)).sort(), [...wanted].sort(), `supplementary groups: ${server}`);
  assert.deepEqual(gids.filter((g) => !wanted.includes(g) && g !== 100), [], `only the image's users group may join: ${server}`);
  // Its working directory and environment only for its own uid: the engines' exec as root has no
  // CAP_SYS_PTRACE here (the container keeps only CHOWN, SETGID and SETUID).
  const pid = server.match(/^pid=(\d+)$/m)?.[1];
  const asUser = `${p.uid}:${p.gid}`;
  const cwd = exec(`readlink /proc/${pid}/cwd`, asUser).trim();

  // The file: owner and group by number and by name, as the container's /etc has them.
  assert.equal(exec(`stat -c '%u %g %U %G' '${cwd}/from-hub.txt'`), `${p.uid} ${p.gid} ${p.name} ${p.group}\n`);
  const names = exec(`id -nG '${p.name}'`).trim().split(/\s+/).sort();
  assert.deepEqual(names.filter((n) => n !== 'users'), [p.group, ...p.groups.map((g) => g.name)].sort(), `id -nG ${p.name}`);

  // No token: not in the server's environment, the container's configuration, the init
  // process or the mounted identity, which is exactly the canonical identity.
  const environ = exec(`tr '\\0' '\\n' </proc/${pid}/environ`, asUser);
  // (Messages name variables only: the environment holds the server's own hub token.)
  assert.ok(/^JUPYTERHUB_API_TOKEN=/m.test(environ), 'the server\'s own hub token is expected');
  assert.ok(/^JUPYTERHUB_USER=/m.test(environ), 'the spawner sets JUPYTERHUB_USER');
  assert.ok(!/^NBSTART_AUTH_STATE/m.test(environ), 'nbstart removes its variables before exec');
  const initEnv = exec("tr '\\0' '\\n' </proc/1/environ");
  const identity = exec('cat "$(tr "\\0" "\\n" </proc/1/environ | sed -n "s/^NBSTART_AUTH_STATE_FILE=//p")"');
  for (const [where, text] of [['server environment', environ], ['container configuration', config], ['init environment', initEnv], ['identity file', identity]] as const) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `a token from auth_state is in the ${where}`);
  }
  // (The groups in the order the directory listed them.)
  const byGid = (i: unknown): unknown => {
    const o = i as { groups?: { gid: number }[] };
    return o.groups ? { ...o, groups: [...o.groups].sort((a, b) => a.gid - b.gid) } : o;
  };
  assert.deepEqual(byGid(JSON.parse(identity)), byGid(p.identity));

  // The external home: Jupyter's config lives there, made by the person (root cannot enter it).
  if (p.externalHome !== undefined) {
    assert.match(environ, new RegExp(`^JUPYTER_CONFIG_DIR=${p.externalHome}/jupyter/\\.jupyter$`, 'm'), `the external home was not used\n${hub.tail()}`);
    assert.equal(exec(`stat -c '%u %g' ${p.externalHome}/jupyter/.jupyter`, asUser), `${p.uid} ${p.gid}\n`);
  }
}

/**
 * Asks for `name`'s server, which the recipe's hook must refuse: the spawn fails and the hub log
 * has the hook's message for the admin (`why`: what follows "cannot start NAME's server: ").
 */
export async function assertRefusedSpawn(hub: Hub, name: string, why: RegExp): Promise<void> {
  const started = await hub.api('POST', `/users/${name}/server`);
  assert.ok(started.status >= 400 || started.status === 202, `POST /users/${name}/server: HTTP ${started.status}`);
  const line = new RegExp(`Unhandled error starting ${name}'s server: nbstart: cannot start ${name}'s server: ${why.source}`);
  await waitFor(`the hook's message for ${name}`, 30 * SECOND, () => (line.test(hub.log()) ? true : undefined), hub.tail);
}
