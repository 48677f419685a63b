// The one ordered list of built-in hooks. Static imports: the packager cannot follow dynamic require.
//
// start phase (as the starting user): start-dirs
// root phase (before the drop):       home → accounts → sudo → ssh → chown → nss-wrapper → non-root-hints → environment → label → metrics → root-dirs
// user phase (after the drop):        home-links → user-dirs
// `home` runs before `accounts` so that a crash between them converges on restart: the home's
// ownership is refitted while /etc/passwd still names the old uid.

import type { Config } from '../config/types.ts';
import { accounts } from './accounts.ts';
import { chown } from './chown.ts';
import { environment } from './environment.ts';
import type { Hook, StartContext } from './hook.ts';
import { home } from './home.ts';
import { homeLinks } from './home-links.ts';
import { label } from './label.ts';
import { metrics } from './metrics.ts';
import { nonRootHints } from './non-root-hints.ts';
import { nssWrapper } from './nss-wrapper.ts';
import { rootDirs } from './root-dirs.ts';
import { startDirs } from './start-dirs.ts';
import { ssh } from './ssh.ts';
import { sudo } from './sudo.ts';
import { userDirs } from './user-dirs.ts';

export const START_HOOKS: readonly Hook<StartContext>[] = [startDirs];
export const ROOT_HOOKS: readonly Hook[] = [home, accounts, sudo, ssh, chown, nssWrapper, nonRootHints, environment, label, metrics, rootDirs];
export const USER_HOOKS: readonly Hook[] = [homeLinks, userDirs];

/** Every built-in hook's name, in run order. */
export const HOOK_NAMES: readonly string[] = [...START_HOOKS, ...ROOT_HOOKS, ...USER_HOOKS].map((h) => h.name);

/** The hooks of a list that [hooks] disable does not name. */
export function enabledHooks<H extends { readonly name: string }>(hooks: readonly H[], config: Config): H[] {
  return hooks.filter((h) => !config.hooks.disable.includes(h.name));
}
