// `npm run demo`: builds nbstart and the images, then starts a real Jupyter server as a sample person
// (identity and groups from a hub-style auth_state file, a root-squashed external home) and shows what
// that person sees. Needs root (rootful podman, a FUSE mount); installs what it needs via setup.sh.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BASE_NOTEBOOK, buildAll } from '../test/e2e/lib/images.ts';
import { podman, podmanOk, REPO } from '../test/e2e/lib/podman.ts';
import { squashedHome } from '../test/e2e/lib/squashed-home.ts';
import { freePort, jupyterVersion } from '../test/e2e/lib/net.ts';

const say = (s: string): void => {
  process.stdout.write(`\n\x1b[1m== ${s}\x1b[0m\n`);
};
const PERSON = { name: 'ada', uid: 2001, gid: 2001, groups: [{ name: 'physics', gid: 3000 }, { name: 'hpc-users', gid: 3001 }] };

async function main(): Promise<void> {
  if (process.geteuid?.() !== 0) throw new Error('the demo uses rootful podman and a FUSE mount: run it as root');
  say('1/5 machine: podman, base image (test/e2e/setup.sh)');
  execFileSync('bash', [path.join(REPO, 'test/e2e/setup.sh')], { stdio: 'inherit' });
  say('2/5 nbstart binary (npm run build)');
  execFileSync(process.execPath, [path.join(REPO, 'scripts/build.mjs')], { stdio: 'inherit', cwd: REPO });
  say('3/5 images: foundation, base-notebook (cached by content hash)');
  buildAll();

  say(`4/5 start a notebook server as ${PERSON.name} (uid ${PERSON.uid}), identity from a hub auth_state file, home root-squashed`);
  const home = squashedHome(PERSON.name, PERSON.uid, { 'jupyter/.bashrc': 'export PS1="ada@notebook$ "\n', 'work/README.md': '# Ada\'s work, on the external home\n' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-demo-'));
  const auth = path.join(tmp, 'auth_state.json');
  fs.writeFileSync(auth, JSON.stringify({ ...PERSON, access_token: 'never-reaches-the-notebook' }), { mode: 0o400 });
  const ini = path.join(tmp, 'nbstart.ini');
  fs.writeFileSync(ini, '[home]\nsource = /mnt/home/{user}\nlinks = work\n');
  fs.chmodSync(ini, 0o644);
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const name = `nbstart-demo-${process.pid}`;
  const cleanup = (): void => {
    podman(['rm', '-f', '-t', '0', name]);
    home.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    podmanOk(['run', '-d', '--pull=never', '--name', name, '--network', 'host', '--user', 'root',
      '-e', 'NBSTART_AUTH_STATE_FILE=/run/secrets/auth_state.json', '-e', `JUPYTER_TOKEN=${token}`,
      '-v', `${auth}:/run/secrets/auth_state.json:ro`, '-v', `${ini}:/etc/nbstart/nbstart.ini:ro`, '-v', `${home.parent}:/mnt/home:rbind`,
      BASE_NOTEBOOK, 'python3', '-m', 'jupyter_server', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.open_browser=False']);
    const api = `http://127.0.0.1:${port}/api`;
    const version = await jupyterVersion(api);
    process.stdout.write(`nbstart's log (stderr of the container):\n${podman(['logs', name]).stderr}`);
    if (version === undefined) throw new Error(`the server did not answer on ${api} within 30 s`);

    say('5/5 what the person sees');
    const exec = (cmd: string): string => podmanOk(['exec', '--user', String(PERSON.uid), name, 'sh', '-c', cmd]).stdout;
    process.stdout.write(`$ id\n${exec('id')}`);
    process.stdout.write(`$ ls -la ~\n${exec(`ls -la /home/${PERSON.name}/`)}`);
    process.stdout.write(`$ cat ~/work/README.md\n${exec(`cat /home/${PERSON.name}/work/README.md`)}`);
    process.stdout.write(`root in the container, on the same home: ${podman(['exec', name, 'stat', `/mnt/home/${PERSON.name}`]).stderr.trim()}\n`);
    process.stdout.write(`\nJupyter Server ${version} answers on ${api}\n`);
    const put = await fetch(`${api}/contents/work/from-jupyter.txt`, {
      method: 'PUT', headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'file', format: 'text', content: 'saved through the Jupyter contents API\n' }),
    });
    process.stdout.write(`PUT /api/contents/work/from-jupyter.txt -> HTTP ${put.status}\n`);
    process.stdout.write(`$ stat -c '%U:%G %n' ~/work/from-jupyter.txt\n${exec(`stat -c '%U:%G %n' /home/${PERSON.name}/work/from-jupyter.txt`)}`);
    // Only the process's own uid may read its environ (root here has no CAP_SYS_PTRACE).
    const environ = exec('for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = python3 ] && tr "\\0" "\\n" < $p/environ; done; true');
    process.stdout.write(`the server's environment has the hub's token: ${environ.includes('never-reaches') ? 'YES (bug!)' : 'no'}\n`);
    if (put.status !== 201 && put.status !== 200) throw new Error(`saving through the server failed: HTTP ${put.status}`);
  } finally {
    cleanup();
  }
  say('done: the server ran as the person, with their groups and their home; everything was removed');
}

main().catch((err: unknown) => {
  process.stderr.write(`demo: ${(err as Error).message}\n`);
  process.exit(1);
});
