// Recipe (a) of hub/examples/: hub/examples/z2jh-ldap/values.yaml loaded as zero-to-jupyterhub
// loads it (test/e2e/hub/z2jh.py) into a real JupyterHub with a real slapd, the real
// LDAPAuthenticator (people log in through the login form), nbstart_hub.ldap_posix_groups_hook and
// the real KubeSpawner with nbstart_hub.kubespawner_hook. There is no cluster here: KubeSpawner
// talks to a stand-in of the Kubernetes API (lib/kube-api.ts) that keeps the Secret and the Pod
// exactly as KubeSpawner sent them (the test reads them) and runs them with `podman kube play`
// (the Secret's volume with its defaultMode, the container's security context with dropped
// capabilities and allowPrivilegeEscalation: false). The person's home is root-squashed (bindfs by
// their uid). KUBE_PLAY_CHANGES lists what the stand-in changes in the Pod for podman 4.3 (the
// Secret volume among them: its files are written as the kubelet writes them).
//
// What podman kube play does not model, and so this test does not show: fsGroup and the
// kubelet's ownership changes, the service account and its token, network policies, the pod
// network (the pod uses the host's), NFS volumes (a hostPath stands in), resource limits, and what
// the chart adds by default (the cloud-metadata-blocking init container).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Browser, SECOND, startHub, waitFor, type Hub } from './lib/hub.ts';
import { assertRefusedSpawn, checkPerson } from './lib/hub-person.ts';
import { HUB_NOTEBOOK } from './lib/images.ts';
import { startKubeApi, type KubeApi } from './lib/kube-api.ts';
import { freePort } from './lib/net.ts';
import { podman, REPO } from './lib/podman.ts';
import { squashedHome, type SquashedHome } from './lib/squashed-home.ts';
import { hubDirectory, startSlapd, type Slapd } from './lib/slapd.ts';

const TAG = process.env['NBSTART_E2E_TAG'] || 'test';
const NS = 'nbstart-e2e';
const PASSWORD = 'correct horse';
// Not 2001: hub-docker.test.ts, which may run at the same time, has a squashed home of that uid.
const ID = 2102;

describe('recipe (a): zero-to-jupyterhub (KubeSpawner) with LDAP, hub/examples/z2jh-ldap/values.yaml', { timeout: 10 * 60 * SECOND }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-hub-kube-'));
  let slapd: Slapd;
  let kube: KubeApi;
  let hub: Hub;
  let home: SquashedHome;

  before(async () => {
    fs.chmodSync(work, 0o755);
    // A name KubeSpawner's DNS-safe slug changes (jupyter-ada-l---<hash>): the home must not.
    slapd = await startSlapd(...hubDirectory('ada_l', 'ada', ID, PASSWORD));
    home = squashedHome('ada_l', ID);
    kube = await startKubeApi(`nbstart-e2e-${TAG}-${process.pid}`, work);
    const dir = path.join(work, 'hub');
    fs.mkdirSync(dir);
    hub = await startHub({
      config: path.join(REPO, 'test/e2e/hub/z2jh_ldap.py'), dir,
      env: {
        NBSTART_E2E_RECIPE: path.join(REPO, 'hub/examples/z2jh-ldap/values.yaml'),
        // --set-file hub.extraFiles.nbstart-hub.stringData=hub/nbstart_hub.py, as the recipe installs it
        NBSTART_E2E_NBSTART_HUB: path.join(REPO, 'hub/nbstart_hub.py'),
        NBSTART_E2E_LDAP_PORT: String(slapd.port), NBSTART_E2E_LDAP_CA: slapd.caFile, LDAP_SEARCH_PASSWORD: slapd.searchPassword,
        NBSTART_E2E_IMAGE: HUB_NOTEBOOK, NBSTART_E2E_HOMES: home.parent, NBSTART_E2E_SERVER_PORT: String(await freePort()),
        KUBECONFIG: kube.kubeconfig, POD_NAMESPACE: NS,
      },
    });
  }, { timeout: 3 * 60 * SECOND });

  after(async () => {
    await hub?.stop();
    await kube?.close();
    await slapd?.stop();
    home?.cleanup();
    // NBSTART_E2E_KEEP=1 keeps the hubs' directories (hub.log, the database) for a look afterwards.
  if (process.env['NBSTART_E2E_KEEP'] !== '1') fs.rmSync(work, { recursive: true, force: true });
  });

  test('ada_l: KubeSpawner\'s Secret and Pod hold only the identity; kube play runs them; the server is ada_l with her groups and her squashed home', async () => {
    const login = await new Browser().loginForm(hub.url, 'ada_l', PASSWORD);
    assert.equal(login.status, 302, `login of ada_l: HTTP ${login.status}\n${hub.tail()}`);
    await hub.startServer('ada_l').catch((err: Error) => {
      throw new Error(`${err.message}\n--- the Kubernetes API stand-in\n${kube.log()}`);
    });
    const groups = [{ name: 'physics', gid: 3000 }, { name: 'astro', gid: 3100 }]; // by gid
    const identity = { name: 'ada_l', uid: ID, gid: ID, group: 'ada', groups, home: '/mnt/home/ada_l' };
    const podName = [...kube.sent.keys()].find((k) => k.startsWith(`pods/${NS}/`))?.split('/')[2];
    assert.match(podName ?? '', /^jupyter-ada-l-+[0-9a-f]+$/, `KubeSpawner's pod name: ${kube.requests.join(', ')}`);

    // What KubeSpawner sent, as sent: the Secret with the identity, the pod naming only the Secret.
    const secret = kube.sent.get(`secrets/${NS}/${podName}-nbstart-identity`);
    assert.ok(secret, `no Secret was created: ${kube.requests.join(', ')}`);
    const sent = JSON.parse(secret['stringData']['identity.json']) as { groups: { gid: number }[] };
    assert.deepEqual({ ...sent, groups: [...sent.groups].sort((a, b) => a.gid - b.gid) }, identity);
    const pod = kube.sent.get(`pods/${NS}/${podName}`);
    assert.ok(pod, `no Pod was created: ${kube.requests.join(', ')}`);
    const container = pod['spec']['containers'][0];
    assert.deepEqual(container['securityContext'], {
      runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['CHOWN', 'SETGID', 'SETUID'] },
    });
    const volumes = pod['spec']['volumes'] as { name: string }[];
    assert.deepEqual(volumes.find((v) => v.name === 'nbstart-identity'), { name: 'nbstart-identity', secret: { secretName: `${podName}-nbstart-identity`, defaultMode: 0o400 } });
    assert.deepEqual((container['volumeMounts'] as { name: string }[]).find((m) => m.name === 'nbstart-identity'), { name: 'nbstart-identity', mountPath: '/run/nbstart', readOnly: true });
    const env = Object.fromEntries((container['env'] as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
    assert.equal(env['NBSTART_AUTH_STATE_FILE'], '/run/nbstart/identity.json');
    assert.equal(env['JUPYTERHUB_USER'], 'ada_l');
    // The recipe's mount, at JupyterHub's name for her (where homeDirectory points).
    assert.deepEqual((container['volumeMounts'] as { name: string }[]).find((m) => m.name === 'nfs-home'), { name: 'nfs-home', mountPath: '/mnt/home/ada_l', subPath: 'ada_l' });
    const podText = JSON.stringify(pod);
    for (const s of [`"uid":${ID}`, 'physics', PASSWORD, slapd.searchPassword]) assert.ok(!podText.includes(s), `the pod spec holds ${JSON.stringify(s)}`);
    assert.equal(pod['spec']['securityContext']?.['fsGroup'], undefined, 'singleuser.fsGid: null leaves fsGroup out');

    const name = kube.containerName(podName!);
    const exec = (script: string, user?: string): string => {
      const r = podman(['exec', ...(user ? ['--user', user] : []), name, 'sh', '-c', script], { timeoutMs: 30 * SECOND });
      assert.equal(r.code, 0, `podman exec: exit ${r.code}\n${r.stdout}${r.stderr}`);
      return r.stdout;
    };
    await checkPerson(hub, { name: 'ada_l', uid: ID, gid: ID, group: 'ada', groups, identity, externalHome: '/mnt/home/ada_l' },
      exec, podman(['inspect', name]).stdout, [PASSWORD, slapd.searchPassword]);
    // The security context as the container has it: three capabilities at most, no_new_privs.
    assert.equal(exec('grep -E "^(CapBnd|NoNewPrivs)" /proc/1/status'), 'CapBnd:\t00000000000000c1\nNoNewPrivs:\t1\n');
    // The Secret's file as defaultMode 0400 makes it: root's alone (nbstart read it before the drop).
    assert.equal(exec('stat -c "%a %u:%g" /run/nbstart/identity.json'), '400 0:0\n');
    assert.notEqual(podman(['exec', '--user', `${ID}:${ID}`, name, 'cat', '/run/nbstart/identity.json']).code, 0, 'she can read the Secret');
    assert.ok(fs.statSync(path.join(home.src, 'jupyter', '.jupyter')).uid === ID, 'Jupyter\'s config dir was made by her in her home');

    await hub.stopServer('ada_l');
    assert.ok(kube.requests.includes(`DELETE /api/v1/namespaces/${NS}/secrets/${podName}-nbstart-identity`), 'kubespawner_cleanup deletes the Secret');
    await waitFor('the pod to go', 60 * SECOND, () => (podman(['ps', '-aq', '--filter', `name=^${name}$`]).stdout.trim() === '' ? true : undefined));
  });

  test('carol, in the directory without a uidNumber, gets no pod, and the hub log says why', async () => {
    const login = await new Browser().loginForm(hub.url, 'carol', PASSWORD);
    assert.equal(login.status, 302, `login of carol: HTTP ${login.status}\n${hub.tail()}`);
    await assertRefusedSpawn(hub, 'carol', /auth_state\.user_attributes\.uidNumber: missing; fix: set c\.LDAPAuthenticator\.auth_state_attributes/);
    assert.ok(![...kube.sent.keys()].some((k) => k.includes('carol')), `nothing was created for carol: ${kube.requests.join(', ')}`);
  });
});
