import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { nssWrapper } from '../../../src/hooks/nss-wrapper.ts';
import { fileWrites } from '../helpers.ts';
import { rootContext } from './context.ts';

const LIB = { 'usr/lib/x86_64-linux-gnu/libnss_wrapper.so': '' };

test('a non-root uid without an entry gets passwd/group files and LD_PRELOAD', async () => {
  const ctx = rootContext({ NB_USER: 'alice' }, LIB, '/home/jovyan', false);
  const plan = await nssWrapper.plan(ctx);
  const passwd = fileWrites(plan.ops).find((f) => f.path.endsWith('/passwd'));
  assert.ok(passwd);
  assert.match(passwd.content, /^alice:x:1010:0::\/home\/jovyan:\/bin\/bash$/m);
  assert.doesNotMatch(passwd.content, /^jovyan:/m);
  const env = Object.fromEntries(plan.ops.filter((o) => o.kind === 'set-env').map((o) => [o.name, o.value]));
  assert.equal(env['LD_PRELOAD'], '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so');
  assert.equal(env['NSS_WRAPPER_PASSWD'], '/tmp/nbstart-nss-1010/passwd');
});

test('without the library it warns precisely', async () => {
  const plan = await nssWrapper.plan(rootContext({}, {}, '/', false));
  assert.deepEqual(plan.ops, []);
  assert.match(plan.notes[0]!.msg, /install libnss-wrapper/);
});

test('a root start needs no wrapper', async () => {
  assert.deepEqual((await nssWrapper.plan(rootContext({}, LIB))).ops, []);
});

test('a link planted at /tmp/nbstart-nss-<uid> is not followed: a fresh private directory is used', async () => {
  const ctx = rootContext({ NB_USER: 'alice' }, { ...LIB, 'etc/shadow': 'root:secret:' }, '/home/jovyan', false);
  fs.mkdirSync(`${ctx.fs.root}/tmp`, { recursive: true });
  fs.symlinkSync(`${ctx.fs.root}/etc`, `${ctx.fs.root}/tmp/nbstart-nss-1010`);
  const plan = await nssWrapper.plan(ctx);
  const mkdir = plan.ops.find((o) => o.kind === 'mkdir');
  assert.ok(mkdir && mkdir.kind === 'mkdir');
  assert.equal(mkdir.path, '/tmp/nbstart-nss-1010-0123456789abcdef', 'the start\'s nonce (src/facts.ts)');
  assert.ok(fileWrites(plan.ops).every((f) => f.path.startsWith(`${mkdir.path}/`)));
  const env = Object.fromEntries(plan.ops.filter((o) => o.kind === 'set-env').map((o) => [o.name, o.value]));
  assert.equal(env['NSS_WRAPPER_PASSWD'], `${mkdir.path}/passwd`);
  assert.match(plan.notes[0]!.msg, /^\/tmp\/nbstart-nss-1010 is a symbolic link: not used; nss_wrapper files go to /);
});
