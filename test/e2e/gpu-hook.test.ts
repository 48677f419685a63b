// The tensorflow-gpu start hooks, run in a container of the base-notebook image (TensorFlow itself
// needs PyPI, which this machine lacks): what 10-gpu-report says with and without GPUs, and what
// 10-gpu-env.sh exports. GPUs are faked: an nvidia-smi on PATH, a /dev/nvidia0 character device.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BASE_NOTEBOOK } from './lib/images.ts';
import { REPO, run, show } from './lib/podman.ts';

const HOOKS = path.join(REPO, 'docker-stacks/tensorflow-gpu/before-notebook.d');

// Two fake nvidia-smi: one that lists GPUs as the real one does, one whose driver is gone.
const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-fake-gpu-'));
fs.chmodSync(fake, 0o755);
for (const [dir, body] of [
  ['ok', 'echo "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-5c3a1f9e-0000-0000-0000-000000000000)"\necho "GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-5c3a1f9e-0000-0000-0000-000000000001)"'],
  ['broken', 'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver." >&2\nexit 9'],
] as const) {
  fs.mkdirSync(path.join(fake, dir), { mode: 0o755 });
  fs.writeFileSync(path.join(fake, dir, 'nvidia-smi'), `#!/bin/sh\n[ "$1" = "-L" ] || exit 2\n${body}\n`, { mode: 0o755 });
}

after(() => fs.rmSync(fake, { recursive: true, force: true }));

/** Runs `script` as root in a base-notebook container with the hooks at the image's hook path. */
function hook(script: string, env: Record<string, string> = {}) {
  return run({
    image: BASE_NOTEBOOK, user: 'root', env,
    volumes: [`${HOOKS}:/usr/local/bin/before-notebook.d:ro`, `${fake}:/fake:ro`],
    extra: ['--entrypoint', 'sh'], command: ['-c', script],
  });
}

const REPORT = '/usr/local/bin/before-notebook.d/10-gpu-report';

test('the hooks are laid out as the GPU Dockerfile copies them: report executable, env sourced', () => {
  assert.equal(fs.statSync(path.join(HOOKS, '10-gpu-report')).mode & 0o777, 0o755);
  assert.equal(fs.statSync(path.join(HOOKS, '10-gpu-env.sh')).mode & 0o777, 0o644);
  const dockerfile = fs.readFileSync(path.join(REPO, 'docker-stacks/tensorflow-gpu/Dockerfile'), 'utf8');
  assert.match(dockerfile, /^COPY before-notebook\.d\/ \/usr\/local\/bin\/before-notebook\.d\/$/m);
  assert.match(dockerfile, /^ARG BASE_IMAGE=localhost\/nbstart-base-notebook:latest$/m);
});

test('no GPU: the report says so on stderr, exits 0, prints nothing on stdout', () => {
  const r = hook(REPORT);
  assert.equal(r.code, 0, show(r));
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^gpu-report: no GPU visible \(no nvidia-smi, no \/dev\/nvidia<N>\): TensorFlow will run on the CPU; to use GPUs start the container with --gpus all/m);
  assert.match(r.stderr, /^gpu-report: TensorFlow environment: TF_FORCE_GPU_ALLOW_GROWTH=true TF_CPP_MIN_LOG_LEVEL=1 NVIDIA_VISIBLE_DEVICES=unset$/m);
});

test('GPUs through nvidia-smi: each one is listed', () => {
  const r = hook(`PATH=/fake/ok:$PATH ${REPORT}`, { NVIDIA_VISIBLE_DEVICES: 'all' });
  assert.equal(r.code, 0, show(r));
  assert.match(r.stderr, /^gpu-report: 2 GPU\(s\) visible \(nvidia-smi -L\):\ngpu-report: {3}GPU 0: NVIDIA A100-SXM4-40GB \(UUID: GPU-5c3a1f9e-0000-0000-0000-000000000000\)\ngpu-report: {3}GPU 1: NVIDIA A100-SXM4-40GB/m, show(r));
  assert.match(r.stderr, /NVIDIA_VISIBLE_DEVICES=all$/m);
});

test('a GPU device without nvidia-smi: the device is reported', () => {
  const r = hook(`mknod /dev/nvidia0 c 195 0 && mknod /dev/nvidiactl c 195 255 && ${REPORT}`);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stderr, /^gpu-report: 1 GPU device\(s\) visible: \/dev\/nvidia0; nvidia-smi is not available$/m, show(r));
});

test('a broken driver: nvidia-smi\'s complaint is passed on, and the devices still counted', () => {
  const r = hook(`mknod /dev/nvidia0 c 195 0 && mknod /dev/nvidia1 c 195 1 && PATH=/fake/broken:$PATH ${REPORT}`);
  assert.equal(r.code, 0, show(r));
  assert.match(r.stderr, /^gpu-report: nvidia-smi is on PATH but did not list GPUs: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver\.$/m, show(r));
  assert.match(r.stderr, /^gpu-report: 2 GPU device\(s\) visible: \/dev\/nvidia0 \/dev\/nvidia1; nvidia-smi is not available$/m);
});

test('10-gpu-env.sh, sourced, exports the TensorFlow settings and keeps values already set', () => {
  const show_ = 'env | grep -E "^(TF_|XLA_)" | sort';
  const r = hook(`. /usr/local/bin/before-notebook.d/10-gpu-env.sh && ${show_}`);
  assert.equal(r.stdout, 'TF_CPP_MIN_LOG_LEVEL=1\nTF_FORCE_GPU_ALLOW_GROWTH=true\n', show(r));
  const kept = hook(`. /usr/local/bin/before-notebook.d/10-gpu-env.sh && ${show_}`, { TF_FORCE_GPU_ALLOW_GROWTH: 'false' });
  assert.equal(kept.stdout, 'TF_CPP_MIN_LOG_LEVEL=1\nTF_FORCE_GPU_ALLOW_GROWTH=false\n', show(kept));
  const cuda = hook(`mkdir -p /usr/local/cuda/nvvm/libdevice && . /usr/local/bin/before-notebook.d/10-gpu-env.sh && ${show_}`);
  assert.match(cuda.stdout, /^XLA_FLAGS=--xla_gpu_cuda_data_dir=\/usr\/local\/cuda$/m, show(cuda));
  const quiet = hook('. /usr/local/bin/before-notebook.d/10-gpu-env.sh');
  assert.equal(`${quiet.stdout}${quiet.stderr}`, '', 'sourcing prints nothing');
});
