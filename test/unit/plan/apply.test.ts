import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLogger } from '../../../src/log.ts';
import { apply } from '../../../src/plan/apply.ts';
import type { FileWrite, Op } from '../../../src/plan/ops.ts';
import { testdir } from '../helpers.ts';

const log = createLogger('silent', 'json');
const file = (p: string, content: string, validate?: string[]): FileWrite => ({
  path: p, content, mode: 0o644, uid: process.getuid!(), gid: process.getgid!(), summary: 's', ...(validate && { validate }),
});
const writes = (...files: FileWrite[]): Op => ({ kind: 'write-files', files, why: 'w' });
const ctx = (root: string) => ({ root, state: { env: {}, cwd: '/' }, log, scripts: { timeoutMs: 0, onFailure: () => 'continue' as const } });

test('one write-files op is one step: when the last file cannot be written, none is replaced', async () => {
  const root = testdir({ 'etc/passwd': 'old passwd\n', 'etc/group': 'old group\n', 'etc/shadow': 'old shadow\n' });
  const ops = [writes(file('/etc/passwd', 'new passwd\n'), file('/etc/group', 'new group\n'), file('/etc/shadow', 'bad\n', ['/bin/false']))];
  await assert.rejects(apply(ops, ctx(root)), /write \/etc\/shadow: \/bin\/false rejected the new file.*nothing written: \/etc\/passwd, \/etc\/group, \/etc\/shadow are as they were/);
  for (const f of ['passwd', 'group', 'shadow']) assert.equal(fs.readFileSync(path.join(root, 'etc', f), 'utf8'), `old ${f}\n`);
  assert.deepEqual(fs.readdirSync(path.join(root, 'etc')).sort(), ['group', 'passwd', 'shadow'], 'no temp file left');
});

test('when every write can be made, all are replaced', async () => {
  const root = testdir({ 'etc/passwd': 'old\n', 'etc/group': 'old\n' });
  await apply([writes(file('/etc/passwd', 'p\n'), file('/etc/group', 'g\n'))], ctx(root));
  assert.equal(fs.readFileSync(path.join(root, 'etc/passwd'), 'utf8'), 'p\n');
  assert.equal(fs.readFileSync(path.join(root, 'etc/group'), 'utf8'), 'g\n');
});
