// The one ordered list of built-in hooks, one line each: what it touches. Static imports: the
// packager cannot follow dynamic require. Identity resolution, the privilege drop and the exec are
// not hooks: src/main.ts.
//
// start phase, as the starting user:
//   start-dirs   the image's start-notebook.d scripts (src/scripts/)
// root phase, before the drop (as root; a missing need, a read-only /etc, is src/policy.ts's to decide):
//   home         /home/<user>: the template home moved, copied or linked, its owners refitted
//   accounts     /etc/passwd, group, shadow, gshadow, nbstart-user: one step (or nss_wrapper in /tmp)
//   sudo         /etc/sudoers.d/nbstart (GRANT_SUDO)
//   ssh          /etc/ssh/ssh_known_hosts, /etc/ssh/ssh_config.d/nbstart.conf ([ssh.*])
//   label        /usr/local/etc/jupyter/labconfig/page_config.d: the UI label (NBSTART_LABEL)
//   metrics      /etc/ipython/ipython_kernel_config.py and the metrics directory ([metrics])
//   chown        owners in CHOWN_HOME / CHOWN_EXTRA trees (walked without following links: src/system/chown-tree.ts)
//   nss-wrapper  a start as another uid: passwd and group for libnss_wrapper in /tmp
//   resources    the command's environment: CPU_LIMIT, MEM_LIMIT, thread caps from the cgroup
//   environment  the command's environment: HOME, USER, SHELL, NB_*, unsets; NB_UMASK (op src/ops/umask.ts)
//   root-dirs    the image's before-notebook.d scripts, in root's world
// user phase, after the drop, as the person:
//   home-links   the external home ([home] source): directories and links, JUPYTER_CONFIG_DIR
//   user-dirs    [hooks] as_user scripts of root_dirs, then [hooks] user_dirs scripts
// `home` runs before `accounts` so that a crash between them converges on restart: the home's
// ownership is refitted while /etc/passwd still names the old uid. `label` and `metrics` write before
// `chown` may hand a tree to the person: no root write follows a chown of the same tree. `resources`
// runs before `environment` so that JUPYTER_ENV_VARS_TO_UNSET can remove what it exports.

import type { Config } from '../config/types.ts';
import { accounts } from './accounts.ts';
import { chown } from './chown.ts';
import { environment } from './environment.ts';
import type { Hook, StartContext } from './hook.ts';
import { home } from './home.ts';
import { homeLinks } from './home-links.ts';
import { label } from './label.ts';
import { metrics } from './metrics.ts';
import { nssWrapper } from './nss-wrapper.ts';
import { resources } from './resources.ts';
import { rootDirs } from './root-dirs.ts';
import { startDirs } from './start-dirs.ts';
import { ssh } from './ssh.ts';
import { sudo } from './sudo.ts';
import { userDirs } from './user-dirs.ts';

export const START_HOOKS: readonly Hook<StartContext>[] = [startDirs];
export const ROOT_HOOKS: readonly Hook[] = [home, accounts, sudo, ssh, label, metrics, chown, nssWrapper, resources, environment, rootDirs];
export const USER_HOOKS: readonly Hook[] = [homeLinks, userDirs];

/** Every built-in hook's name, in run order. */
export const HOOK_NAMES: readonly string[] = [...START_HOOKS, ...ROOT_HOOKS, ...USER_HOOKS].map((h) => h.name);

/** The hooks of a list that [hooks] disable does not name. */
export function enabledHooks<H extends { readonly name: string }>(hooks: readonly H[], config: Config): H[] {
  return hooks.filter((h) => !config.hooks.disable.includes(h.name));
}
