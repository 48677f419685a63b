// Benchmark `npm run bench:start`: a root start of nbstart against docker-stacks' real start.sh, the
// program it replaces, in the common cases, alternated in one container, from the same state each run.
//
//   baseline  start.sh, run-hooks.sh and _docker_stacks_log.sh from docker-stacks-foundation (BSD
//             licence), read at bench time from --stacks DIR (default below) and copied into the
//             benchmark's container only: never into this repository or an image.
//   nbstart   the current dist/nbstart
//   hello     dist/hello, a hello-world built exactly like dist/nbstart: the floor of a SEA start
//
// One long-lived container of the foundation image (`sleep infinity`, as root) gets the current
// dist/nbstart and start.sh with its scripts where start.sh sources them (/usr/local/bin/), so the
// container is a docker-stacks-foundation as far as start.sh can tell (minus conda, which neither
// starter needs to get to `true`; 10activate-conda-env.sh is not installed for that reason).
// bench/start-alternate.sh runs the candidates inside it, alternating, each from pristine account
// files, /etc/sudoers.d, /home/jovyan and before-notebook.d, and times fork + exec + wait with bash's
// $EPOCHREALTIME (a `podman exec` per run would add ~100 ms of noise). Every start ends in `true`.
// Scenarios are described in bench/start-alternate.sh. Results: Markdown tables on stdout.
//
// Flags: --quick        fewer rounds (to try the bench out)
//        --rounds N     rounds of the main loop (default 21)
//        --also PATH    a second nbstart build in every loop: how a change is measured against the build before it
//        --only A,B     only these scenarios (none, rename, ids, chown, groups, hooks1, hooks2, hooks4, hooks8)
//        --stacks DIR   docker-stacks-foundation's directory (images/docker-stacks-foundation of a checkout)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FOUNDATION } from '../test/e2e/lib/images.ts';
import {
  benchScripts, cleanUpOnSignals, loadNow, machineLine, median, ms, podmanAsyncOk, ratio, removeAll, requireFile, requireImage, say, spread, startIdle,
} from './lib.ts';

const DEFAULT_STACKS = '/work/shared/docker-stacks-upstream/images/docker-stacks-foundation';
const STACKS_FILES = ['start.sh', 'run-hooks.sh', '_docker_stacks_log.sh'] as const;
/** Scenarios of the main loop; `groups` has its own loop, since start.sh takes seconds there. */
const MAIN = ['none', 'rename', 'ids', 'chown', 'hooks1', 'hooks2', 'hooks4', 'hooks8'] as const;
const GROUPS = 200;
const HOOK_COUNTS = [0, 1, 2, 4, 8] as const;
const LABELS: Readonly<Record<string, string>> = {
  none: 'nothing to change (jovyan 1000:100)',
  rename: 'NB_USER=alice',
  ids: 'NB_UID=1010 NB_GID=1010',
  chown: 'NB_USER + NB_UID + NB_GID + CHOWN_HOME=yes',
  groups: `alice 1010:1010 + ${GROUPS} groups (auth_state)`,
  hooks1: '1 sourced + 1 executable before-notebook.d script',
};

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const quick = process.argv.includes('--quick');
const also = flag('--also');
const stacks = flag('--stacks') ?? DEFAULT_STACKS;
const rounds = Number(flag('--rounds') ?? (quick ? 5 : 21));
const groupRounds = quick ? 2 : 5;
const only = flag('--only')?.split(',');

type Samples = Record<string, number[]>;
/** Wall-clock and CPU (user + system) milliseconds per candidate. */
interface Runs {
  readonly wall: Samples;
  readonly cpu: Samples;
}

/** "1 nbstart@none 61234 40000" lines (round, candidate, wall µs, CPU µs), added to `into`. */
function parse(out: string, into: Runs): Runs {
  for (const line of out.trim().split('\n')) {
    const [, cand, us, cpu] = line.split(' ');
    if (cand === undefined || us === undefined || cpu === undefined) throw new Error(`unexpected line from start-alternate.sh: ${JSON.stringify(line)}`);
    (into.wall[cand] ??= []).push(Number(us) / 1000);
    (into.cpu[cand] ??= []).push(Number(cpu) / 1000);
  }
  return into;
}

/** The starters compared in every scenario. */
function starters(): string[] {
  return also ? ['nbstart', 'start.sh', 'other'] : ['nbstart', 'start.sh'];
}

/** Copies the candidates, docker-stacks' scripts and the inputs in, then saves the pristine state. */
async function provision(c: string, tmp: string): Promise<void> {
  for (const f of STACKS_FILES) {
    if (!fs.existsSync(path.join(stacks, f))) throw new Error(`${path.join(stacks, f)} is missing: pass --stacks DIR (docker-stacks' images/docker-stacks-foundation)`);
  }
  const groups = Array.from({ length: GROUPS }, (_, i) => ({ name: `g${i}`, gid: 50000 + i }));
  fs.writeFileSync(path.join(tmp, 'groups.txt'), groups.map((g) => `${g.name}:${g.gid}`).join(','));
  fs.writeFileSync(path.join(tmp, 'auth_state.json'), JSON.stringify({ name: 'alice', uid: 1010, gid: 1010, groups }));
  const copies: [string, string][] = [
    [requireFile('dist/nbstart', 'run npm run build'), '/usr/local/bin/nbstart'],
    [requireFile('dist/hello', 'run npm run build:hello'), '/bench/hello'],
    ...STACKS_FILES.map((f): [string, string] => [path.join(stacks, f), `/usr/local/bin/${f}`]),
    ...benchScripts('start-alternate.sh', 'hook-sourced.sh', 'hook-exec', 'stacks-groups.sh'),
    [path.join(tmp, 'groups.txt'), '/bench/groups.txt'],
    [path.join(tmp, 'auth_state.json'), '/bench/auth_state.json'],
  ];
  if (also) copies.push([path.resolve(also), '/bench/other']);
  // The image has start.sh as a link to nbstart; the real one takes its place.
  await podmanAsyncOk(['exec', c, 'sh', '-c', 'mkdir -p /bench && rm -f /usr/local/bin/start.sh']);
  for (const [from, to] of copies) await podmanAsyncOk(['cp', from, `${c}:${to}`]);
  await podmanAsyncOk(['exec', c, 'sh', '-c',
    'chmod 0755 /usr/local/bin/start.sh /usr/local/bin/run-hooks.sh /usr/local/bin/_docker_stacks_log.sh /bench/hook-exec && ' +
    'command -v usermod groupadd sudo >/dev/null && bash /bench/start-alternate.sh --save']);
}

/** Both starters must leave the same person behind, with the hooks' exports: compared per scenario. */
async function validate(c: string, scenarios: readonly string[]): Promise<void> {
  const show = ['sh', '-c', 'id; env | grep ^BENCH_HOOK_ | sort'];
  for (const s of scenarios) {
    const out: Record<string, string> = {};
    for (const st of starters()) {
      out[st] = (await podmanAsyncOk(['exec', c, 'bash', '/bench/start-alternate.sh', '--show', `${st}@${s}`, ...show], 300_000)).stdout;
    }
    for (const st of starters().slice(1)) {
      if (out[st] !== out['nbstart']) {
        throw new Error(`${s}: nbstart and ${st} disagree:\n  nbstart: ${out['nbstart']!.trim().slice(0, 400)}\n  ${st}: ${out[st]!.trim().slice(0, 400)}`);
      }
    }
  }
  say(`every starter leaves the same \`id\` and hook exports behind in: ${scenarios.join(', ')}`);
}

/** Runs start-alternate.sh for `n` rounds over `candidates`. */
async function alternate(c: string, n: number, candidates: readonly string[], perRoundMs: number, into: Runs): Promise<Runs> {
  const started = Date.now();
  const out = (await podmanAsyncOk(['exec', c, 'bash', '/bench/start-alternate.sh', String(n), ...candidates], Math.max(120_000, n * perRoundMs * 4))).stdout;
  say(`  ${n} round${n === 1 ? '' : 's'} of ${candidates.length} candidates in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return parse(out, into);
}

async function main(): Promise<void> {
  if (also !== undefined && !fs.existsSync(also)) throw new Error('--also needs the path of an nbstart binary');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000) throw new Error('--rounds needs an integer from 1 to 1000');
  const known = [...MAIN, 'groups'];
  for (const s of only ?? []) if (!known.includes(s)) throw new Error(`--only: unknown scenario ${JSON.stringify(s)} (one of ${known.join(', ')})`);
  const mainScenarios = MAIN.filter((s) => !only || only.includes(s));
  const withGroups = !only || only.includes('groups');
  requireImage(FOUNDATION, 'export NBSTART_E2E_TAG, then run bash test/e2e/setup.sh && node test/e2e/prepare.ts');
  cleanUpOnSignals();
  const machine = machineLine();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-bench-start-'));
  const started = Date.now();
  try {
    say(`container of ${FOUNDATION} with start.sh from ${stacks}${quick ? ' (--quick)' : ''}`);
    const c = await startIdle(FOUNDATION, 'start');
    await provision(c, tmp);
    await validate(c, [...mainScenarios, ...(withGroups ? ['groups'] : [])]);
    const samples: Runs = { wall: {}, cpu: {} };
    if (mainScenarios.length > 0) {
      say(`${mainScenarios.join(', ')}: ${rounds} rounds, alternating ${starters().join(', ')} and hello`);
      await alternate(c, rounds, ['hello', 'version', ...mainScenarios.flatMap((s) => starters().map((st) => `${st}@${s}`))], 5_000, samples);
    }
    if (withGroups) {
      // nbstart takes ~1/50 of start.sh's time here: three nbstart runs per start.sh run.
      say(`groups: ${groupRounds} rounds (start.sh takes seconds a run)`);
      const nb = starters().filter((s) => s !== 'start.sh').flatMap((s) => [`${s}@groups`, `${s}@groups`, `${s}@groups`]);
      await alternate(c, groupRounds, [...nb, 'start.sh@groups'], 20_000, samples);
    }
    process.stdout.write(report(machine, samples, (Date.now() - started) / 1000));
  } finally {
    removeAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The tables: per scenario, the hook sweep, the targets. */
function report(machine: string, runs: Runs, seconds: number): string {
  const s = runs.wall;
  const med = (k: string): number => median(s[k]!);
  const cpu = (k: string): number => median(runs.cpu[k]!);
  const has = (k: string): boolean => (s[k]?.length ?? 0) > 0;
  const lines: string[] = [`Machine: ${machine}. Bench took ${seconds.toFixed(0)} s; load average at the end ${loadNow()}.`, ''];
  const otherHead = also ? ' other ms | other / nbstart |' : '';
  lines.push(`Root start to exec of \`true\`, nbstart against docker-stacks' start.sh (alternated in one container, medians of ${rounds} rounds; groups ${groupRounds} rounds):`, '');
  lines.push(`| scenario | nbstart ms | start.sh ms | start.sh / nbstart |${otherHead} nbstart min–max | start.sh min–max | fastest runs ratio | CPU ms nbstart / start.sh | CPU ratio |`);
  lines.push(`| --- | ---: | ---: | ---: |${also ? ' ---: | ---: |' : ''} ---: | ---: | ---: | ---: | ---: |`);
  const verdicts: string[] = [];
  for (const sc of ['none', 'rename', 'ids', 'chown', 'groups', 'hooks1']) {
    const a = `nbstart@${sc}`;
    const b = `start.sh@${sc}`;
    if (!has(a) || !has(b)) continue;
    const r = med(b) / med(a);
    const fastest = Math.min(...s[b]!) / Math.min(...s[a]!);
    const other = also ? ` ${ms(med(`other@${sc}`))} | ${ratio(med(`other@${sc}`) / med(a))} (CPU ${ratio(cpu(`other@${sc}`) / cpu(a))}) |` : '';
    lines.push(`| ${LABELS[sc]} | ${ms(med(a))} | ${ms(med(b))} | **${ratio(r)}** |${other} ${spread(s[a]!)} | ${spread(s[b]!)} | ${ratio(fastest)} | ${ms(cpu(a))} / ${ms(cpu(b))} | ${ratio(cpu(b) / cpu(a))} |`);
    const goal = sc === 'groups' ? 50 : 1;
    verdicts.push(`- ${sc}: start.sh / nbstart ${ratio(r)} (goal ≥ ${goal}×): ${r >= goal ? 'met' : '**missed**'}`);
  }
  if (has('hello')) lines.push('', `Floor: hello-world SEA (dist/hello) ${ms(med('hello'))} ms (min–max ${spread(s['hello']!)}; CPU ${ms(cpu('hello'))} ms).`);
  if (has('version') && has('nbstart@none')) {
    lines.push('', `\`nbstart --version\`: ${ms(med('version'))} ms (CPU ${ms(cpu('version'))} ms), a start with nothing to change ${ms(med('nbstart@none'))} ms (CPU ${ms(cpu('nbstart@none'))} ms).`);
    verdicts.push(`- --version no slower than a start: ${ratio(med('nbstart@none') / med('version'))}: ${med('version') <= med('nbstart@none') ? 'met' : '**missed**'}`);
  }
  const sweep = HOOK_COUNTS.map((n) => (n === 0 ? 'none' : `hooks${n}`)).filter((sc) => has(`nbstart@${sc}`) && has(`start.sh@${sc}`));
  if (sweep.length >= 2) {
    lines.push('', 'How the start moves with the number of before-notebook.d scripts (N sourced *.sh + N executables, nothing else to change):', '');
    lines.push(`| N | nbstart ms | start.sh ms | start.sh / nbstart | CPU ms nbstart / start.sh |${also ? ' other ms |' : ''}`, `| ---: | ---: | ---: | ---: | ---: |${also ? ' ---: |' : ''}`);
    for (const sc of sweep) {
      const n = sc === 'none' ? 0 : Number(sc.slice(5));
      lines.push(`| ${n} | ${ms(med(`nbstart@${sc}`))} | ${ms(med(`start.sh@${sc}`))} | ${ratio(med(`start.sh@${sc}`) / med(`nbstart@${sc}`))} | ${ms(cpu(`nbstart@${sc}`))} / ${ms(cpu(`start.sh@${sc}`))} |${also ? ` ${ms(med(`other@${sc}`))} |` : ''}`);
    }
    const slope = (st: string): number => leastSquaresSlope(sweep.map((sc) => [sc === 'none' ? 0 : Number(sc.slice(5)), med(`${st}@${sc}`)]));
    const per = starters().map((st) => `${st} ${ms(slope(st))} ms`).join(', ');
    lines.push('', `Cost of one more pair (one sourced + one executable script), least-squares slope over N: ${per}.`);
  }
  lines.push('', 'Goals:', '', ...verdicts, '');
  return `${lines.join('\n')}\n`;
}

/** Slope of the least-squares line through (x, y) points. */
function leastSquaresSlope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return num / den;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: error: ${(err as Error).message}\n`);
  process.exit(1);
});
