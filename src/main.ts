// nbstart: the container entrypoint. Read top to bottom, this is the whole start-up:
//   parse CLI → load config (ini < env < auth_state < flags) → resolve the desired Identity
//   → root-phase hooks → drop privileges → user-phase hooks → execve(command)
// Only this file exits the process.

import { parseCli } from './cli.ts';
import { loadConfig } from './config/load.ts';
import type { Config } from './config/validate.ts';
import { ConfigError, formatProblem, ProblemList } from './config/problems.ts';
import { execvp } from './exec.ts';
import type { PlanContext } from './hooks/hook.ts';
import { HOOKS } from './hooks/index.ts';
import { readDb } from './hooks/accounts.ts';
import type { Identity } from './identity/identity.ts';
import { groupList } from './identity/identity.ts';
import { resolveIdentity, resolveUnprivileged } from './identity/resolve.ts';
import { bootLogger, createLogger, type Logger } from './log.ts';
import { applyPlanned, HookError, planHooks } from './pipeline.ts';
import type { ExecState } from './plan/apply.ts';
import { planJson, planText } from './plan/print.ts';
import { dropPrivileges } from './privileges.ts';
import { readFs, type ReadFs } from './system/read-fs.ts';

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
  const env: Record<string, string | undefined> = { ...process.env };

  const loaded = loadConfig({ ...(cli.config !== undefined && { configFlag: cli.config }), env, flags: cli.flags, strict: cli.action === 'check' });
  const { config, problems } = loaded;
  const log = createLogger(config.log.level, config.log.format);

  const command = cli.command.length > 0 ? cli.command : config.exec.command;
  if (cli.action === 'run' && env[ALREADY_RAN] === '1') return execAgain(command, env, log);

  const fsr = readFs('');
  const privileged = process.geteuid!() === 0;
  const identity = resolve(fsr, config, privileged, problems);

  if (cli.action === 'check') return check(problems, loaded.iniPath, loaded.iniFound);
  for (const p of problems.items.filter((x) => x.severity === 'warning')) log.warn(formatProblem(p));
  if (problems.errors.length > 0 || !identity) throw new ConfigError(problems.errors);

  const cwd = safeCwd();
  const ctx: PlanContext = { fs: fsr, env, config, identity, privileged, cwd };
  const planned = await planHooks(HOOKS.filter((h) => h.phase === 'root'), ctx);

  if (cli.action === 'plan') {
    const after = planned.flatMap((p) => p.plan.ops).filter((o) => o.kind === 'chdir').at(-1);
    const report = { identity, privileged, planned, command, cwd: after?.kind === 'chdir' ? after.path : cwd };
    process.stdout.write(cli.json ? planJson(report) : planText(report));
    return 0;
  }

  const state: ExecState = { env, cwd };
  applyPlanned(planned, '', state, log);
  if (privileged) dropPrivileges(identity);
  return become(command, state, identity, log);
}

/** Resolves the identity for a root or a non-root start; problems go to the list. */
function resolve(fsr: ReadFs, config: Config, privileged: boolean, problems: ProblemList): Identity | undefined {
  const passwd = readDb(fsr, 'passwd');
  const group = readDb(fsr, 'group');
  if (!passwd || !group) {
    problems.error('/etc/passwd', '', 'is missing or unreadable in this image', 'the image needs /etc/passwd and /etc/group');
    return undefined;
  }
  const input = { config, passwd, group, wanted: config.groups.wanted, keep: config.groups.keep };
  if (privileged) return resolveIdentity(input, problems);
  return resolveUnprivileged(input, {
    uid: process.getuid!(), gid: process.getgid!(), groups: process.getgroups!(),
    exists: (p) => fsr.lstat(p).kind !== 'missing',
  }, problems);
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

