// Hook environment: the command's environment for the person, NB_UMASK, and what never reaches it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { environment, scrubbed } from '../../../src/hooks/environment.ts';
import type { Op } from '../../../src/plan/ops.ts';
import { rootContext } from './context.ts';

const PERSON = { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' };
const short = (ops: readonly Op[]): string[] => ops.map((o) => (o.kind === 'set-env' ? `${o.name}=${o.value}` : o.kind === 'unset-env' ? `-${o.name}` : o.kind === 'umask' ? `umask ${o.mask.toString(8)}` : o.kind));

test('scrubbed: sudo\'s leftovers and nbstart\'s secret-bearing variables, sorted', () => {
  assert.deepEqual(scrubbed({ SUDO_USER: 'x', NBSTART_AUTH_STATE_FILE: '/s', PATH: '/bin', SUDO_UID: '0', NBSTART_AUTH_STATE: '{}', NBSTART_AUTH_STATE_PRESET: 'ldap', XSUDO_A: 'y' }),
    ['NBSTART_AUTH_STATE', 'NBSTART_AUTH_STATE_FILE', 'SUDO_UID', 'SUDO_USER']);
});

test('the person\'s variables, the start.sh marker; nothing else of the environment is touched', async () => {
  const ctx = rootContext(PERSON);
  const plan = await environment.plan({ ...ctx, env: { PATH: '/custom/bin', ...PERSON } });
  assert.deepEqual(short(plan.ops), [
    'HOME=/home/alice', 'USER=alice', 'LOGNAME=alice', 'SHELL=/bin/bash', 'XDG_CACHE_HOME=/home/alice/.cache', '_START_SH_EXECUTED=1',
  ], 'NB_USER, NB_UID and NB_GID already say who the command runs as');
  assert.deepEqual(plan.notes, []);
  assert.deepEqual(environment.needs(ctx), {});
  assert.equal(environment.asked(ctx), undefined);
});

test('NB_* baked into the image say who the command really runs as; values already right are not planned again', async () => {
  const ctx = rootContext({ NB_UID: '1010' });
  const plan = await environment.plan({ ...ctx, env: { NB_USER: 'jovyan', NB_UID: '1000', NB_GID: '100', HOME: '/home/jovyan', USER: 'jovyan', LOGNAME: 'jovyan', SHELL: '/bin/bash', XDG_CACHE_HOME: '/home/jovyan/.cache', _START_SH_EXECUTED: '1' } });
  assert.deepEqual(short(plan.ops), ['NB_UID=1010']);
});

test('JUPYTER_ENV_VARS_TO_UNSET removes the listed variables that are set; scrubbed ones always go; NB_UMASK is an op', async () => {
  const ctx = rootContext({ ...PERSON, JUPYTER_ENV_VARS_TO_UNSET: 'SECRET_A,ABSENT', NB_UMASK: '002' });
  const plan = await environment.plan({ ...ctx, env: { ...ctx.env, SECRET_A: 'a', KEEP: 'k', SUDO_USER: 'root', NBSTART_AUTH_STATE: '{"token":1}' } });
  const tail = short(plan.ops).slice(-4);
  assert.deepEqual(tail, ['-SECRET_A', '-NBSTART_AUTH_STATE', '-SUDO_USER', 'umask 2']);
  const unset = plan.ops.filter((o) => o.kind === 'unset-env').map((o) => [o.name, o.why]);
  assert.deepEqual(unset, [['SECRET_A', 'listed in JUPYTER_ENV_VARS_TO_UNSET'], ['NBSTART_AUTH_STATE', 'never passed to the command'], ['SUDO_USER', 'never passed to the command']]);
});
