// The tensorflow-cpu image, built from PyPI's tensorflow-cpu: TensorFlow computes as a changed person
// (NB_USER/NB_UID, the entrypoint's refit), and the kernel "Python 3 (TensorFlow CPU)" that
// JupyterLab's server lists runs a TensorFlow cell sent over its websocket.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TENSORFLOW_CPU } from './lib/images.ts';
import { openSession } from './lib/kernel.ts';
import { run, show } from './lib/podman.ts';
import { startServer } from './lib/server.ts';

// [[1, 2], [3, 4]] squared is [[7, 10], [15, 22]]: 54 in all.
const COMPUTE = 'import getpass, os, tensorflow as tf; x = tf.constant([[1., 2.], [3., 4.]]); '
  + 'print(getpass.getuser(), os.getuid(), float(tf.reduce_sum(tf.matmul(x, x))), len(tf.config.list_physical_devices("GPU")))';
const QUIET = { TF_CPP_MIN_LOG_LEVEL: '2' };

test('TensorFlow computes as the person the container was started for', () => {
  const r = run({ image: TENSORFLOW_CPU, user: 'root', env: { NB_USER: 'alice', NB_UID: '1010', ...QUIET }, command: ['python', '-c', COMPUTE] });
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, 'alice 1010 54.0 0\n', show(r));
  assert.match(r.stderr, /exec python -c .* as alice \(uid 1010, gid 100\)/);
});

test('the kernel "Python 3 (TensorFlow CPU)" runs a TensorFlow cell sent through the server', async () => {
  const s = await startServer({ image: TENSORFLOW_CPU, env: { NB_USER: 'alice', NB_UID: '1010', ...QUIET } });
  try {
    const specs = JSON.parse(await s.get('/api/kernelspecs')) as { default: string; kernelspecs: Record<string, { spec: { display_name: string } }> };
    assert.deepEqual(Object.entries(specs.kernelspecs).map(([k, v]) => [k, v.spec.display_name]), [['python3', 'Python 3 (TensorFlow CPU)']]);
    assert.equal(specs.default, 'python3');
    const session = await openSession(s, 'tf.ipynb');
    const cell = await session.run(COMPUTE, { timeoutMs: 180_000 });
    assert.equal(cell.status, 'ok', JSON.stringify(cell));
    assert.equal(cell.stdout, 'alice 1010 54.0 0\n');
    const version = await session.run('tf.__version__');
    assert.match(version.result ?? '', /^'2\.\d+\.\d+'$/);
    await session.close();
  } finally {
    s.stop();
  }
});
