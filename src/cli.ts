// Command line: `nbstart [options] [--] [COMMAND [ARG...]]`, `nbstart plan`, `nbstart check`.
// Everything after the first word that is not an option belongs to the command, untouched.

import { OTHER_ENV, SETTINGS } from './config/settings.ts';
import { LOG_FORMATS, LOG_LEVELS } from './config/types.ts';
import { versionInfo, versionText } from './version.ts';

export type Action = 'run' | 'plan' | 'check';

export interface Cli {
  readonly action: Action;
  readonly config?: string;
  /** Flag values by flag name, for config layering. */
  readonly flags: Readonly<Record<string, string | undefined>>;
  readonly json: boolean;
  readonly watch: boolean;
  readonly command: readonly string[];
}

export type CliResult =
  | { readonly kind: 'ok'; readonly cli: Cli }
  | { readonly kind: 'exit'; readonly code: number; readonly out: string; readonly err: string };

/** The settings table as help text: every ini key, env var and flag with its default. */
export function settingsHelp(): string {
  const rows = SETTINGS.map((s) => {
    const parts = s.key.split('.');
    const where = [`[${parts.slice(0, -1).join('.')}] ${parts.at(-1)}`, ...(s.env ?? []), ...(s.flag ? [s.flag] : [])].join(', ');
    return `  ${where}\n      ${s.doc} (default: ${s.default})`;
  });
  const env = OTHER_ENV.map((e) => `  ${e.name}\n      ${e.doc} (default: ${e.default})`);
  return ['Settings (ini key, environment variable, flag; later wins: ini < env < auth_state < flag):', ...rows, '', 'Other environment variables:', ...env,
    '', 'Exit codes: 1 configuration or identity error, 2 usage or `check` found problems, 126 command not executable, 127 command not found;',
    'otherwise nbstart becomes the command (execve) and its exit status is the container\'s.'].join('\n');
}

/** Options whose value is the next word unless written as --option=value. */
const VALUE_OPTIONS: readonly string[] = ['--config', '--log-level', '--log-format'];

const NO_FLAGS = { '--log-level': undefined, '--log-format': undefined };

/** Parses argv (without node and script); never exits the process. */
export async function parseCli(argv: readonly string[]): Promise<CliResult> {
  const args = [...argv];
  // A leading subcommand word; `nbstart -- plan` runs a program called plan.
  let action: Action = 'run';
  // The first word that is neither an option nor an option's value (`--log-level debug plan`).
  let first = -1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--' || !a.startsWith('-')) {
      first = i;
      break;
    }
    if (VALUE_OPTIONS.includes(a)) i++;
  }
  if (first >= 0 && (args[first] === 'plan' || args[first] === 'check')) {
    action = args[first] as Action;
    args.splice(first, 1);
  }
  // Every container start is `nbstart [COMMAND...]` or `nbstart -- COMMAND...`: with no option of
  // nbstart's own, the rest is the command as it stands and yargs is not even loaded. Loading it
  // was ~35 ms of a ~90 ms start (bench/README.md); it is imported below, for options and --help.
  if (args.length === 0 || args[0] === '--' || !args[0]!.startsWith('-')) {
    return withCommand(action, undefined, NO_FLAGS, false, false, args[0] === '--' ? args.slice(1) : args);
  }
  // `--version [--json]` needs no yargs either: image builds and health checks run it, and it must
  // cost no more than a start (yargs made it ~80 ms).
  if (args.includes('--version') && args.every((a) => a === '--version' || a === '--json')) return version(args.includes('--json'));
  return parseOptions(action, args);
}

/** --version, as text or JSON. */
function version(json: boolean): CliResult {
  return { kind: 'exit', code: 0, out: versionText(versionInfo(), json), err: '' };
}

/** The options part: yargs, loaded only now (esbuild still bundles it: the specifier is literal). */
async function parseOptions(action: Action, args: readonly string[]): Promise<CliResult> {
  const { default: yargs } = await import('yargs');
  let out = '';
  let failed: string | undefined;
  const y = yargs()
    .scriptName('nbstart')
    .usage([
      'Usage: nbstart [options] [--] [COMMAND [ARG...]]   set up the person, then become COMMAND (default: bash)',
      '       nbstart plan [--json] [--watch] [-- COMMAND...]   show what would be done; change nothing',
      '       nbstart check                       validate ini, env and auth_state; exit 0 when clean, 2 otherwise',
    ].join('\n'))
    .parserConfiguration({ 'halt-at-non-option': true, 'populate--': true, 'parse-positional-numbers': false })
    .option('config', { type: 'string', describe: 'ini file (default: $NBSTART_CONFIG or /etc/nbstart/nbstart.ini)' })
    .option('log-level', { type: 'string', describe: `${LOG_LEVELS.join('|')} (default: info)` })
    .option('log-format', { type: 'string', describe: `${LOG_FORMATS.join('|')} (default: pretty)` })
    .option('json', { type: 'boolean', default: false, describe: 'plan: print one JSON document' })
    .option('watch', { type: 'boolean', default: false, describe: 'plan: re-plan when the ini, a script dir or the auth_state file changes' })
    .version(false)
    .option('version', { type: 'boolean', default: false, describe: 'nbstart\'s version, the Node.js inside and the build\'s commit (--json: as JSON)' })
    .help()
    .alias('h', 'help')
    .epilogue(settingsHelp())
    .wrap(null)
    .strictOptions(true)
    .exitProcess(false)
    .fail((msg, err) => {
      failed = msg ?? err?.message ?? 'invalid arguments';
    });
  let parsed: Record<string, unknown>;
  try {
    parsed = y.parseSync([...args], {}, (_err, _argv, output) => {
      out = output;
    }) as Record<string, unknown>;
  } catch (err) {
    failed = (err as Error).message;
    parsed = {};
  }
  if (failed !== undefined) return { kind: 'exit', code: 2, out: '', err: `nbstart: ${failed.split('\n')[0]} (see nbstart --help)` };
  if (parsed['help']) return { kind: 'exit', code: 0, out: `${out}\n`, err: '' };
  if (parsed['version'] === true) return version(parsed['json'] === true);
  const positional = ((parsed['_'] as (string | number)[] | undefined) ?? []).map(String);
  const rest = ((parsed['--'] as (string | number)[] | undefined) ?? []).map(String);
  for (const [flag, allowed] of [['log-level', LOG_LEVELS], ['log-format', LOG_FORMATS]] as const) {
    const v = parsed[flag];
    if (v !== undefined && !(allowed as readonly string[]).includes(String(v))) {
      return { kind: 'exit', code: 2, out: '', err: `nbstart: --${flag} must be one of ${allowed.join(', ')}, got ${JSON.stringify(String(v))}` };
    }
  }
  const str = (k: string): string | undefined => (typeof parsed[k] === 'string' ? (parsed[k] as string) : undefined);
  const flags = { '--log-level': str('log-level'), '--log-format': str('log-format') };
  return withCommand(action, str('config'), flags, parsed['json'] === true, parsed['watch'] === true, [...positional, ...rest]);
}

/** The parsed command line, or exit 2 for `check` with a command. */
function withCommand(action: Action, config: string | undefined, flags: Cli['flags'], json: boolean, watch: boolean, command: readonly string[]): CliResult {
  if (action === 'check' && command.length > 0) {
    return { kind: 'exit', code: 2, out: '', err: `nbstart: check takes no command, got ${JSON.stringify(command.join(' '))} (see nbstart --help)` };
  }
  return { kind: 'ok', cli: { action, ...(config !== undefined && { config }), flags, json, watch, command } };
}
