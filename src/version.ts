// What `nbstart --version` reports: nbstart's version (kept in step with package.json by a unit
// test), the Node.js runtime it runs on (inside the binary: the embedded one) and the commit it was
// built from, which scripts/build.mjs writes into the bundle ("unknown" when run from source).

declare const NBSTART_BUILD_COMMIT: string | undefined;

export const VERSION = '0.1.0';

export interface VersionInfo {
  readonly version: string;
  readonly node: string;
  readonly commit: string;
}

/** nbstart's version, the running Node.js and the build's commit. */
export function versionInfo(): VersionInfo {
  return { version: VERSION, node: process.versions.node, commit: typeof NBSTART_BUILD_COMMIT === 'string' ? NBSTART_BUILD_COMMIT : 'unknown' };
}

/** The --version output: one line, or one JSON object with --json. */
export function versionText(info: VersionInfo, json: boolean): string {
  if (json) return `${JSON.stringify(info)}\n`;
  return `nbstart ${info.version} (node ${info.node}, commit ${info.commit.slice(0, 12)}${info.commit.endsWith('-dirty') ? '-dirty' : ''})\n`;
}
