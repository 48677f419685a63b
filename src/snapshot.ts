// The binary's entry (scripts/build.mjs bundles this file, not main.ts): a V8 start-up snapshot.
// At build time Node runs this file once and saves the heap: every module below is loaded and
// evaluated then (pino, ini and nbstart's own modules, with the Node built-ins they need), so a
// container start deserializes that heap instead of compiling and running ~650 KiB of JavaScript.
// main.ts itself is loaded only at run time, in the function Node calls after deserializing: its
// last statement starts nbstart. Modules missing from this list still work (they load at run time,
// a little slower). Module code must not read the process's state (src/snapshot-guard.ts enforces
// it). execa is loaded here too; chokidar and yargs stay lazy and load at run time when used.

import './snapshot-guard.ts';
import { startupSnapshot } from 'node:v8';
import './check.ts';
import './cli.ts';
import './config/load.ts';
import './config/problems.ts';
import './exec.ts';
import './facts.ts';
import './hooks/home-links.ts';
import './hooks/index.ts';
import './identity/identity.ts';
import './identity/resolve.ts';
import './log.ts';
import './ops/run-scripts.ts';
import './pipeline.ts';
import './plan/as-person.ts';
import './plan/apply.ts';
import './plan/dry-run.ts';
import './policy.ts';
import './privileges.ts';
import './system/children.ts';
import './system/read-fs.ts';
// execa's modules too (~20): the first image script would otherwise load them at run time.
import { execa } from 'execa';
import { releaseSnapshotGuard } from './snapshot-guard.ts';

releaseSnapshotGuard();
// A use, so that esbuild keeps execa (its package.json says it has no side effects).
if (typeof execa !== 'function') throw new Error('execa did not load');
if (startupSnapshot.isBuildingSnapshot()) {
  startupSnapshot.setDeserializeMainFunction(() => {
    void import('./main.ts');
  });
} else {
  // Run directly (node src/snapshot.ts, or a build without a snapshot): start now.
  void import('./main.ts');
}
