// Benchmark `npm run bench:chown`: CHOWN_HOME=yes CHOWN_HOME_OPTS=-R on a home of 100,000 files of
// which 1% belong to someone else, on overlayfs, nbstart against `chown -R` in the same run.
//
//   nbstart         a whole root start, `CHOWN_HOME=yes CHOWN_HOME_OPTS=-R nbstart true`, NB_UID=1000
//                   (the owner of the other 99%): lstat everything, lchown the 1% that differs
//   chown -R        `chown -R 1000:100 /home/jovyan`, what docker-stacks' start.sh runs for the same
//                   settings: every inode rewritten, so every file of the image is copied up
//   find + chown    `find -exec chown` of only the entries that differ: the same idea in C, and the
//                   floor of any walk that must stat every entry (overlayfs lookups dominate)
//   nbstart, no chown  the same start without CHOWN_HOME, to show what the walk itself costs
//
// The tree is baked into an image layer (bench/chown.Dockerfile) and every run gets a FRESH
// container (`podman run --rm`), so each run pays the copy-ups of its own and starts from the 1%
// again. Candidates alternate, one container each; the time is taken inside the container with
// bash's $EPOCHREALTIME around the candidate alone (container start and removal are not counted).
// After every run, `find` checks that no file is left with another owner.
//
// Flags: --quick   3 rounds instead of 7.

import { FOUNDATION } from '../test/e2e/lib/images.ts';
import { buildImage } from '../test/e2e/lib/podman.ts';
import {
  cleanUpOnSignals, containerName, forget, loadNow, machineLine, median, ms, podmanAsync, ratio, removeAll, requireFile, requireImage, say, spread, TAG,
} from './lib.ts';

const IMAGE = `localhost/nbstart-bench-chown:${TAG}`;
const ROUNDS = process.argv.includes('--quick') ? 3 : 7;

const CANDIDATES = {
  nbstart: 'CHOWN_HOME=yes CHOWN_HOME_OPTS=-R /bench/nbstart true',
  'chown -R': 'chown -R 1000:100 /home/jovyan',
  'find + chown': 'find /home/jovyan \\( ! -uid 1000 -o ! -gid 100 \\) -exec chown -h 1000:100 {} +',
  'nbstart, no chown': '/bench/nbstart true',
} as const;
type Candidate = keyof typeof CANDIDATES;

/** One fresh container, one candidate: its time in ms (measured inside) after checking the result. */
async function runOnce(cand: Candidate, nbstart: string): Promise<number> {
  const script = [
    'set -u; cd /home/jovyan; export NB_USER=jovyan NB_UID=1000 NB_GID=100',
    't0=$EPOCHREALTIME',
    `if ! ${CANDIDATES[cand]} >/dev/null 2>/tmp/err; then cat /tmp/err >&2; exit 1; fi`,
    't1=$EPOCHREALTIME',
    'echo "us $(( ${t1/./} - ${t0/./} ))"',
    // The job must be done, whoever did it (the 1,000 files of uid 1001 included).
    'echo "others $(find /home/jovyan \\( ! -uid 1000 -o ! -gid 100 \\) -print | wc -l)"',
    'echo "uid1000 $(find /home/jovyan/tree -uid 1000 -gid 100 -type f | wc -l)"',
  ].join('\n');
  const name = containerName('chown');
  const r = await podmanAsync(['run', '--rm', '--pull=never', '--network', 'none', '--user', 'root', '--entrypoint', 'bash', '--name', name,
    '-v', `${nbstart}:/bench/nbstart:ro`, IMAGE, '-c', script], 600_000);
  forget(name);
  const field = (k: string): number => Number(new RegExp(`^${k} (\\d+)$`, 'm').exec(r.stdout)?.[1] ?? NaN);
  if (r.code !== 0 || Number.isNaN(field('us'))) throw new Error(`${cand}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  if (cand !== 'nbstart, no chown' && (field('others') !== 0 || field('uid1000') !== 100_000)) {
    throw new Error(`${cand} left the tree with ${field('others')} entries of other owners, ${field('uid1000')} files of 1000:100 (want 0 and 100000)`);
  }
  return field('us') / 1000;
}

async function main(): Promise<void> {
  requireImage(FOUNDATION, 'export NBSTART_E2E_TAG, then run bash test/e2e/setup.sh && node test/e2e/prepare.ts');
  const nbstart = requireFile('dist/nbstart', 'run npm run build');
  cleanUpOnSignals();
  const machine = machineLine();
  const started = Date.now();
  try {
    say(`image ${IMAGE} (100,000 files in a layer; built once)`);
    buildImage({ tag: IMAGE, dockerfile: 'bench/chown.Dockerfile', inputs: [], buildArgs: { BASE_IMAGE: FOUNDATION }, from: [FOUNDATION], context: 'bench' });
    const names = Object.keys(CANDIDATES) as Candidate[];
    const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Candidate, number[]>;
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? names : [...names].reverse();
      for (const cand of order) samples[cand].push(await runOnce(cand, nbstart));
      say(`round ${round}/${ROUNDS}: ${names.map((n) => `${n} ${ms(samples[n].at(-1)!)} ms`).join(', ')}`);
    }
    report(machine, samples, (Date.now() - started) / 1000);
  } finally {
    removeAll();
  }
}

/** Prints the table and the target of the issue. */
function report(machine: string, s: Record<Candidate, number[]>, seconds: number): void {
  const mine = median(s.nbstart);
  const theirs = median(s['chown -R']);
  const bare = median(s['nbstart, no chown']);
  const lines = [
    `Machine: ${machine}. Bench took ${seconds.toFixed(0)} s; load average at the end ${loadNow()}.`, '',
    `CHOWN_HOME=yes CHOWN_HOME_OPTS=-R, 100,000 files (1% to change) in an image layer, a fresh container per run, ${ROUNDS} runs each, alternated (medians):`, '',
    '| candidate | median ms | min–max ms | ratio |', '| --- | ---: | ---: | ---: |',
    `| chown -R 1000:100 /home/jovyan (baseline) | ${ms(theirs)} | ${spread(s['chown -R'])} | 1 |`,
    `| nbstart (whole start, walk included) | ${ms(mine)} | ${spread(s.nbstart)} | **${ratio(theirs / mine)} faster** |`,
    `| find -exec chown of what differs (C walk, for reference) | ${ms(median(s['find + chown']))} | ${spread(s['find + chown'])} | ${ratio(theirs / median(s['find + chown']))} faster |`,
    `| nbstart without CHOWN_HOME (start only) | ${ms(bare)} | ${spread(s['nbstart, no chown'])} | walk ≈ ${ms(mine - bare)} ms |`,
    '', `Target: at least 10× faster than chown -R: ${ratio(theirs / mine)}, ${theirs / mine >= 10 ? 'met' : '**missed**'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: error: ${(err as Error).message}\n`);
  removeAll();
  process.exit(1);
});
