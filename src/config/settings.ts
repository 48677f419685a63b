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
  // [groups]: supplementary groups mirrored into the image
  { key: 'groups.list', env: ['NBSTART_GROUPS'], default: '(none; auth_state groups win)', doc: 'groups to mirror: name:gid,name:gid' },
  { key: 'groups.keep', env: ['NBSTART_KEEP_GROUPS'], default: '(none)', doc: 'comma-separated image groups the user stays in besides users (100)' },
  // [auth_state]: how to read JupyterHub's auth_state (NBSTART_AUTH_STATE_FILE / NBSTART_AUTH_STATE)
  { key: 'auth_state.preset', env: ['NBSTART_AUTH_STATE_PRESET'], default: 'canonical', doc: 'canonical, ldap (ldapauthenticator) or github (OAuthenticator with teams)' },
  { key: 'auth_state.name', default: 'per preset (canonical: name)', doc: 'dotted path of the user name' },
  { key: 'auth_state.uid', default: 'per preset (canonical: uid)', doc: 'dotted path of the uid' },
  { key: 'auth_state.gid', default: 'per preset (canonical: gid)', doc: 'dotted path of the primary gid' },
  { key: 'auth_state.group', default: 'per preset (canonical: group)', doc: 'dotted path of the primary group name' },
  { key: 'auth_state.groups', default: 'per preset (canonical: groups)', doc: 'dotted path of the group list' },
  { key: 'auth_state.group_name', default: 'per preset (canonical: name)', doc: 'key of a group\'s name inside each list item' },
  { key: 'auth_state.group_gid', default: 'per preset (canonical: gid)', doc: 'key of a group\'s gid inside each list item' },
  { key: 'auth_state.home', default: 'per preset (canonical: home)', doc: 'dotted path of the external home (sets [home] source)' },
  // [home]: the person's external (e.g. root-squashed NFS) home
  { key: 'home.source', env: ['NBSTART_HOME_SOURCE'], default: '(none)', doc: 'external home, e.g. /mnt/home/{user} (the ini value must contain {user}); auth_state home wins' },
  { key: 'home.links', env: ['NBSTART_HOME_LINKS'], default: '(none)', doc: 'comma-separated names linked as /home/<user>/<name> -> <source>/<name>, as the user' },
  { key: 'home.jupyter_config', default: 'jupyter/.jupyter', doc: 'Jupyter config dir under the source, exported as JUPYTER_CONFIG_DIR' },
  { key: 'home.bashrc', default: 'jupyter/.bashrc', doc: 'user bashrc under the source, sourced by interactive bash (NBSTART_USER_BASHRC)' },
  // [hooks]: image authors' scripts (docker-stacks semantics: *.sh sourced, others run if executable)
  { key: 'hooks.start_dirs', env: ['NBSTART_START_DIRS'], default: '/usr/local/bin/start-notebook.d', doc: 'comma-separated dirs run first, as the starting user' },
  { key: 'hooks.root_dirs', env: ['NBSTART_ROOT_DIRS'], default: '/usr/local/bin/before-notebook.d', doc: 'comma-separated dirs run as root just before the privilege drop' },
  { key: 'hooks.user_dirs', env: ['NBSTART_USER_DIRS'], default: '(none)', doc: 'comma-separated dirs run after the drop, as the user, in the home' },
  { key: 'hooks.on_failure', env: ['NBSTART_HOOKS_ON_FAILURE'], default: 'continue', doc: 'continue (log and go on, as start.sh) or abort' },
  { key: 'hooks.timeout', env: ['NBSTART_HOOKS_TIMEOUT'], default: '300', doc: 'seconds a hook may run before its process group is killed (0: no limit)' },
  { key: 'hooks.disable', env: ['NBSTART_DISABLE_HOOKS'], default: '(none)', doc: 'comma-separated built-in hooks not to run (names as in `nbstart plan`)' },
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
  { key: 'label.text', env: ['NBSTART_LABEL'], default: '(empty: no label)', doc: 'text shown beside the logo of JupyterLab and Notebook 7; at most 64 characters, no control characters' },
  { key: 'label.color', env: ['NBSTART_LABEL_COLOR'], default: '#f37726', doc: 'background of the label: #rgb, #rrggbb or a basic CSS colour name (red, navy, teal, ...)' },
  // [metrics]: cells-run counting in IPython kernels (issue 9)
  { key: 'metrics.cells', env: ['NBSTART_METRICS_CELLS'], default: 'no', doc: 'yes: IPython kernels count executed cells per kernel and notebook (system-wide /etc/ipython config)' },
  { key: 'metrics.path', env: ['NBSTART_METRICS_PATH'], default: '/var/log/nbstart', doc: 'directory (made for the user) for cells.jsonl and cells-<kernel>.prom' },
  { key: 'metrics.formats', env: ['NBSTART_METRICS_FORMATS'], default: 'jsonl,prometheus', doc: 'comma-separated: jsonl (one line per cell), prometheus (textfile-collector file per kernel)' },
  // [log]
  { key: 'log.level', env: ['NBSTART_LOG_LEVEL'], flag: '--log-level', default: 'info', doc: 'trace, debug, info, warn, error, fatal or silent' },
  { key: 'log.format', env: ['NBSTART_LOG_FORMAT'], flag: '--log-format', default: 'pretty', doc: 'pretty (coloured on a terminal) or json' },
  // [ssh.NAME]: one section per git server reached over ssh (docs/ssh.md); ini only
  { key: 'ssh.*.host', default: 'NAME', doc: 'the alias users type: git clone NAME:group/repo.git' },
  { key: 'ssh.*.hostname', default: 'the host alias', doc: 'DNS name or IP address of the server' },
  { key: 'ssh.*.port', default: '22', doc: 'ssh port of the server, 1..65535' },
  { key: 'ssh.*.user', default: 'git', doc: 'login name on the server' },
  { key: 'ssh.*.host_key', default: '(required)', doc: 'server host key "type base64" (ssh-keyscan); several: one host_key[] = line each' },
  { key: 'ssh.*.identity_file', default: 'ssh\'s own (~/.ssh/id_*)', doc: 'private key: absolute or ~/ path; {user} is the person\'s name' },
];

/**
 * Sections whose unknown or repeated keys are errors even at run time (elsewhere they are warnings):
 * ssh settings decide which servers are trusted, so a mistyped key must stop start-up rather than
 * leave ssh half-configured.
 */
export const STRICT_SECTIONS: readonly string[] = ['ssh'];

/** Environment variables that are not settings of the table but are read. */
export const OTHER_ENV: readonly { name: string; default: string; doc: string }[] = [
  { name: 'NBSTART_CONFIG', default: '/etc/nbstart/nbstart.ini', doc: 'path of the ini file (--config wins); a missing file is fine' },
  { name: 'NBSTART_AUTH_STATE_FILE', default: '(unset)', doc: 'JSON file with the identity from the hub (wins over NBSTART_AUTH_STATE); removed from the command\'s env' },
  { name: 'NBSTART_AUTH_STATE', default: '(unset)', doc: 'the same JSON in a variable; removed from the command\'s env' },
  { name: 'CONDA_DIR', default: '/opt/conda', doc: 'its bin/ is put first on sudo\'s secure_path' },
];

/** Names of the built-in hooks, for [hooks] disable (kept in step with src/hooks/index.ts by a unit test). */
export const BUILTIN_HOOK_NAMES: readonly string[] = [
  'start-dirs', 'home', 'accounts', 'sudo', 'ssh', 'chown', 'nss-wrapper', 'environment', 'label', 'metrics', 'root-dirs', 'home-links', 'user-dirs',
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
