// The one ordered list of built-in hooks. Static imports: the packager cannot follow dynamic require.
//
// Root phase (before the privilege drop): home → accounts → sudo → chown → nss-wrapper → environment
// → label → metrics.
// `home` runs before `accounts` so that a crash between them converges on restart: the home's
// ownership is refitted while /etc/passwd still names the old uid.

import { accounts } from './accounts.ts';
import { chown } from './chown.ts';
import { environment } from './environment.ts';
import type { Hook } from './hook.ts';
import { home } from './home.ts';
import { label } from './label.ts';
import { metrics } from './metrics.ts';
import { nssWrapper } from './nss-wrapper.ts';
import { sudo } from './sudo.ts';

export const HOOKS: readonly Hook[] = [home, accounts, sudo, chown, nssWrapper, environment, label, metrics];
