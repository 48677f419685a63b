// nbstart: the container entrypoint. Read top to bottom, this is the whole start-up:
//   parse CLI → load config (config/load.ts: ini < env < auth_state < flags; the settings table is
//   config/settings.ts; JupyterHub's LDAP and GitHub auth_state, orgs and teams made groups, is
//   config/auth-state.ts) → facts about this process (facts.ts)
//   → start phase (start-notebook.d) → resolve the desired Identity (identity/resolve.ts; group names
//   made groupadd-safe in identity/group-names.ts)
//   → root phase hooks → drop privileges (privileges.ts: setgroups, setgid, setuid, then setuid(0)
//   must fail) → user phase hooks, as the person → execve the command (exec.ts: 126/127).
// The hooks and their order are src/hooks/index.ts; what a missing capability or a failed script
// means is src/policy.ts. Only this file exits the process.

import { check, securityFindings } from './check.ts';
import { parseCli, type Cli } from './cli.ts';
import { loadConfig, type Loaded } from './config/load.ts';
import { ConfigError, formatProblem } from './config/problems.ts';
import type { Config } from './config/types.ts';
import { execvp } from './exec.ts';
import { readFacts } from './facts.ts';
import { problemNote, PROBLEM_FILE } from './hooks/home-links.ts';
import type { PlanContext, StartContext } from './hooks/hook.ts';
import { enabledHooks, ROOT_HOOKS, START_HOOKS, USER_HOOKS } from './hooks/index.ts';
import type { Identity } from './identity/identity.ts';
import { groupList } from './identity/identity.ts';
import { resolveFor } from './identity/resolve.ts';
import { bootLogger, createLogger, type Logger } from './log.ts';
import { enteredLine, execLine, RAN_TWICE } from './start-sh-lines.ts';
import type { ExecState } from './ops/context.ts';
import { ScriptsStopped } from './ops/run-scripts.ts';
import { applyPlanned, HookError, planHooks } from './pipeline.ts';
import { userPhaseChild, USER_PHASE_FLAG } from './plan/as-person.ts';
import { apply } from './plan/apply.ts';
import { dryRun } from './plan/dry-run.ts';
import { onScriptFailure, userPhaseFailure } from './policy.ts';
import { dropPrivileges } from './privileges.ts';
import { exitOnSignals } from './system/children.ts';
import { readFs } from './system/read-fs.ts';

const EXIT_CONFIG = 1;
/** Exported to the command so a second start.sh/nbstart in the same chain does no set-up. */
const ALREADY_RAN = '_START_SH_EXECUTED';

async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 1 && argv[0] === USER_PHASE_FLAG) return planUserPhaseForParent();
  const parsed = await parseCli(argv);
  if (parsed.kind === 'exit') {
    process.stdout.write(parsed.out);
    if (parsed.err) process.stderr.write(`${parsed.err}\n`);
    return parsed.code;
  }
  const cli = parsed.cli;
  const load = (env: Record<string, string | undefined>): Loaded =>
    loadConfig({ ...(cli.config !== undefined && { configFlag: cli.config }), env, flags: cli.flags, strict: cli.action === 'check' });
  const commandOf = (config: Config): readonly string[] => (cli.command.length > 0 ? cli.command : config.exec.command);
  if (cli.action === 'plan') {
    const log = bootLogger(process.env);
    return dryRun({ load, command: commandOf, json: cli.json, watch: cli.watch, log });
  }
  return start(cli, argv, load, commandOf);
}

/** A container start (or `nbstart check`, which stops after resolving the identity). */
async function start(cli: Cli, argv: readonly string[], load: (env: Record<string, string | undefined>) => Loaded, commandOf: (c: Config) => readonly string[]): Promise<number> {
  const fs = readFs('');
  const facts = readFacts(fs);
  const state: ExecState = { env: { ...process.env }, cwd: facts.cwd };
  let loaded = load(state.env);
  let log = createLogger(loaded.config.log.level, loaded.config.log.format, state.env);
  if (cli.action === 'run') log.info({ argv }, enteredLine(argv));
  const privileged = facts.euid === 0;
  // As root the marker is not trusted: it would start the command as root with every capability,
  // and set-up converges anyway. It still ends a second, non-root run in the same exec chain.
  if (cli.action === 'run' && state.env[ALREADY_RAN] === '1' && !privileged) return execAgain(commandOf(loaded.config), state.env, log);
  exitOnSignals((code) => process.exit(code));
  const applyCtx = (config: Config) => ({ root: '', state, scripts: { timeoutMs: config.hooks.timeoutMs, onFailure: onScriptFailure(config), logFormat: config.log.format } });

  // start phase: start-notebook.d runs first, as the starting user; settings are re-read after it,
  // because docker-stacks scripts may export NB_* for the rest of start-up.
  if (cli.action === 'run') {
    const startCtx: StartContext = { fs, facts, env: state.env, config: loaded.config, privileged, cwd: state.cwd };
    const startPlanned = await planHooks(enabledHooks(START_HOOKS, loaded.config), startCtx);
    await applyPlanned(startPlanned, applyCtx(loaded.config), log);
    if (startPlanned.some((p) => p.plan.ops.some((o) => o.kind === 'run-scripts' && o.files.some((f) => f.mode !== 'ignore')))) {
      loaded = load(state.env);
      log = createLogger(loaded.config.log.level, loaded.config.log.format, state.env);
    }
  }
  const { config, problems } = loaded;
  const identity = resolveFor(fs, facts, config, problems);
  if (cli.action === 'check') return check(problems, securityFindings(fs, config, state.env, privileged), loaded.iniPath, loaded.iniFound);
  for (const p of problems.items.filter((x) => x.severity === 'warning')) log.warn(formatProblem(p));
  if (problems.errors.length > 0 || !identity) throw new ConfigError(problems.errors);

  // root phase: plan every hook against the unchanged system, then apply; a bad input stops
  // start-up before anything is written.
  const ctx: PlanContext = { fs, facts, env: state.env, config, identity, privileged, cwd: state.cwd };
  await applyPlanned(await planHooks(enabledHooks(ROOT_HOOKS, config), ctx), applyCtx(config), log);
  if (privileged) dropPrivileges(identity);

  // user phase: as the person, planned now that the person's view of the filesystem is in force.
  // A failure here must not keep the person from their notebook: it is logged, noted in the home, and
  // the command starts anyway (src/policy.ts says when it stops start-up instead).
  const userCtx: PlanContext = { ...ctx, facts: readFacts(fs), env: state.env, cwd: state.cwd };
  try {
    await applyPlanned(await planHooks(enabledHooks(USER_HOOKS, config), userCtx), applyCtx(config), log);
  } catch (err) {
    if (err instanceof ScriptsStopped || userPhaseFailure(config, err) === 'stop') throw err;
    await degrade(err, identity, config, state, log);
  }
  return become(commandOf(config), state, identity, privileged, log);
}

/** Logs a user-phase failure once and leaves the person a short note in the home. */
async function degrade(err: unknown, id: Identity, config: Config, state: ExecState, log: Logger): Promise<void> {
  const reason = (err as Error).message;
  log.error(`user-phase set-up failed; the command starts anyway: ${reason}`);
  const source = config.home.source?.replaceAll('{user}', id.name) ?? id.home;
  const ops = [problemNote(`${id.home}/${PROBLEM_FILE}`, id.name, id.uid, id.gid, source, id.home, reason), { kind: 'chdir', path: id.home, why: 'the local home' } as const];
  try {
    await apply(ops, { root: '', state, log, scripts: { timeoutMs: 0, onFailure: () => 'continue' } });
  } catch {
    state.cwd = id.home; // the home itself is not writable: the log line is all that can be done
  }
}

/** The child of `nbstart plan` as root: the user phase planned as the person (plan/as-person.ts). */
async function planUserPhaseForParent(): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  process.stdout.write(await userPhaseChild(USER_HOOKS, readFs(''), Buffer.concat(chunks).toString('utf8')));
  return 0;
}

/** Becomes the command with execve; returns only on failure, with the shell's exit code. */
function become(command: readonly string[], state: ExecState, id: Identity, privileged: boolean, log: Logger): number {
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
  const who = { command, user: id.name, uid: id.uid, gid: id.gid, groups: groupList(id), cwd };
  log.info(who, `${id.name} is uid ${id.uid}, gid ${id.gid}, groups ${groupList(id).join(',')}; starting in ${cwd}`);
  log.info(who, execLine(privileged, id.name, command));
  return execvp(command, state.env, log);
}

/**
 * A CMD that runs /usr/local/bin/start.sh (nbstart here) once more, as the person: the first run
 * exported _START_SH_EXECUTED=1, so this one only becomes the command, and says what start.sh says.
 */
function execAgain(command: readonly string[], env: Record<string, string | undefined>, log: Logger): number {
  log.warn({ command }, RAN_TWICE);
  log.info({ command }, execLine(false, '', command));
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
  if (err instanceof ScriptsStopped) return err.status; // already logged where it happened
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
