// The images the end-to-end tests use, built from this repository with podman, each once per
// content hash of its inputs (the binary included), so a re-run without changes builds nothing.

import { BASE_IMAGE, buildImage } from './podman.ts';

// NBSTART_E2E_TAG keeps parallel checkouts (git worktrees) on one machine out of each other's images.
const TAG = process.env['NBSTART_E2E_TAG'] || 'test';
export const FOUNDATION = `localhost/nbstart-foundation:${TAG}`;
export const BASE_NOTEBOOK = `localhost/nbstart-base-notebook:${TAG}`;
export const HUB_NOTEBOOK = `localhost/nbstart-hub-notebook:${TAG}`;
export const PLAIN_STACKS = `localhost/nbstart-plain-stacks:${TAG}`;
export const SHIMMED = `localhost/nbstart-plain-stacks-shim:${TAG}`;
export const CLASSIC_NOTEBOOK = `localhost/nbstart-classic-notebook:${TAG}`;

/** Builds every test image (in dependency order). */
export function buildAll(): void {
  buildImage({ tag: FOUNDATION, dockerfile: 'docker-stacks/foundation/Dockerfile', inputs: ['docker-stacks/foundation', 'dist/nbstart', 'dist/nbstart.cdx.json', 'shim-layer/rootfs/usr/local/lib/nbstart'], buildArgs: { BASE_IMAGE }, from: [BASE_IMAGE] });
  buildImage({ tag: BASE_NOTEBOOK, dockerfile: 'docker-stacks/base-notebook/Dockerfile', inputs: ['docker-stacks/base-notebook'], buildArgs: { BASE_IMAGE: FOUNDATION }, from: [FOUNDATION] });
  buildImage({ tag: HUB_NOTEBOOK, dockerfile: 'docker-stacks/hub-notebook/Dockerfile', inputs: ['docker-stacks/hub-notebook'], buildArgs: { BASE_IMAGE: BASE_NOTEBOOK }, from: [BASE_NOTEBOOK] });
  buildImage({ tag: CLASSIC_NOTEBOOK, dockerfile: 'docker-stacks/classic-notebook/Dockerfile', inputs: ['docker-stacks/classic-notebook'], buildArgs: { BASE_IMAGE: BASE_NOTEBOOK }, from: [BASE_NOTEBOOK] });
  buildImage({ tag: PLAIN_STACKS, dockerfile: 'test/e2e/images/plain-stacks/Dockerfile', inputs: ['test/e2e/images/plain-stacks'], buildArgs: { BASE_IMAGE }, from: [BASE_IMAGE], context: 'test/e2e/images/plain-stacks' });
  buildImage({ tag: SHIMMED, dockerfile: 'shim-layer/Dockerfile', inputs: ['shim-layer', 'dist/nbstart', 'dist/nbstart.cdx.json'], buildArgs: { BASE_IMAGE: PLAIN_STACKS }, from: [PLAIN_STACKS] });
}
