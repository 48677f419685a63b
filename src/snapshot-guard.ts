// Imported first by src/snapshot.ts. While the V8 start-up snapshot is being built (at build time,
// on the build machine), module code must not read the process's state: whatever it read would be
// frozen into the binary and seen by every container (the builder's environment, arguments,
// working directory, uid). Until src/snapshot.ts calls releaseSnapshotGuard(), such reads throw,
// so a module that does it fails the build instead of shipping. Node's own internal modules are
// let through (they re-read what they need after deserialization), and so are the few reads in
// ALLOWED_ENV, each by one library and harmless. Outside a snapshot build this does nothing.

import { startupSnapshot } from 'node:v8';

const GUARDED = ['argv', 'cwd', 'chdir', 'umask', 'geteuid', 'getuid', 'getegid', 'getgid', 'getgroups'] as const;
/** Variables that one library's module code may read at build time (its frame must match), and why that is harmless. */
const ALLOWED_ENV: Readonly<Record<string, { readonly reader: RegExp; readonly why: string }>> = {
  // thread-stream sits behind pino's transports, which nbstart never uses; under coverage it picks a WeakRef stand-in.
  NODE_V8_COVERAGE: { reader: /node_modules\/thread-stream\//, why: 'coverage only' },
  // figures (through execa) picks ✔ or √ for execa's verbose mode, which nbstart never turns on; on Linux only TERM=linux matters.
  TERM: { reader: /^at isUnicodeSupported /, why: 'glyphs of execa verbose mode' },
  TERM_PROGRAM: { reader: /^at isUnicodeSupported /, why: 'read with TERM; matters on Windows only' },
  // which (through execa's cross-spawn) asks whether it runs on Cygwin or MSYS: never, on Linux.
  OSTYPE: { reader: /node_modules\/which\//, why: 'Windows shells only' },
};
const saved = new Map<string, PropertyDescriptor>();

/** The frame that did the read: [0] "Error", [1] this function, [2] the trap, [3] the reader. */
function reader(): string {
  return (new Error().stack?.split('\n')[3] ?? '').trim();
}

const fromNode = (frame: string): boolean => /\(node:|^at node:/.test(frame);

function refuse(what: string, frame: string): never {
  throw new Error(`${what} was read while building the start-up snapshot (${frame}): module code must not read the process's state (read it in a function)`);
}

if (startupSnapshot.isBuildingSnapshot()) {
  for (const key of GUARDED) {
    const own = Object.getOwnPropertyDescriptor(process, key)!;
    saved.set(key, own);
    Object.defineProperty(process, key, {
      configurable: true,
      get() {
        const frame = reader();
        return fromNode(frame) ? own.value : refuse(`process.${key}`, frame);
      },
      // Node's internals wrap some of these (worker_threads replaces process.chdir and umask).
      set(value: unknown) {
        own.value = value;
      },
    });
  }
  const env = Object.getOwnPropertyDescriptor(process, 'env')!;
  saved.set('env', env);
  const real = env.value as NodeJS.ProcessEnv;
  const guarded = new Proxy(real, {
    get(target, name) {
      if (typeof name !== 'string') return Reflect.get(target, name);
      const frame = reader();
      const allowed = ALLOWED_ENV[name]?.reader.test(frame) ?? false;
      return allowed || fromNode(frame) ? Reflect.get(target, name) : refuse(`process.env.${name}`, frame);
    },
  });
  Object.defineProperty(process, 'env', { ...env, value: guarded });
}

/** Gives the process its own properties back, once every module is loaded. */
export function releaseSnapshotGuard(): void {
  for (const [key, d] of saved) Object.defineProperty(process, key, d);
  saved.clear();
}
