// The base-notebook image: its default command (start-notebook.py: JupyterLab 4 on Jupyter Server 2)
// started through nbstart answers on loopback and saves files as the person.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE_NOTEBOOK } from './lib/images.ts';
import { freePort, jupyterVersion } from './lib/net.ts';
import { podman, podmanOk } from './lib/podman.ts';

test('JupyterLab runs as the person and saves files as them', async () => {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const name = `nbstart-notebook-${process.pid}`;
  podmanOk(['run', '-d', '--pull=never', '--name', name, '--network', 'host', '--user', 'root',
    '-e', 'NB_USER=alice', '-e', 'NB_UID=1010', '-e', 'NB_GID=1010', '-e', 'NBSTART_GROUPS=physics:3000', '-e', `JUPYTER_TOKEN=${token}`,
    BASE_NOTEBOOK, 'start-notebook.py', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`]);
  try {
    const api = `http://127.0.0.1:${port}/api`;
    const version = await jupyterVersion(api);
    const logs = podman(['logs', name]);
    assert.ok(version, `no answer on ${api}\n${logs.stdout}\n${logs.stderr}`);
    assert.match(logs.stderr, /exec start-notebook\.py .* as alice \(uid 1010, gid 1010\) in \/home\/alice/);
    assert.match(logs.stderr, /^Executing: jupyter lab --ServerApp\.ip=127\.0\.0\.1 --ServerApp\.port=\d+$/m);
    assert.match(version!, /^2\.\d+\.\d+$/, 'Jupyter Server 2');
    const put = await fetch(`${api}/contents/hello.txt`, {
      method: 'PUT', headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'file', format: 'text', content: 'hi\n' }),
    });
    assert.equal(put.status, 201, await put.text());
    assert.equal(podmanOk(['exec', name, 'stat', '-c', '%U:%G %a', '/home/alice/hello.txt']).stdout, 'alice:alice 644\n');
    const groups = podmanOk(['exec', name, 'sh', '-c', 'grep ^Groups: /proc/$(cat /proc/1/task/1/children | cut -d" " -f1)/status']).stdout;
    assert.equal(groups, 'Groups:\t100 1010 3000 \n');
  } finally {
    podman(['rm', '-f', '-t', '0', name]);
  }
});
