import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nssWrapper } from '../../../src/hooks/nss-wrapper.ts';
import { rootContext } from './context.ts';

const LIB = { 'usr/lib/x86_64-linux-gnu/libnss_wrapper.so': '' };

test('a non-root uid without an entry gets passwd/group files and LD_PRELOAD', async () => {
  const ctx = rootContext({ NB_USER: 'alice' }, LIB, '/home/jovyan', false);
  const plan = await nssWrapper.plan(ctx);
  const passwd = plan.ops.find((o) => o.kind === 'write-file' && o.path.endsWith('/passwd'));
  assert.ok(passwd && passwd.kind === 'write-file');
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
