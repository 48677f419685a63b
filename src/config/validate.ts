// Turns layered raw values into a typed Config: each setting through its row's parser in the
// settings table (settings.ts), then the [ssh.*] section validator. Every problem is collected,
// none is thrown; an invalid value leaves the row's default in place.

import { INVALID, type ParseEnv } from './parsers.ts';
import type { ProblemList } from './problems.ts';
import type { RawConfig } from './raw.ts';
import { SETTINGS, type Setting, type ValueOf } from './settings.ts';
import { validateSsh } from './ssh.ts';
import type { Config } from './types.ts';

export type { Config } from './types.ts';

type Key = (typeof SETTINGS)[number]['key'];

/** Validates every raw value; problems are added to `problems`, never thrown. */
export function validate(raw: RawConfig, problems: ProblemList, env: ParseEnv): Config {
  const rows = new Map<string, Setting>((SETTINGS as readonly Setting[]).map((s) => [s.key, s]));
  const v = <K extends Key>(key: K): ValueOf<K> => {
    const s = rows.get(key)!;
    const r = raw.get(key);
    const parsed = r === undefined || !s.parse ? INVALID : s.parse(r, problems, env);
    return (parsed === INVALID ? s.value : parsed) as ValueOf<K>;
  };
  const defined = <K extends string, T>(k: K, value: T | undefined): { [P in K]?: T } => (value === undefined ? {} : { [k]: value }) as { [P in K]?: T };
  const labelText = v('label.text');
  return {
    groups: { wanted: v('groups.list'), keep: v('groups.keep'), allowGids: v('groups.allow_gids') },
    home: {
      ...defined('source', v('home.source')),
      links: v('home.links'),
      copyLimit: v('home.copy_limit'),
      jupyterConfig: v('home.jupyter_config'),
      bashrc: v('home.bashrc'),
    },
    user: {
      ...defined('name', v('user.name')),
      ...defined('uid', v('user.uid')),
      ...defined('gid', v('user.gid')),
      ...defined('group', v('user.group')),
      template: v('user.template'),
      ...defined('shell', v('user.shell')),
      grantSudo: v('user.grant_sudo'),
      allowRoot: v('user.allow_root'),
      adopt: v('user.adopt'),
    },
    chown: { home: v('chown.home'), homeOpts: v('chown.home_opts'), extra: v('chown.extra'), extraOpts: v('chown.extra_opts') },
    exec: { command: v('exec.command'), ...defined('umask', v('exec.umask')), unset: v('exec.unset') },
    log: { level: v('log.level'), format: v('log.format') },
    hooks: {
      startDirs: v('hooks.start_dirs'),
      rootDirs: v('hooks.root_dirs'),
      userDirs: v('hooks.user_dirs'),
      asUser: v('hooks.as_user'),
      onFailure: v('hooks.on_failure'),
      timeoutMs: v('hooks.timeout'),
      disable: v('hooks.disable'),
    },
    ssh: validateSsh(raw, problems),
    label: { ...defined('text', labelText), color: v('label.color') },
    metrics: { cells: v('metrics.cells'), path: v('metrics.path'), formats: v('metrics.formats') },
    resources: { threads: v('resources.threads'), exportLimits: v('resources.export_limits') },
    origins: new Map([...raw].map(([k, r]) => [k, r.origin])),
  };
}

/** Where the setting `key` came from ("NB_USER", "/etc/nbstart.ini [user] name", ...), or `fallback` (its usual name) when it is unset. */
export function originOf(config: Pick<Config, 'origins'>, key: string, fallback: string): string {
  return config.origins.get(key) ?? fallback;
}
