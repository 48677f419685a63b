// The pure parts of scripts/images/wheels.ts, and serveDir() on a real loopback port.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseTarget, pinsFromReport, pipTargetArgs, portFor, readPins, serveDir, wheelKey } from '../../../scripts/images/wheels.ts';
import { testdir } from '../helpers.ts';

test('the probe\'s output becomes a target; anything else is a message', () => {
  assert.deepEqual(parseTarget('3.11 2.36 x86_64\n'), { version: '3.11', glibc: '2.36', machine: 'x86_64' });
  assert.deepEqual(parseTarget('3.12 2.39 aarch64'), { version: '3.12', glibc: '2.39', machine: 'aarch64' });
  assert.match(parseTarget('3.12 none x86_64') as string, /not linked against glibc/);
  assert.match(parseTarget('sh: python3: not found') as string, /cannot tell the image's Python from "sh: python3: not found"/);
});

test('pip target options: only wheels, that CPython, every manylinux tag the glibc accepts', () => {
  const args = pipTargetArgs({ version: '3.11', glibc: '2.36', machine: 'x86_64' });
  assert.deepEqual(args.slice(0, 7), ['--only-binary=:all:', '--python-version', '3.11', '--implementation', 'cp', '--abi', 'cp311']);
  const platforms = args.filter((_, i) => args[i - 1] === '--platform');
  assert.equal(platforms[0], 'manylinux_2_36_x86_64');
  assert.ok(platforms.includes('manylinux_2_17_x86_64') && !platforms.includes('manylinux_2_37_x86_64') && !platforms.includes('manylinux_2_16_x86_64'));
  assert.deepEqual(platforms.slice(-3), ['manylinux2014_x86_64', 'manylinux2010_x86_64', 'manylinux1_x86_64']);
  const arm = pipTargetArgs({ version: '3.12', glibc: '2.39', machine: 'aarch64' });
  assert.ok(arm.includes('cp312') && arm.at(-1) === 'manylinux2014_aarch64', 'no manylinux1/2010 for aarch64');
});

test('the wheel key follows pins and target, not comments or blank lines', () => {
  const d = testdir({ 'a/requirements.txt': 'jupyterlab>=4.4\n', 'a/constraints.txt': '# pinned\njupyterlab==4.6.6\n' });
  const spec = { name: 'a', requirements: [path.join(d, 'a/requirements.txt')], constraints: [path.join(d, 'a/constraints.txt')] };
  const t = { version: '3.11', glibc: '2.36', machine: 'x86_64' };
  const k0 = wheelKey(spec, t);
  assert.match(k0, /^[0-9a-f]{16}$/);
  fs.writeFileSync(path.join(d, 'a/constraints.txt'), '# pinned: the versions tested\n\njupyterlab==4.6.6   # lab\n');
  assert.equal(wheelKey(spec, t), k0);
  fs.writeFileSync(path.join(d, 'a/constraints.txt'), 'jupyterlab==4.6.7\n');
  assert.notEqual(wheelKey(spec, t), k0, 'a new pin');
  assert.notEqual(wheelKey(spec, { ...t, version: '3.12' }), wheelKey(spec, t), 'another Python');
  assert.equal(portFor(k0), portFor(k0));
  assert.ok(portFor(k0) >= 20_000 && portFor(k0) < 40_000);
});

test('pins: from a pip report, normalized and sorted; from a constraints file', () => {
  const report = JSON.stringify({ install: [{ metadata: { name: 'Jupyter_Server', version: '2.21.1' } }, { metadata: { name: 'anyio', version: '4.16.0' } }] });
  assert.deepEqual(pinsFromReport(report), ['anyio==4.16.0', 'jupyter-server==2.21.1']);
  assert.deepEqual(readPins('# head\n\nanyio==4.16.0  # why\n  pip==26.3\n'), ['anyio==4.16.0', 'pip==26.3']);
});

test('serveDir: an index for --find-links and the files, on loopback; stop() ends it', async () => {
  const d = testdir({ 'w/demo-1.0-py3-none-any.whl': 'zip', 'w/.complete': '{}' });
  const served = serveDir(path.join(d, 'w'));
  try {
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await (await fetch(served.url)).text();
    assert.match(index, /<a href="demo-1\.0-py3-none-any\.whl">demo-1\.0-py3-none-any\.whl<\/a>/);
    assert.doesNotMatch(index, /complete/, 'dot files are not served');
    assert.equal(await (await fetch(`${served.url}demo-1.0-py3-none-any.whl`)).text(), 'zip');
    assert.equal((await fetch(`${served.url}..%2F..%2Fetc%2Fpasswd`)).status, 404);
  } finally {
    served.stop();
  }
  let refused = false;
  for (let i = 0; i < 50 && !refused; i++) {
    refused = await fetch(served.url).then(() => false, () => true);
    if (!refused) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(refused, 'the server is gone after stop()');
});
