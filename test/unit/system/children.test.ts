// The script process groups nbstart ends with it on SIGTERM/SIGINT/SIGHUP. Run in a child node
// process (signal handlers and exits are process-wide), which starts two `sleep` groups of its own.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dies, testdir } from '../helpers.ts';


function probe(): string {
  const root = testdir({});
  const file = path.join(root, 'probe.ts');
  fs.writeFileSync(file, [
    `import { spawn } from 'node:child_process';`,
    `import { exitOnSignals, track, untrack } from ${JSON.stringify(new URL('../../../src/system/children.ts', import.meta.url).href)};`,
    `const a = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });`,
    `const b = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });`,
    'a.unref(); b.unref();',
    'track(a.pid!); track(b.pid!); untrack(b.pid!);',
    'exitOnSignals((code) => { process.stdout.write(`exit ${code}\\n`); process.exit(code); });',
    'process.stdout.write(`${a.pid} ${b.pid}\\n`);',
    'setInterval(() => {}, 1000);',
  ].join('\n'));
  return file;
}

for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
  test(`${signal}: every tracked group is killed and the exit code is ${code}; an untracked child is left alone`, async () => {
    const child = spawn(process.execPath, [probe()], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const pids = await new Promise<number[]>((resolve) => child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!.split(' ').map(Number));
    }));
    const [tracked, untracked] = pids as [number, number];
    try {
      const status = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      child.kill(signal);
      assert.equal(await status, code);
      assert.match(out, new RegExp(`exit ${code}\\n$`));
      assert.ok(await dies(tracked), 'the tracked group is gone');
      assert.doesNotThrow(() => process.kill(untracked, 0), 'the untracked child still runs');
    } finally {
      for (const pid of pids) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
    }
  });
}
