// Builds the end-to-end test images before the test files run (they share them). A missing engine
// or base image is one clear line saying what to do, not a stack trace.
import { spawnSync } from 'node:child_process';
import { buildAll } from './lib/images.ts';
import { BASE_IMAGE, podman } from './lib/podman.ts';

function fail(msg: string): never {
  process.stderr.write(`e2e: ${msg}\n`);
  process.exit(1);
}

if (spawnSync('podman', ['--version']).error) fail('podman is not installed: run `bash test/e2e/setup.sh` as root (it installs podman runc mmdebstrap bindfs fuse3 openssh-server)');
if (podman(['image', 'exists', BASE_IMAGE]).code !== 0) fail(`the base image ${BASE_IMAGE} is missing: run \`bash test/e2e/setup.sh\` as root (it builds it with mmdebstrap)`);
const started = Date.now();
try {
  buildAll();
} catch (err) {
  fail(`building the test images failed:\n${(err as Error).message}`);
}
process.stderr.write(`e2e: images ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
