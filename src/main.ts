// nbstart: the container entrypoint. Read top to bottom, this is the whole start-up:
//   parse CLI → load config (ini < env < auth_state < flags) → resolve the desired Identity
//   → root-phase hooks → drop privileges → user-phase hooks → execve(command)
// Only this file exits the process.

import { parseCli } from './cli.ts';
import { loadConfig, type Loaded } from './config/load.ts';
import { ConfigError, formatProblem, ProblemList } from './config/problems.ts';
import type { Config } from './config/types.ts';
import { execvp } from './exec.ts';
import type { PlanContext } from './hooks/hook.ts';
import { ROOT_HOOKS, START_HOOKS, USER_HOOKS } from './hooks/index.ts';
import type { Identity } from './identity/identity.ts';
import { groupList } from './identity/identity.ts';
import { resolveFor } from './identity/resolve.ts';
import { bootLogger, createLogger, type Logger } from './log.ts';
import { applyPlanned, HookError, planHooks, type Planned } from './pipeline.ts';
import { watchAndReplan, watchedPaths } from './watch.ts';
import type { ExecState } from './plan/apply.ts';
import { planJson, planText } from './plan/print.ts';
import { dropPrivileges } from './privileges.ts';
import { readFs } from './system/read-fs.ts';
import { exitOnSignals } from './system/children.ts';
import { writeFileAtomic } from './system/atomic-write.ts';
import { PROBLEM_FILE, problemText } from './hooks/home-links.ts';

const EXIT_CONFIG = 1;
const EXIT_USAGE = 2;
/** Exported to the command so a second start.sh/nbstart in the same chain does no set-up. */
const ALREADY_RAN = '_START_SH_EXECUTED';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = await parseCli(argv);
  if (parsed.kind === 'exit') {
    process.stdout.write(parsed.out);
    if (parsed.err) process.stderr.write(`${parsed.err}\n`);
    return parsed.code;
  }
  const cli = parsed.cli;
  const load = (env: Record<string, string | undefined>) =>
    loadConfig({ ...(cli.config !== undefined && { configFlag: cli.config }), env, flags: cli.flags, strict: cli.action === 'check' });
  const state: ExecState = { env: { ...process.env }, cwd: safeCwd() };
  let loaded = load(state.env);
  let log = createLogger(loaded.config.log.level, loaded.config.log.format);
  const command = cli.command.length > 0 ? cli.command : loaded.config.exec.command;
  if (cli.action === 'run' && state.env[ALREADY_RAN] === '1') return execAgain(command, state.env, log);
  exitOnSignals((code) => process.exit(code));

  const fsr = readFs('');
  const privileged = process.geteuid!() === 0;
  const enabled = <H extends { name: string }>(hooks: readonly H[]): H[] => enabledHooks(hooks, loaded.config);
  const hooksCtx = () => ({ timeoutMs: loaded.config.hooks.timeoutMs, onFailure: loaded.config.hooks.onFailure });

  // start phase: start-notebook.d runs first, as the starting user; settings are re-read after it,
  // because docker-stacks hooks may export NB_* for the rest of start-up.
  const startCtx = { fs: fsr, env: state.env, config: loaded.config, privileged, cwd: state.cwd };
  const startPlanned = await planHooks(enabled(START_HOOKS), startCtx);
  if (cli.action === 'run') {
    await applyPlanned(startPlanned, { root: '', state, hooks: hooksCtx() }, log);
    if (startPlanned.some((p) => p.plan.ops.length > 0)) {
      loaded = load(state.env);
      log = createLogger(loaded.config.log.level, loaded.config.log.format);
    }
  }
  const { config, problems } = loaded;
  const identity = resolveFor(fsr, config, privileged, problems);
  if (cli.action === 'check') return check(problems, loaded.iniPath, loaded.iniFound);
  for (const p of problems.items.filter((x) => x.severity === 'warning')) log.warn(formatProblem(p));
  if (problems.errors.length > 0 || !identity) throw new ConfigError(problems.errors);

  // root phase: plan every hook against the unchanged system, then apply; a bad input stops
  // start-up before anything is written.
  const ctx: PlanContext = { fs: fsr, env: state.env, config, identity, privileged, cwd: state.cwd };
  const rootPlanned = await planHooks(enabled(ROOT_HOOKS), ctx);
  if (cli.action === 'plan') {
    const userPlanned = await planHooks(enabled(USER_HOOKS), ctx);
    process.stdout.write(renderPlan([...startPlanned, ...rootPlanned, ...userPlanned], ctx, command, cli.json));
    if (cli.watch) await watchAndReplan(watchedPaths(config, state.env, loaded.iniPath), () => replan(load, command, cli.json), log);
    return 0;
  }
  await applyPlanned(rootPlanned, { root: '', state, hooks: hooksCtx() }, log);
  if (privileged) dropPrivileges(identity);

  // user phase: as the person, planned now that the person's view of the filesystem is in force.
  // A failure here must not keep the person from their notebook: it is logged, noted in the home, and
  // the command starts anyway (root-phase identity errors, above, do stop start-up).
  const userCtx: PlanContext = { ...ctx, cwd: state.cwd };
  try {
    await applyPlanned(await planHooks(enabled(USER_HOOKS), userCtx), { root: '', state, hooks: hooksCtx() }, log);
  } catch (err) {
    if (err instanceof HookError && config.hooks.onFailure === 'abort' && err.hook === 'user-dirs') throw err;
    degrade(err, identity, config.home.source?.replaceAll('{user}', identity.name) ?? identity.home, state, log);
  }
  return become(command, state, identity, log);
}

/** Logs a user-phase failure once and leaves the person a short note in the home. */
function degrade(err: unknown, id: Identity, source: string, state: ExecState, log: Logger): void {
  const reason = (err as Error).message;
  log.error(`user-phase set-up failed; the command starts anyway: ${reason}`);
  try {
    writeFileAtomic(`${id.home}/${PROBLEM_FILE}`, problemText(id.name, id.uid, source, id.home, reason), { mode: 0o644, uid: id.uid, gid: id.gid });
  } catch {
    // the home itself is not writable: the log line is all that can be done
  }
  state.cwd = id.home;
}

/** The hooks of a list that [hooks] disable does not name. */
function enabledHooks<H extends { name: string }>(hooks: readonly H[], config: Config): H[] {
  return hooks.filter((h) => !config.hooks.disable.includes(h.name));
}

/** One plan as text or JSON. */
function renderPlan(planned: readonly Planned[], ctx: PlanContext, command: readonly string[], json: boolean): string {
  const after = planned.flatMap((p) => p.plan.ops).filter((o) => o.kind === 'chdir').at(-1);
  const nameFrom = ctx.config.origins.get('user.name');
  const report = { identity: ctx.identity, privileged: ctx.privileged, planned, command, cwd: after?.kind === 'chdir' ? after.path : ctx.cwd, ...(nameFrom !== undefined && { nameFrom }) };
  return json ? planJson(report) : planText(report);
}

/** Re-reads everything and plans again (for --watch); problems are shown instead of a plan. */
async function replan(load: (env: Record<string, string | undefined>) => Loaded, command: readonly string[], json: boolean): Promise<string> {
  const env = { ...process.env };
  const { config, problems } = load(env);
  const fsr = readFs('');
  const privileged = process.geteuid!() === 0;
  const identity = resolveFor(fsr, config, privileged, problems);
  if (problems.errors.length > 0 || !identity) return `${problems.errors.map((p) => `error: ${formatProblem(p)}`).join('\n')}\n`;
  const ctx: PlanContext = { fs: fsr, env, config, identity, privileged, cwd: safeCwd() };
  const planned = [
    ...await planHooks(enabledHooks(START_HOOKS, config), ctx),
    ...await planHooks(enabledHooks(ROOT_HOOKS, config), ctx),
    ...await planHooks(enabledHooks(USER_HOOKS, config), ctx),
  ];
  return renderPlan(planned, ctx, command, json);
}

/** `nbstart check`: every problem, one line each; 0 when clean, 2 otherwise. */
function check(problems: ProblemList, iniPath: string, iniFound: boolean): number {
  for (const p of problems.items) process.stdout.write(`${p.severity}: ${formatProblem(p)}\n`);
  if (problems.items.length === 0) process.stdout.write(`ok: ${iniFound ? iniPath : 'no ini file'}, environment and identity are valid\n`);
  return problems.items.length === 0 ? 0 : EXIT_USAGE;
}

/** The working directory, or / when it has vanished. */
function safeCwd(): string {
  try {
    return process.cwd();
  } catch {
    return '/';
  }
}

/** Becomes the command with execve; returns only on failure, with the shell's exit code. */
function become(command: readonly string[], state: ExecState, id: Identity, log: Logger): number {
  const dirs = [state.cwd, state.env['HOME'], '/'].filter((d): d is string => !!d);
  const cwd = dirs.find((d) => {
    try {
      process.chdir(d);
      return true;
    } catch {
      return false;
    }
  });
  if (cwd !== state.cwd) log.warn({ wanted: state.cwd, cwd }, `cannot enter ${state.cwd} as ${id.name}; starting in ${cwd}`);
  // A shell would export the logical directory; without it `pwd` shows where a home link points.
  if (cwd !== undefined) state.env['PWD'] = cwd;
  log.info(
    { command, user: id.name, uid: id.uid, gid: id.gid, groups: groupList(id), cwd },
    `exec ${command.join(' ')} as ${id.name} (uid ${id.uid}, gid ${id.gid}) in ${cwd}`,
  );
  return execvp(command, state.env, log);
}

/**
 * docker-stacks' start-notebook.py execs /usr/local/bin/start.sh (nbstart here) once more, as the
 * person; the first run exported _START_SH_EXECUTED=1, so this one only becomes the command.
 */
function execAgain(command: readonly string[], env: Record<string, string | undefined>, log: Logger): number {
  log.debug({ command }, `${ALREADY_RAN}=1: set-up already done, exec ${command.join(' ')}`);
  return execvp(command, env, log);
}

/** Prints a fatal error as one line per problem and picks the exit code. */
function fail(err: unknown): number {
  const log = bootLogger(process.env);
  if (err instanceof ConfigError) {
    for (const p of err.problems) log.error(formatProblem(p));
    if (err.problems.length === 0) log.error('identity could not be resolved');
    return EXIT_CONFIG;
  }
  if (err instanceof HookError) {
    log.error({ hook: err.hook, cause: (err.cause as Error)?.message }, err.message);
    return EXIT_CONFIG;
  }
  log.error({ err }, `nbstart failed: ${(err as Error).message}`);
  return EXIT_CONFIG;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => process.exit(fail(err)),
);

