// base-notebook's CMD, start-notebook.py (docker-stacks' contract, written for nbstart): which server
// it starts for DOCKER_STACKS_JUPYTER_CMD, NOTEBOOK_ARGS and JUPYTERHUB_API_TOKEN, as a table run
// through the entrypoint (`--version` makes each server say what it is and exit), bad settings, and
// RESTARTABLE=yes with a real JupyterLab that is killed and comes back.
// (Jupyter Server itself is proven to start from this CMD by notebook.test.ts, label.test.ts and the rest.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_NOTEBOOK } from './lib/images.ts';
import { podman, run, show } from './lib/podman.ts';
import { startServer } from './lib/server.ts';

const versions = ((): Record<string, string> => {
  const r = run({ image: BASE_NOTEBOOK, command: ['sh', '-c', 'pip list --format=freeze 2>/dev/null'] });
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('==') as [string, string]));
})();

/** Each case: the environment and command, what the script says it executes, and the version printed. */
const CASES: { name: string; env?: Record<string, string>; command?: string[]; note?: string; executing: string; stdout: string }[] = [
  { name: 'default: JupyterLab', executing: 'jupyter lab --version', stdout: versions['jupyterlab']! },
  { name: 'DOCKER_STACKS_JUPYTER_CMD=notebook: Notebook 7', env: { DOCKER_STACKS_JUPYTER_CMD: 'notebook' }, executing: 'jupyter notebook --version', stdout: versions['notebook']! },
  { name: 'DOCKER_STACKS_JUPYTER_CMD=server: Jupyter Server alone', env: { DOCKER_STACKS_JUPYTER_CMD: 'server' }, executing: 'jupyter server --version', stdout: versions['jupyter_server']! },
  { name: 'NOTEBOOK_ARGS, split as a shell would, before the arguments', env: { NOTEBOOK_ARGS: `--ServerApp.base_url=/course/ '--ServerApp.custom_display_url=http://nb.example/a b'` }, executing: `jupyter lab --ServerApp.base_url=/course/ '--ServerApp.custom_display_url=http://nb.example/a b' --version`, stdout: versions['jupyterlab']! },
  {
    name: 'JUPYTERHUB_API_TOKEN: jupyterhub-singleuser, whatever else is set', env: { JUPYTERHUB_API_TOKEN: 'x', DOCKER_STACKS_JUPYTER_CMD: 'notebook', RESTARTABLE: 'yes' },
    note: 'start-notebook.py: JUPYTERHUB_API_TOKEN is set: starting the server for JupyterHub (start-singleuser.py) instead', executing: 'jupyterhub-singleuser --version', stdout: versions['jupyterhub']!,
  },
  { name: 'start-singleuser.py, with NOTEBOOK_ARGS', env: { NOTEBOOK_ARGS: '--version' }, command: ['start-singleuser.py'], executing: 'jupyterhub-singleuser --version', stdout: versions['jupyterhub']! },
  {
    name: 'start-singleuser.sh: the old name still works, with a note', command: ['start-singleuser.sh', '--version'],
    note: 'start-singleuser.sh: note: start-singleuser.py is the name to use; start-singleuser.sh is kept for old configurations', executing: 'jupyterhub-singleuser --version', stdout: versions['jupyterhub']!,
  },
];

/** A shell word, single-quoted. */
const q = (w: string): string => `'${w.replaceAll("'", "'\\''")}'`;

test('start-notebook.py: each setting starts the server it names, as the person (one container, one start per case)', () => {
  // nbstart makes alice once; then each case runs the start script as her, as the CMD would.
  const script = CASES.map((c, i) => `echo "=== ${i}"; env ${Object.entries(c.env ?? {}).map(([k, v]) => q(`${k}=${v}`)).join(' ')} ${(c.command ?? ['start-notebook.py', '--version']).map(q).join(' ')} 2>&1; echo "rc=$?"`).join('\n');
  const r = run({ image: BASE_NOTEBOOK, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010' }, command: ['sh', '-c', `id -un; ${script}`] });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stderr, /exec sh -c [\s\S]* as alice \(uid 1010, gid 100\)/);
  const [who, ...outputs] = r.stdout.split(/^=== \d+\n/m);
  assert.equal(who, 'alice\n');
  for (const [i, c] of CASES.entries()) {
    assert.deepEqual(outputs[i]!.trim().split('\n'), [...(c.note ? [c.note] : []), `Executing: ${c.executing}`, c.stdout, 'rc=0'], `${c.name}\n${show(r)}`);
  }
});

test('start-notebook.py: bad settings are one line naming the setting, the value and the fix; exit 1', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ DOCKER_STACKS_JUPYTER_CMD: 'nbclassic' }, /^start-notebook\.py: DOCKER_STACKS_JUPYTER_CMD=nbclassic: jupyter-nbclassic is not installed in this image; fix: use one of lab, notebook, server$/m],
    [{ DOCKER_STACKS_JUPYTER_CMD: 'lab --debug' }, /^start-notebook\.py: DOCKER_STACKS_JUPYTER_CMD='lab --debug': expected one jupyter subcommand; fix: /m],
    [{ NOTEBOOK_ARGS: '--ServerApp.base_url="/open' }, /^start-notebook\.py: NOTEBOOK_ARGS='--ServerApp\.base_url="\/open': cannot be split into arguments \(No closing quotation\); fix: /m],
  ];
  for (const [env, re] of cases) {
    const r = run({ image: BASE_NOTEBOOK, env, command: ['start-notebook.py'] });
    assert.equal(r.code, 1, show(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, re, show(r));
    assert.doesNotMatch(r.stderr, /Traceback|Executing/);
  }
});

test('RESTARTABLE=yes: a server that dies is started again; stopping the container stops it for good', async () => {
  const s = await startServer({ image: BASE_NOTEBOOK, env: { NB_USER: 'alice', NB_UID: '1010', RESTARTABLE: 'yes' } });
  try {
    // tini -> start-notebook.py (the supervisor, as alice) -> jupyter-lab.
    const pids = (): { supervisor: string; server: string } => {
      const supervisor = s.exec(['cat', '/proc/1/task/1/children']).stdout.trim();
      return { supervisor, server: s.exec(['cat', `/proc/${supervisor}/task/${supervisor}/children`]).stdout.trim() };
    };
    const before = pids();
    assert.match(before.server, /^\d+$/, s.logs());
    assert.equal(s.exec(['stat', '-c', '%u', `/proc/${before.supervisor}`]).stdout, '1010\n', 'the supervisor runs as the person');
    assert.equal(s.exec(['sh', '-c', `kill -KILL ${before.server}`]).code, 0);
    let after = pids();
    // Bounded: 30 s for a new server process that answers.
    for (let i = 0; i < 150; i++) {
      after = pids();
      if (/^\d+$/.test(after.server) && after.server !== before.server && (await s.request('GET', '/api/status').then((r) => r.status, () => 0)) === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.notEqual(after.server, before.server, s.logs());
    assert.equal(after.supervisor, before.supervisor);
    assert.equal((await s.request('GET', '/api/status')).status, 200, s.logs());
    assert.match(s.logs(), /^start-notebook\.py: jupyter lab was killed by SIGKILL; RESTARTABLE=yes: starting it again in 1 s$/m);
    const stop = podman(['stop', '-t', '20', s.name]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(podman(['inspect', '--format', '{{.State.Status}}', s.name]).stdout.trim(), 'exited');
    assert.equal(s.logs().match(/starting it again/g)?.length, 1, 'no restart after the stop');
  } finally {
    s.stop();
  }
});
