// The images the end-to-end tests use, built from this repository with podman, each once per
// content hash of its inputs (the binary included), so a re-run without changes builds nothing.

import { BASE_IMAGE, buildImage, pruneSuperseded } from './podman.ts';

// NBSTART_E2E_TAG keeps parallel checkouts (git worktrees) on one machine out of each other's images.
const TAG = process.env['NBSTART_E2E_TAG'] || 'test';
export const FOUNDATION = `localhost/nbstart-foundation:${TAG}`;
export const BASE_NOTEBOOK = `localhost/nbstart-base-notebook:${TAG}`;
/** The image a JupyterHub spawns: base-notebook, as in docker-stacks (jupyterhub-singleuser is in it). */
export const HUB_NOTEBOOK = BASE_NOTEBOOK;
export const TENSORFLOW_CPU = `localhost/nbstart-tensorflow-cpu:${TAG}`;
/** base-notebook with numpy and threadpoolctl, for the resources test's kernel. */
export const NUMPY_NOTEBOOK = `localhost/nbstart-numpy-notebook:${TAG}`;
export const PLAIN_STACKS = `localhost/nbstart-plain-stacks:${TAG}`;
export const SHIMMED = `localhost/nbstart-plain-stacks-shim:${TAG}`;

/**
 * What dist/nbstart is made from. The binary itself differs from build to build (the V8 code cache
 * in its SEA blob is not reproducible) while the bundle does not, so the foundation, and with it
 * base-notebook and tensorflow-cpu, minutes of pip installs, are keyed on these: an unchanged
 * source rebuilds nothing.
 */
const BINARY_SOURCES = ['build/nbstart.cjs', 'scripts/build.mjs', 'scripts/seed-pkg-cache.mjs', 'scripts/sbom.mjs', 'package-lock.json'];

/** What base-notebook installs from PyPI. */
export const BASE_NOTEBOOK_WHEELS = {
  name: 'base-notebook',
  requirements: ['docker-stacks/base-notebook/requirements.txt'],
  constraints: ['docker-stacks/base-notebook/constraints.txt'],
} as const;

/** What tensorflow-cpu adds, with base-notebook's pins. */
export const TENSORFLOW_CPU_WHEELS = {
  name: 'tensorflow-cpu',
  requirements: ['docker-stacks/tensorflow-cpu/requirements.txt'],
  constraints: [...BASE_NOTEBOOK_WHEELS.constraints, 'docker-stacks/tensorflow-cpu/constraints.txt'],
} as const;

/** Builds every test image (in dependency order); the TensorFlow image only when asked (the demo does not). */
export function buildAll(opts: { tensorflow?: boolean } = { tensorflow: true }): void {
  pruneSuperseded();
  buildImage({ tag: FOUNDATION, dockerfile: 'docker-stacks/foundation/Dockerfile', inputs: ['docker-stacks/foundation', ...BINARY_SOURCES, 'shim-layer/rootfs/usr/local/lib/nbstart', 'dist/labextension/nbstart-label'], buildArgs: { BASE_IMAGE }, from: [BASE_IMAGE] });
  buildImage({
    tag: BASE_NOTEBOOK, dockerfile: 'docker-stacks/base-notebook/Dockerfile', inputs: ['docker-stacks/base-notebook'], context: 'docker-stacks/base-notebook',
    buildArgs: { BASE_IMAGE: FOUNDATION }, from: [FOUNDATION], wheels: BASE_NOTEBOOK_WHEELS,
  });
  buildImage({
    tag: NUMPY_NOTEBOOK, dockerfile: 'test/e2e/images/numpy-notebook/Dockerfile', inputs: ['test/e2e/images/numpy-notebook'], context: 'test/e2e/images/numpy-notebook',
    buildArgs: { BASE_IMAGE: BASE_NOTEBOOK }, from: [BASE_NOTEBOOK],
    wheels: { name: 'numpy-notebook', requirements: ['test/e2e/images/numpy-notebook/requirements.txt'], constraints: ['test/e2e/images/numpy-notebook/constraints.txt', ...BASE_NOTEBOOK_WHEELS.constraints] },
  });
  if (opts.tensorflow) {
    buildImage({
      tag: TENSORFLOW_CPU, dockerfile: 'docker-stacks/tensorflow-cpu/Dockerfile', inputs: ['docker-stacks/tensorflow-cpu'], context: 'docker-stacks/tensorflow-cpu',
      buildArgs: { BASE_IMAGE: BASE_NOTEBOOK }, from: [BASE_NOTEBOOK], wheels: TENSORFLOW_CPU_WHEELS,
      // 1.5 GB of TensorFlow written into the build container, then again as the committed layer.
      diskGiB: 5,
    });
  }
  buildImage({ tag: PLAIN_STACKS, dockerfile: 'test/e2e/images/plain-stacks/Dockerfile', inputs: ['test/e2e/images/plain-stacks'], buildArgs: { BASE_IMAGE }, from: [BASE_IMAGE], context: 'test/e2e/images/plain-stacks' });
  buildImage({ tag: SHIMMED, dockerfile: 'shim-layer/Dockerfile', inputs: ['shim-layer/Dockerfile', 'shim-layer/rootfs', 'dist/nbstart', 'dist/labextension/nbstart-label'], buildArgs: { BASE_IMAGE: PLAIN_STACKS }, from: [PLAIN_STACKS] });
  pruneSuperseded();
}
