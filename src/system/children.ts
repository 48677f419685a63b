// The script process groups running right now (src/ops/run-scripts.ts), so that SIGTERM/SIGINT to nbstart (docker stop, Ctrl-C)
// ends them with it instead of leaving orphans behind in the container.

const groups = new Set<number>();

/** Remembers a child that leads its own process group. */
export function track(pid: number): void {
  groups.add(pid);
}

/** Forgets a finished child. */
export function untrack(pid: number): void {
  groups.delete(pid);
}

/** On SIGTERM/SIGINT: end every hook group and exit 128+signal, as a shell would. */
export function exitOnSignals(onExit: (code: number) => void): void {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
    process.on(signal, () => {
      for (const pid of groups) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      onExit(code);
    });
  }
}
