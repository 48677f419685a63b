// Builds the end-to-end test images before the test files run (they share them).
import { buildAll } from './lib/images.ts';

const started = Date.now();
buildAll();
process.stderr.write(`e2e: images ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
