// Read-only view of the filesystem through a root prefix, so hooks plan against a temp tree in tests.
// It has no write methods: planning cannot change anything.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { treeSize, type CopyLimits, type CopyResult } from './copy-tree.ts';

export type Stat =
  | { readonly kind: 'missing' }
  /** Exists but cannot be looked at (EACCES: a root-squashed NFS or FUSE mount, for root). */
  | { readonly kind: 'denied' }
  | {
      readonly kind: 'file' | 'dir' | 'link' | 'other';
      readonly uid: number;
      readonly gid: number;
      readonly mode: number;
      readonly dev: number;
      readonly size: number;
    };

export interface ReadFs {
  /** The prefix every image path is read under ('' in production). */
  readonly root: string;
  /** Maps an image path to the real path. */
  real(p: string): string;
  /** File text; undefined when missing. Throws on other errors. */
  readText(p: string): string | undefined;
  /** lstat, never following a final symlink; never throws for missing or denied. */
  lstat(p: string): Stat;
  /** stat, following symlinks; never throws for missing or denied. */
  stat(p: string): Stat;
  /** Link target, or undefined when not a link. */
  readlink(p: string): string | undefined;
  /** Directory entries, sorted; undefined when missing. Throws on other errors. */
  readdir(p: string): string[] | undefined;
  /** True when the current process could access the path with `mode` (fs.constants.*_OK). */
  access(p: string, mode: number): boolean;
  /** Entries and data bytes under `p`, counted through directory fds without following links; incomplete past `limits` or when unreadable. */
  tree(p: string, limits: CopyLimits): CopyResult & { readonly complete: boolean };
}

/** Our Stat for a stat call, mapping ENOENT/ENOTDIR to missing and EACCES/EPERM to denied. */
function statOf(call: () => fs.Stats): Stat {
  try {
    const s = call();
    const kind = s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
    return { kind, uid: s.uid, gid: s.gid, mode: s.mode & 0o7777, dev: s.dev, size: s.size };
  } catch (err) {
    const c = (err as NodeJS.ErrnoException).code;
    if (c === 'ENOENT' || c === 'ENOTDIR') return { kind: 'missing' };
    if (c === 'EACCES' || c === 'EPERM') return { kind: 'denied' };
    throw err;
  }
}

/** A ReadFs over `root` (use '' for the real filesystem). */
export function readFs(root: string): ReadFs {
  const real = (p: string): string => (root === '' ? p : path.join(root, p));
  const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;
  return {
    root,
    real,
    readText(p) {
      try {
        return fs.readFileSync(real(p), 'utf8');
      } catch (err) {
        if (code(err) === 'ENOENT') return undefined;
        throw err;
      }
    },
    lstat(p) {
      return statOf(() => fs.lstatSync(real(p)));
    },
    stat(p) {
      return statOf(() => fs.statSync(real(p)));
    },
    readlink(p) {
      try {
        return fs.readlinkSync(real(p));
      } catch {
        return undefined;
      }
    },
    readdir(p) {
      try {
        return fs.readdirSync(real(p)).sort();
      } catch (err) {
        if (code(err) === 'ENOENT') return undefined;
        throw err;
      }
    },
    tree(p, limits) {
      try {
        return treeSize(real(p), limits);
      } catch {
        return { entries: 0, bytes: 0, complete: false };
      }
    },
    access(p, mode) {
      try {
        fs.accessSync(real(p), mode);
        return true;
      } catch {
        return false;
      }
    },
  };
}
