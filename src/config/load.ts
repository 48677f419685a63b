// Loads configuration from every source: defaults < ini file < environment < auth_state < CLI flags.
// Never throws for user mistakes: every problem is returned at once.

import * as fs from 'node:fs';
import { authStateValues, presetOptions, PRESETS, readAuthState, type Mapping, type Preset } from './auth-state.ts';
import { layer } from './layers.ts';
import { ProblemList } from './problems.ts';
import { DEFAULT_CONFIG_FILE } from './settings.ts';
import { HOOK_NAMES } from '../hooks/index.ts';
import type { Config } from './types.ts';
import { validate } from './validate.ts';

const MAPPING_KEYS: readonly [string, keyof Mapping][] = [
  ['name', 'name'], ['uid', 'uid'], ['gid', 'gid'], ['group', 'group'], ['groups', 'groups'],
  ['group_name', 'groupName'], ['group_gid', 'groupGid'], ['home', 'home'],
];

export interface LoadInput {
  /** --config, if given. */
  readonly configFlag?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags: Readonly<Record<string, string | undefined>>;
  /** Unknown ini keys are errors for `check`, warnings at run time. */
  readonly strict: boolean;
  /** Root prefix for reading files (tests). */
  readonly root?: string;
}

export interface Loaded {
  readonly config: Config;
  readonly problems: ProblemList;
  readonly iniPath: string;
  readonly iniFound: boolean;
}

/** Reads the ini (a missing default file is fine) and layers every source. */
export function loadConfig(input: LoadInput): Loaded {
  const problems = new ProblemList();
  const explicit = input.configFlag ?? (input.env['NBSTART_CONFIG'] || undefined);
  const iniPath = explicit ?? DEFAULT_CONFIG_FILE;
  const origin = input.configFlag !== undefined ? '--config' : 'NBSTART_CONFIG';
  let iniText: string | undefined;
  try {
    // A byte-order mark (Windows editors) would otherwise glue itself to the first [section].
    iniText = fs.readFileSync((input.root ?? '') + iniPath, 'utf8').replace(/^\ufeff/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' || explicit !== undefined) {
      problems.error(explicit !== undefined ? origin : iniPath, iniPath,
        code === 'ENOENT' ? 'names a file that does not exist' : `cannot be read (${code})`,
        explicit !== undefined ? `point ${origin} at an existing ini file, or unset it` : 'make the file readable by root');
    }
  }
  const raw = layer({ iniPath, iniText, env: input.env, flags: input.flags }, problems, input.strict ? 'error' : 'warning');
  // auth_state wins over NB_* (images bake NB_UID=1000 into ENV); it sets no flag-backed setting.
  const src = readAuthState(input.env, problems, input.root);
  if (src) {
    const presetRaw = raw.get('auth_state.preset');
    const preset = (presetRaw?.value.trim().toLowerCase() ?? 'canonical') as Preset;
    if (!PRESETS.includes(preset)) {
      problems.error(presetRaw!.origin, presetRaw!.value, `expected one of ${PRESETS.join(', ')}`, `set ${presetRaw!.origin} to canonical, ldap or github`);
    } else {
      const overrides: { -readonly [K in keyof Mapping]?: string } = {};
      for (const [key, field] of MAPPING_KEYS) {
        const v = raw.get(`auth_state.${key}`);
        if (v) overrides[field] = v.value.trim();
      }
      // Under a hub the person's name is JupyterHub's username, which every spawner sets.
      const options = presetOptions(raw, input.env['JUPYTERHUB_USER'], problems);
      for (const [k, v] of authStateValues(src, preset, overrides, problems, options)) raw.set(k, v);
    }
  }
  // [hooks] disable may name any built-in hook: the one list is src/hooks/index.ts.
  const config = validate(raw, problems, { hookNames: HOOK_NAMES });
  return { config, problems, iniPath, iniFound: iniText !== undefined };
}
