// `nbstart plan [--json] [--watch]`: every phase planned as the start would plan it, nothing applied.
// The start phase's scripts are not run (their exports are unknown here); the root phase is planned
// against the unchanged system; the user phase is planned as the person (src/plan/as-person.ts).

import { isSea } from 'node:sea';
import { ConfigError, formatProblem, type Problem } from '../config/problems.ts';
import type { Config } from '../config/types.ts';
import { readFacts } from '../facts.ts';
import type { PlanContext } from '../hooks/hook.ts';
import { enabledHooks, ROOT_HOOKS, START_HOOKS, USER_HOOKS } from '../hooks/index.ts';
import { resolveFor } from '../identity/resolve.ts';
import type { Logger } from '../log.ts';
import { afterOps, planHooks, type Planned } from '../pipeline.ts';
import { readFs } from '../system/read-fs.ts';
import { watchAndReplan, watchedPaths } from '../watch.ts';
import { planAsPerson, projectRootPhase } from './as-person.ts';
import { planJson, planText } from './print.ts';
import type { Loaded } from '../config/load.ts';

export interface DryRunInput {
  readonly load: (env: Record<string, string | undefined>) => Loaded;
  readonly command: (config: Config) => readonly string[];
  readonly json: boolean;
}

/** The whole plan as text or JSON; configuration problems instead of a plan when there are any. */
export async function planAll(input: DryRunInput): Promise<{ text: string; errors: readonly Problem[] }> {
  const env = { ...process.env };
  const { config, problems } = input.load(env);
  const fs = readFs('');
  const facts = readFacts(fs);
  const identity = resolveFor(fs, facts, config, problems);
  if (problems.errors.length > 0 || !identity) {
    return { errors: problems.errors, text: `${problems.errors.map((p) => `error: ${formatProblem(p)}`).join('\n')}\n` };
  }
  const privileged = facts.euid === 0;
  const ctx: PlanContext = { fs, facts, env, config, identity, privileged, cwd: facts.cwd };
  const start = await planHooks(enabledHooks(START_HOOKS, config), ctx);
  const root = await planHooks(enabledHooks(ROOT_HOOKS, config), ctx);
  const after = afterOps(root.flatMap((p) => p.plan.ops), env, facts.cwd);
  const user = privileged
    ? await planAsPerson({ config, identity, env: after.env, cwd: after.cwd, projection: projectRootPhase(root.flatMap((p) => p.plan.ops)) }, isSea() ? [] : [process.argv[1]!])
    : await planHooks(enabledHooks(USER_HOOKS, config), { ...ctx, env: after.env, cwd: after.cwd });
  const userPlanned: Planned[] = Array.isArray(user) ? user : [{
    hook: { name: 'user phase', phase: 'user', summary: `planned as ${identity.name}` },
    plan: { ops: [], notes: [{ level: 'warn', msg: `the user phase could not be planned as ${identity.name} (uid ${identity.uid}): ${user.error}` }] },
  }];
  const planned = [...start, ...root, ...userPlanned];
  const cwd = afterOps(planned.flatMap((p) => p.plan.ops), env, facts.cwd).cwd;
  const nameFrom = config.origins.get('user.name');
  const report = { identity, privileged, euid: facts.euid, planned, command: input.command(config), cwd, ...(nameFrom !== undefined && { nameFrom }) };
  return { errors: [], text: input.json ? planJson(report) : planText(report) };
}

/** Prints the plan, then with --watch prints a new one after each change; exit code for main. */
export async function dryRun(input: DryRunInput & { readonly watch: boolean; readonly log: Logger }): Promise<number> {
  const first = await planAll(input);
  if (first.errors.length > 0) throw new ConfigError(first.errors);
  process.stdout.write(first.text);
  if (!input.watch) return 0;
  const loaded = input.load({ ...process.env });
  const paths = watchedPaths(loaded.config, process.env, loaded.iniPath);
  return watchAndReplan(paths, async () => (await planAll(input)).text, input.log);
}
