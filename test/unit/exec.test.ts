// Finding the command as execvp would, the shell's 126/127, and what survives into execve.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_PATH, envForExec, execFailureCode, execvp, resolveCommand } from '../../src/exec.ts';
import { captureLog, testdir } from './helpers.ts';

/** A tree with an executable, a plain file, a directory and a script in two PATH directories. */
function bins(): string {
  const root = testdir({ 'a/plain': 'data\n', 'a/tool/': '', 'b/tool': '#!/bin/sh\n', 'b/plain': '#!/bin/sh\n', 'b/run': '#!/bin/sh\n', 'c/notdir': 'x' });
  for (const f of ['b/tool', 'b/plain', 'b/run']) fs.chmodSync(path.join(root, f), 0o755);
  fs.chmodSync(path.join(root, 'a/plain'), 0o644);
  return root;
}

test('a path with "/": executable, missing (127), or not executable (126: a plain file or a directory)', () => {
  const root = bins();
  assert.deepEqual(resolveCommand(`${root}/b/run`, undefined), { ok: true, file: `${root}/b/run` });
  assert.deepEqual(resolveCommand(`${root}/b/nope`, undefined), { ok: false, code: 127, message: `${root}/b/nope: no such file` });
  assert.deepEqual(resolveCommand(`${root}/c/notdir/x`, undefined), { ok: false, code: 127, message: `${root}/c/notdir/x: no such file` }, 'ENOTDIR is missing');
  for (const p of [`${root}/a/plain`, `${root}/a/tool`]) {
    assert.deepEqual(resolveCommand(p, undefined), { ok: false, code: 126, message: `${p}: not executable (check its mode, or that it is not a directory)` }, p);
  }
});

test('a bare name is searched on PATH in order; a directory or plain file of that name earlier on PATH is passed over', () => {
  const root = bins();
  const PATH = `${root}/a:${root}/c/notdir:${root}/b`;
  assert.deepEqual(resolveCommand('tool', PATH), { ok: true, file: `${root}/b/tool` });
  assert.deepEqual(resolveCommand('plain', PATH), { ok: true, file: `${root}/b/plain` });
  assert.deepEqual(resolveCommand('run', PATH), { ok: true, file: `${root}/b/run` });
});

test('found only as something not executable: 126 naming the first such file; found nowhere: 127 naming PATH', () => {
  const root = bins();
  assert.deepEqual(resolveCommand('plain', `${root}/c:${root}/a`), { ok: false, code: 126, message: `${root}/a/plain: not executable by this user` });
  assert.deepEqual(resolveCommand('tool', `${root}/a`), { ok: false, code: 126, message: `${root}/a/tool: not executable by this user` });
  assert.deepEqual(resolveCommand('no-such-cmd', `${root}/a:${root}/b`), { ok: false, code: 127, message: `no-such-cmd: command not found in PATH=${root}/a:${root}/b` });
});

test('without PATH the default PATH is searched, and named when nothing is found', () => {
  const r = resolveCommand('nbstart-no-such-command', undefined);
  assert.deepEqual(r, { ok: false, code: 127, message: `nbstart-no-such-command: command not found in PATH=${DEFAULT_PATH}` });
  const sh = resolveCommand('sh', undefined);
  assert.ok(sh.ok && DEFAULT_PATH.split(':').includes(path.dirname(sh.file)), JSON.stringify(sh));
});

test('an empty PATH entry is the working directory, as for execvp', () => {
  const root = bins();
  const cwd = process.cwd();
  process.chdir(path.join(root, 'b'));
  try {
    assert.deepEqual(resolveCommand('run', `${root}/a::/nonexistent`), { ok: true, file: 'run' });
  } finally {
    process.chdir(cwd);
  }
});

test('execFailureCode: ENOENT and ENOTDIR are 127, everything else 126', () => {
  const err = (code: string) => Object.assign(new Error(code), { code });
  assert.equal(execFailureCode(err('ENOENT')), 127);
  assert.equal(execFailureCode(err('ENOTDIR')), 127);
  for (const c of ['EACCES', 'ENOEXEC', 'ETXTBSY', 'E2BIG', 'EPERM']) assert.equal(execFailureCode(err(c)), 126, c);
  assert.equal(execFailureCode(new Error('no code')), 126);
});

test('envForExec keeps only string values (unset ones are gone), empty strings included', () => {
  assert.deepEqual(envForExec({ A: '1', B: undefined, C: '' }), { A: '1', C: '' });
});

test('execvp of a command that cannot be found returns 127 and logs one error; nothing is executed', () => {
  const { log, lines } = captureLog();
  assert.equal(execvp(['no-such-cmd', 'x'], { PATH: '/nonexistent' }, log), 127);
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l['code']]), [['error', 'no-such-cmd: command not found in PATH=/nonexistent', 127]]);
});

test('execvp of an executable the kernel refuses (no #! line: ENOEXEC) returns 126 (in a child, which execve would replace)', () => {
  const root = testdir({ 'noshebang': 'echo hi\n', 'probe.ts': '' });
  fs.chmodSync(path.join(root, 'noshebang'), 0o755);
  const exec = new URL('../../src/exec.ts', import.meta.url).href;
  const helpers = new URL('./helpers.ts', import.meta.url).href;
  fs.writeFileSync(path.join(root, 'probe.ts'), [
    `import { execvp } from ${JSON.stringify(exec)};`,
    `import { captureLog } from ${JSON.stringify(helpers)};`,
    'const { log, lines } = captureLog();',
    `const code = execvp([${JSON.stringify(path.join(root, 'noshebang'))}], { PATH: '/usr/bin:/bin' }, log);`,
    'process.stdout.write(JSON.stringify({ code, lines: lines.map((l) => l.msg) }));',
  ].join('\n'));
  const r = spawnSync(process.execPath, [path.join(root, 'probe.ts')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { code: number; lines: string[] };
  assert.equal(out.code, 126);
  assert.equal(out.lines.length, 1);
  assert.match(out.lines[0]!, new RegExp(`^cannot execute ${root}/noshebang: .*(ENOEXEC|Exec format error)`));
});
