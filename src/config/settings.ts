// The one table of every setting: ini section and key, environment variable, CLI flag, the default
// as shown and as typed, its parser and its help. --help, `check`, the loader (config/validate.ts)
// and the README table are all generated from it.

import { labelColor, labelText, DEFAULT_LABEL_COLOR } from './label.ts';
import { DEFAULT_METRICS_PATH, METRICS_FORMATS, metricsFormats, metricsPath } from './metrics.ts';
import * as p from './parsers.ts';
import { threads } from './resources.ts';
import { LOG_FORMATS, LOG_LEVELS } from './types.ts';

export interface Setting<T = unknown> {
  /** `section.key`, also the ini location. */
  readonly key: string;
  readonly env?: readonly string[];
  readonly flag?: string;
  /** Default as shown to people. */
  readonly default: string;
  readonly doc: string;
  /** Turns a raw value into its type; absent for rows a section validator reads (`[ssh.*]`). */
  readonly parse?: p.Parser<T>;
  /** The typed default, used when the setting is unset or its value is invalid. */
  readonly value?: T;
}

/** A row, typed by its key and its parser. */
const row = <const K extends string, T>(s: Omit<Setting<T>, 'value'> & { readonly key: K; readonly value?: NoInfer<T> }): Setting<T> & { readonly key: K } => s;

type Row = (typeof SETTINGS)[number];
/** The typed value of the setting `K`. */
export type ValueOf<K extends Row['key']> = Extract<Row, { key: K }> extends Setting<infer T> ? T : never;

export const SETTINGS = [
  // [user]: who the notebook runs as
  row({ key: 'user.name', env: ['NB_USER'], default: 'the template user\'s name (jovyan)', doc: 'login name of the person', parse: p.userName('the user name') }),
  row({ key: 'user.uid', env: ['NB_UID'], default: 'the template user\'s uid', doc: 'numeric user id, 0..4294967294', parse: p.id('user id') }),
  row({ key: 'user.gid', env: ['NB_GID'], default: 'the template user\'s gid', doc: 'primary group id, 0..4294967294', parse: p.id('group id') }),
  row({ key: 'user.group', env: ['NB_GROUP'], default: 'the user name', doc: 'name for the primary group when its gid is new to the image', parse: p.groupName }),
  row({ key: 'user.template', env: ['NBSTART_TEMPLATE_USER'], default: 'jovyan', doc: 'the image user that is refitted to the person', parse: p.userName('the template user name'), value: 'jovyan' }),
  row({ key: 'user.shell', default: 'the template user\'s shell', doc: 'login shell written to /etc/passwd and exported as SHELL', parse: p.shell }),
  row({ key: 'user.grant_sudo', env: ['GRANT_SUDO'], default: 'no', doc: 'yes/1: passwordless sudo through /etc/sudoers.d/nbstart', parse: p.bool, value: false }),
  row({ key: 'user.adopt', env: ['NBSTART_ADOPT'], default: '(none)', doc: 'comma-separated image accounts that a person of the same name may become (otherwise only the template user is refitted)', parse: p.list, value: [] }),
  row({ key: 'user.allow_root', env: ['NBSTART_ALLOW_ROOT'], default: 'no', doc: 'yes: accept uid 0 for a user other than root', parse: p.bool, value: false }),
  // [groups]: supplementary groups mirrored into the image
  row({ key: 'groups.list', env: ['NBSTART_GROUPS'], default: '(none; auth_state groups win)', doc: 'groups to mirror: name:gid,name:gid', parse: p.groupList, value: [] }),
  row({ key: 'groups.allow_gids', env: ['NBSTART_ALLOW_GIDS'], default: '(none)', doc: 'comma-separated privileged image gids (shadow, sudo, adm, disk, staff, docker, wheel, ...) a person may be given', parse: p.gidList, value: [] }),
  row({ key: 'groups.keep', env: ['NBSTART_KEEP_GROUPS'], default: '(none)', doc: 'comma-separated image groups the user stays in besides users (100)', parse: p.list, value: [] }),
  // [auth_state]: how to read JupyterHub's auth_state (NBSTART_AUTH_STATE_FILE / NBSTART_AUTH_STATE)
  row({ key: 'auth_state.preset', env: ['NBSTART_AUTH_STATE_PRESET'], default: 'canonical', doc: 'canonical (hub/identity.schema.json), ldap (ldapauthenticator) or github (OAuthenticator with teams); ldap and github reduce as nbstart_hub.from_ldap and from_github do', parse: p.text }),
  row({ key: 'auth_state.name', default: 'per preset (canonical: name; ldap: user_attributes.uid)', doc: 'dotted path of the user name; with preset ldap or github JUPYTERHUB_USER wins', parse: p.text }),
  row({ key: 'auth_state.uid', default: 'per preset (canonical: uid; ldap: user_attributes.uidNumber)', doc: 'dotted path of the uid', parse: p.text }),
  row({ key: 'auth_state.gid', default: 'per preset (canonical: gid; ldap: user_attributes.gidNumber)', doc: 'dotted path of the primary gid', parse: p.text }),
  row({ key: 'auth_state.group', default: 'per preset (canonical: group)', doc: 'dotted path of the primary group name (preset canonical only)', parse: p.text }),
  row({ key: 'auth_state.groups', default: 'per preset (canonical: groups; ldap: posix_groups)', doc: 'dotted path of the group list', parse: p.text }),
  row({ key: 'auth_state.group_name', default: 'per preset (canonical: name)', doc: 'key of a group\'s name inside each list item (preset canonical only)', parse: p.text }),
  row({ key: 'auth_state.group_gid', default: 'per preset (canonical: gid)', doc: 'key of a group\'s gid inside each list item (preset canonical only)', parse: p.text }),
  row({ key: 'auth_state.home', default: 'per preset (canonical: home; ldap: none)', doc: 'dotted path of the external home (sets [home] source); ldap: e.g. user_attributes.homeDirectory, then required', parse: p.text }),
  row({ key: 'auth_state.id_offset', env: ['NBSTART_AUTH_STATE_ID_OFFSET'], default: '0', doc: 'github: added to every GitHub id (the user\'s and organizations\'), e.g. 100000 when ids are below min_uid', parse: p.id('offset'), value: 0 }),
  row({ key: 'auth_state.min_uid', env: ['NBSTART_AUTH_STATE_MIN_UID'], default: '1000', doc: 'ldap and github: lowest uid (github: and organization gid) accepted; below it live system accounts', parse: p.id('lowest uid'), value: 1000 }),
  // [home]: the person's external (e.g. root-squashed NFS) home
  row({ key: 'home.source', env: ['NBSTART_HOME_SOURCE'], default: '(none)', doc: 'external home, e.g. /mnt/home/{user} (the ini value must contain {user}); auth_state home wins', parse: p.homeSource }),
  row({ key: 'home.links', env: ['NBSTART_HOME_LINKS'], default: '(none)', doc: 'comma-separated names linked as /home/<user>/<name> -> <source>/<name>, as the user', parse: p.linkNames, value: [] }),
  row({ key: 'home.copy_limit', env: ['NBSTART_HOME_COPY_LIMIT'], default: '1G', doc: 'most a copy of the template home may take (bytes, or with K, M, G); past it, or past 20,000 entries, /home/<user> links to the template home instead', parse: p.size, value: 1024 ** 3 }),
  row({ key: 'home.jupyter_config', default: 'jupyter/.jupyter', doc: 'Jupyter config dir under the source, exported as JUPYTER_CONFIG_DIR', parse: p.relativePath('jupyter/.jupyter'), value: 'jupyter/.jupyter' }),
  row({ key: 'home.bashrc', default: 'jupyter/.bashrc', doc: 'user bashrc under the source, sourced by interactive bash (NBSTART_USER_BASHRC)', parse: p.relativePath('jupyter/.bashrc'), value: 'jupyter/.bashrc' }),
  // [hooks]: image authors' scripts (docker-stacks semantics: *.sh sourced, others run if executable)
  row({ key: 'hooks.start_dirs', env: ['NBSTART_START_DIRS'], default: '/usr/local/bin/start-notebook.d', doc: 'comma-separated dirs run first, as the starting user', parse: p.directories, value: ['/usr/local/bin/start-notebook.d'] }),
  row({ key: 'hooks.root_dirs', env: ['NBSTART_ROOT_DIRS'], default: '/usr/local/bin/before-notebook.d', doc: 'comma-separated dirs run as root just before the privilege drop', parse: p.directories, value: ['/usr/local/bin/before-notebook.d'] }),
  row({ key: 'hooks.as_user', env: ['NBSTART_HOOKS_AS_USER'], default: '10activate-conda-env.sh', doc: 'comma-separated names of root_dirs scripts that run after the drop, as the person, instead of as root (docker-stacks\' conda activation)', parse: p.list, value: ['10activate-conda-env.sh'] }),
  row({ key: 'hooks.user_dirs', env: ['NBSTART_USER_DIRS'], default: '(none)', doc: 'comma-separated dirs run after the drop, as the user, in the home', parse: p.directories, value: [] }),
  row({ key: 'hooks.on_failure', env: ['NBSTART_HOOKS_ON_FAILURE'], default: 'continue', doc: 'continue (log and go on, as start.sh) or abort', parse: p.oneOf(['continue', 'abort'] as const, 'continue or abort', 'expected continue or abort'), value: 'continue' }),
  row({ key: 'hooks.timeout', env: ['NBSTART_HOOKS_TIMEOUT'], default: '300', doc: 'seconds a hook may run before its process group is killed (0: no limit)', parse: p.seconds, value: 300_000 }),
  row({ key: 'hooks.disable', env: ['NBSTART_DISABLE_HOOKS'], default: '(none)', doc: 'comma-separated built-in hooks not to run (names as in `nbstart plan`)', parse: p.hookNames, value: [] }),
  // [chown]: ownership fixes, off by default as in start.sh
  row({ key: 'chown.home', env: ['CHOWN_HOME'], default: 'no', doc: 'yes/1: give the home directory to the user', parse: p.bool, value: false }),
  row({ key: 'chown.home_opts', env: ['CHOWN_HOME_OPTS'], default: '(empty)', doc: '-R: the whole tree, not just the directory', parse: p.chownOpts, value: { recursive: false } }),
  row({ key: 'chown.extra', env: ['CHOWN_EXTRA'], default: '(empty)', doc: 'comma-separated absolute paths to give to the user', parse: p.absolutePaths, value: [] }),
  row({ key: 'chown.extra_opts', env: ['CHOWN_EXTRA_OPTS'], default: '(empty)', doc: '-R: whole trees', parse: p.chownOpts, value: { recursive: false } }),
  // [exec]: the command
  row({ key: 'exec.command', default: 'bash', doc: 'command when none is given: words split on spaces, or a JSON array', parse: p.command, value: ['bash'] }),
  row({ key: 'exec.umask', env: ['NB_UMASK'], default: 'inherited (usually 022)', doc: 'octal umask for hooks and the command', parse: p.umask }),
  row({ key: 'exec.unset', env: ['JUPYTER_ENV_VARS_TO_UNSET'], default: '(empty)', doc: 'comma-separated variables removed before exec', parse: p.variableNames, value: [] }),
  // [label]: a text strip beside the Jupyter logo (issue 9)
  row({ key: 'label.text', env: ['NBSTART_LABEL'], default: '(empty: no label)', doc: 'text shown beside the logo of JupyterLab and Notebook 7; at most 64 characters, no control characters', parse: labelText }),
  row({ key: 'label.color', env: ['NBSTART_LABEL_COLOR'], default: '#f37726', doc: 'background of the label: #rgb, #rrggbb or a basic CSS colour name (red, navy, teal, ...)', parse: labelColor, value: DEFAULT_LABEL_COLOR }),
  // [metrics]: cells-run counting in IPython kernels (issue 9)
  row({ key: 'metrics.cells', env: ['NBSTART_METRICS_CELLS'], default: 'no', doc: 'yes: IPython kernels count executed cells per kernel and notebook (system-wide /etc/ipython config)', parse: p.bool, value: false }),
  row({ key: 'metrics.path', env: ['NBSTART_METRICS_PATH'], default: '/var/log/nbstart', doc: 'directory (made for the user) for cells.jsonl and cells-<kernel>.prom', parse: metricsPath, value: DEFAULT_METRICS_PATH }),
  row({ key: 'metrics.formats', env: ['NBSTART_METRICS_FORMATS'], default: 'jsonl,prometheus', doc: 'comma-separated: jsonl (one line per cell), prometheus (textfile-collector file per kernel)', parse: metricsFormats, value: [...METRICS_FORMATS] }),
  // [resources]: the container's CPU and memory limits, read from its cgroup (issue 18)
  row({ key: 'resources.threads', env: ['NBSTART_THREADS'], default: 'auto', doc: 'auto: OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS, VECLIB_MAXIMUM_THREADS, NUMEXPR_MAX_THREADS = the CPU limit rounded up, when limited; no: none; N: N. A value already set wins', parse: threads, value: 'auto' }),
  row({ key: 'resources.export_limits', env: ['NBSTART_EXPORT_LIMITS'], default: 'yes', doc: 'yes: CPU_LIMIT (cores, e.g. 1.5) and MEM_LIMIT (bytes) from the cgroup, when limited and not already set', parse: p.bool, value: true }),
  // [log]
  row({ key: 'log.level', env: ['NBSTART_LOG_LEVEL'], flag: '--log-level', default: 'info', doc: 'trace, debug, info, warn, error, fatal or silent', parse: p.oneOf(LOG_LEVELS, 'info'), value: 'info' }),
  row({ key: 'log.format', env: ['NBSTART_LOG_FORMAT'], flag: '--log-format', default: 'pretty', doc: 'pretty (coloured on a terminal) or json', parse: p.oneOf(LOG_FORMATS, 'json or pretty', 'expected pretty or json'), value: 'pretty' }),
  // [ssh.NAME]: one section per git server reached over ssh (docs/ssh.md); ini only
  row({ key: 'ssh.*.host', default: 'NAME', doc: 'the alias users type: git clone NAME:group/repo.git' }),
  row({ key: 'ssh.*.hostname', default: 'the host alias', doc: 'DNS name or IP address of the server' }),
  row({ key: 'ssh.*.port', default: '22', doc: 'ssh port of the server, 1..65535' }),
  row({ key: 'ssh.*.user', default: 'git', doc: 'login name on the server' }),
  row({ key: 'ssh.*.host_key', default: '(required)', doc: 'server host key "type base64" (ssh-keyscan); several: one host_key[] = line each' }),
  row({ key: 'ssh.*.identity_file', default: 'ssh\'s own (~/.ssh/id_*)', doc: 'private key: absolute or ~/ path; {user} is the person\'s name' }),
] as const;

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
  { name: 'JUPYTERHUB_USER', default: '(set by every spawner)', doc: 'JupyterHub\'s username: the person\'s name with auth_state preset ldap or github (`nbstart plan` says where the name came from)' },
  { name: 'CONDA_DIR', default: '/opt/conda', doc: 'its bin/ is put first on sudo\'s secure_path' },
];

export const DEFAULT_CONFIG_FILE = '/etc/nbstart/nbstart.ini';
