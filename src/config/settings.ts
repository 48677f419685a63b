// The one table of every setting: ini section and key, environment variable, CLI flag, default.
// --help, `check`, the loader and the README table are all generated from it.

export interface Setting {
  /** `section.key`, also the ini location. */
  readonly key: string;
  readonly env?: readonly string[];
  readonly flag?: string;
  /** Default as shown to people; the typed default lives in the validator. */
  readonly default: string;
  readonly doc: string;
}

export const SETTINGS: readonly Setting[] = [
  // [user]: who the notebook runs as
  { key: 'user.name', env: ['NB_USER'], default: 'the template user\'s name (jovyan)', doc: 'login name of the person' },
  { key: 'user.uid', env: ['NB_UID'], default: 'the template user\'s uid', doc: 'numeric user id, 0..4294967294' },
  { key: 'user.gid', env: ['NB_GID'], default: 'the template user\'s gid', doc: 'primary group id, 0..4294967294' },
  { key: 'user.group', env: ['NB_GROUP'], default: 'the user name', doc: 'name for the primary group when its gid is new to the image' },
  { key: 'user.template', env: ['NBSTART_TEMPLATE_USER'], default: 'jovyan', doc: 'the image user that is refitted to the person' },
  { key: 'user.shell', default: 'the template user\'s shell', doc: 'login shell written to /etc/passwd and exported as SHELL' },
  { key: 'user.grant_sudo', env: ['GRANT_SUDO'], default: 'no', doc: 'yes/1: passwordless sudo through /etc/sudoers.d/nbstart' },
  { key: 'user.allow_root', env: ['NBSTART_ALLOW_ROOT'], default: 'no', doc: 'yes: accept uid 0 for a user other than root' },
  // [chown]: ownership fixes, off by default as in start.sh
  { key: 'chown.home', env: ['CHOWN_HOME'], default: 'no', doc: 'yes/1: give the home directory to the user' },
  { key: 'chown.home_opts', env: ['CHOWN_HOME_OPTS'], default: '(empty)', doc: '-R: the whole tree, not just the directory' },
  { key: 'chown.extra', env: ['CHOWN_EXTRA'], default: '(empty)', doc: 'comma-separated absolute paths to give to the user' },
  { key: 'chown.extra_opts', env: ['CHOWN_EXTRA_OPTS'], default: '(empty)', doc: '-R: whole trees' },
  // [exec]: the command
  { key: 'exec.command', default: 'bash', doc: 'command when none is given: words split on spaces, or a JSON array' },
  { key: 'exec.umask', env: ['NB_UMASK'], default: 'inherited (usually 022)', doc: 'octal umask for hooks and the command' },
  { key: 'exec.unset', env: ['JUPYTER_ENV_VARS_TO_UNSET'], default: '(empty)', doc: 'comma-separated variables removed before exec' },
  // [label]: a text strip beside the Jupyter logo (issue 9)
  { key: 'label.text', env: ['NBSTART_LABEL'], default: '(empty: no label)', doc: 'text shown beside the logo of the classic notebook UI; at most 64 characters, no control characters' },
  { key: 'label.color', env: ['NBSTART_LABEL_COLOR'], default: '#f37726', doc: 'background of the label: #rgb, #rrggbb or a basic CSS colour name (red, navy, teal, ...)' },
  // [metrics]: cells-run counting in IPython kernels (issue 9)
  { key: 'metrics.cells', env: ['NBSTART_METRICS_CELLS'], default: 'no', doc: 'yes: IPython kernels count executed cells per kernel and notebook (system-wide /etc/ipython config)' },
  { key: 'metrics.path', env: ['NBSTART_METRICS_PATH'], default: '/var/log/nbstart', doc: 'directory (made for the user) for cells.jsonl and cells-<kernel>.prom' },
  { key: 'metrics.formats', env: ['NBSTART_METRICS_FORMATS'], default: 'jsonl,prometheus', doc: 'comma-separated: jsonl (one line per cell), prometheus (textfile-collector file per kernel)' },
  // [log]
  { key: 'log.level', env: ['NBSTART_LOG_LEVEL'], flag: '--log-level', default: 'info', doc: 'trace, debug, info, warn, error, fatal or silent' },
  { key: 'log.format', env: ['NBSTART_LOG_FORMAT'], flag: '--log-format', default: 'pretty', doc: 'pretty (coloured on a terminal) or json' },
];

/** Environment variables that are not settings of the table but are read. */
export const OTHER_ENV: readonly { name: string; default: string; doc: string }[] = [
  { name: 'NBSTART_CONFIG', default: '/etc/nbstart/nbstart.ini', doc: 'path of the ini file (--config wins); a missing file is fine' },
  { name: 'CONDA_DIR', default: '/opt/conda', doc: 'its bin/ is put first on sudo\'s secure_path' },
];

export const DEFAULT_CONFIG_FILE = '/etc/nbstart/nbstart.ini';

/** The setting for `section.key`, if any. */
export function findSetting(key: string): Setting | undefined {
  return SETTINGS.find((s) => s.key === key);
}

/** Known sections, in table order. */
export function knownSections(): string[] {
  return [...new Set(SETTINGS.map((s) => s.key.split('.')[0]!))];
}
