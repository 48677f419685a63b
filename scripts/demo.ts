// `npm run demo`: builds nbstart and the images, then starts JupyterLab 4 as a sample person (identity
// and groups from a hub-style auth_state file, a root-squashed external home, a label), shows what
// that person sees and saves a screenshot of JupyterLab with the label (its path is printed at the
// end). Needs root (rootful podman, a FUSE mount); installs what it needs via setup.sh.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launch, visit } from '../test/e2e/lib/chromium.ts';
import { BASE_NOTEBOOK, buildAll } from '../test/e2e/lib/images.ts';
import { podman, podmanOk, REPO } from '../test/e2e/lib/podman.ts';
import { squashedHome } from '../test/e2e/lib/squashed-home.ts';
import { freePort, jupyterVersion } from '../test/e2e/lib/net.ts';
import { DEMO_PERSON } from './demo-person.ts';

const say = (s: string): void => {
  process.stdout.write(`\n\x1b[1m== ${s}\x1b[0m\n`);
};
const LABEL = 'Demo · nbstart';
const SHOT = path.join(REPO, '.cache', 'demo', 'jupyterlab-with-label.png');
const PERSON = DEMO_PERSON;

async function main(): Promise<void> {
  if (process.geteuid?.() !== 0) throw new Error('the demo uses rootful podman and a FUSE mount: run it as root');
  say('1/6 machine: podman, base image (test/e2e/setup.sh)');
  execFileSync('bash', [path.join(REPO, 'test/e2e/setup.sh')], { stdio: 'inherit' });
  say('2/6 nbstart binary and the label\'s JupyterLab extension (npm run build)');
  execFileSync(process.execPath, [path.join(REPO, 'scripts/build.mjs')], { stdio: 'inherit', cwd: REPO });
  execFileSync(process.execPath, [path.join(REPO, 'scripts/labextension.ts')], { stdio: 'inherit', cwd: REPO });
  say('3/6 images: foundation, base-notebook with JupyterLab 4 from PyPI (cached by content hash)');
  buildAll({ tensorflow: false });

  say(`4/6 start JupyterLab as ${PERSON.name} (uid ${PERSON.uid}), identity from a hub auth_state file, home root-squashed`);
  const home = squashedHome(PERSON.name, PERSON.uid, { 'jupyter/.bashrc': 'export PS1="ada@notebook$ "\n', 'work/README.md': '# Ada\'s work, on the external home\n' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-demo-'));
  const auth = path.join(tmp, 'auth_state.json');
  // What hub/nbstart_hub.py hands over: the identity alone (hub/identity.schema.json), never a token.
  fs.writeFileSync(auth, JSON.stringify(PERSON), { mode: 0o400 });
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
      '-e', 'NBSTART_AUTH_STATE_FILE=/run/secrets/auth_state.json', '-e', `JUPYTER_TOKEN=${token}`, '-e', `NBSTART_LABEL=${LABEL}`,
      '-v', `${auth}:/run/secrets/auth_state.json:ro`, '-v', `${ini}:/etc/nbstart/nbstart.ini:ro`, '-v', `${home.parent}:/mnt/home:rbind`,
      BASE_NOTEBOOK, 'start-notebook.py', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`]);
    const api = `http://127.0.0.1:${port}/api`;
    const version = await jupyterVersion(api);
    process.stdout.write(`nbstart's log (stderr of the container):\n${podman(['logs', name]).stderr}`);
    if (version === undefined) throw new Error(`the server did not answer on ${api} within 30 s`);

    say('5/6 what the person sees');
    const exec = (cmd: string): string => podmanOk(['exec', '--user', String(PERSON.uid), name, 'sh', '-c', cmd]).stdout;
    process.stdout.write(`$ id\n${exec('id')}`);
    process.stdout.write(`$ ls -la ~\n${exec(`ls -la /home/${PERSON.name}/`)}`);
    process.stdout.write(`$ cat ~/work/README.md\n${exec(`cat /home/${PERSON.name}/work/README.md`)}`);
    process.stdout.write(`root in the container, on the same home: ${podman(['exec', name, 'stat', `/mnt/home/${PERSON.name}`]).stderr.trim()}\n`);
    process.stdout.write(`\nJupyterLab on Jupyter Server ${version} answers on ${api}\n`);
    const put = await fetch(`${api}/contents/work/from-jupyter.txt`, {
      method: 'PUT', headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'file', format: 'text', content: 'saved through the Jupyter contents API\n' }),
    });
    process.stdout.write(`PUT /api/contents/work/from-jupyter.txt -> HTTP ${put.status}\n`);
    process.stdout.write(`$ stat -c '%U:%G %n' ~/work/from-jupyter.txt\n${exec(`stat -c '%U:%G %n' /home/${PERSON.name}/work/from-jupyter.txt`)}`);
    if (put.status !== 201 && put.status !== 200) throw new Error(`saving through the server failed: HTTP ${put.status}`);

    say(`6/6 JupyterLab in headless Chromium, with the label ${JSON.stringify(LABEL)} beside the logo`);
    const browser = await launch();
    try {
      const seen = await visit(browser, `http://127.0.0.1:${port}/lab/tree/work/README.md?token=${token}`, '#nbstart-label', SHOT,
        async (page) => {
          await page.waitForSelector('.jp-FileEditor, .jp-RenderedMarkdown', { state: 'visible' }).catch(() => undefined);
          return page.locator('#nbstart-label').textContent();
        });
      process.stdout.write(`the top bar shows: ${JSON.stringify(seen.result)}\n`);
    } finally {
      await browser.close();
    }
  } finally {
    cleanup();
  }
  say('done: JupyterLab ran as the person, with their groups, their home and the label; the container is gone');
  process.stdout.write(`screenshot of JupyterLab with the label: ${SHOT}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo: ${(err as Error).message}\n`);
  process.exit(1);
});
