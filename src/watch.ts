// `nbstart plan --watch`: re-plan whenever the ini, a script directory or the auth_state file changes,
// for image authors iterating on an image. Runs until SIGINT/SIGTERM.

import type { Config } from './config/types.ts';
import type { Logger } from './log.ts';

/** What a plan depends on that can change on disk. */
export function watchedPaths(config: Config, env: Readonly<Record<string, string | undefined>>, iniPath: string): string[] {
  const authFile = env['NBSTART_AUTH_STATE_FILE'];
  return [iniPath, ...config.hooks.startDirs, ...config.hooks.rootDirs, ...config.hooks.userDirs, ...(authFile ? [authFile] : [])];
}

/** Prints a fresh plan after each burst of changes (debounced); never returns on its own. */
export async function watchAndReplan(paths: readonly string[], replan: () => Promise<string>, log: Logger): Promise<never> {
  const { default: chokidar } = await import('chokidar'); // only --watch needs it
  const watcher = chokidar.watch([...paths], { ignoreInitial: true, depth: 1 });
  let timer: NodeJS.Timeout | undefined;
  let changed = new Set<string>();
  watcher.on('all', (_event, path) => {
    changed.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const what = [...changed].join(', ');
      changed = new Set();
      replan().then(
        (text) => process.stdout.write(`--- re-planned after a change to ${what}\n${text}`),
        (err: unknown) => log.error(`re-planning failed: ${(err as Error).message}`),
      );
    }, 200);
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  log.info({ paths }, `watching ${paths.join(', ')} (Ctrl-C to stop)`);
  return new Promise<never>(() => {});
}
