// Content hash of an image folder: every file and link below it (except ops/, which only says how to
// build and push), with its path, kind and executable bit; then extra inputs; then the hashes of the
// folders it builds on, so a changed base gives its dependents new tags too.

import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

function walk(h: Hash, abs: string, rel: string, skipTopOps: boolean): void {
  const st = fs.lstatSync(abs);
  if (st.isSymbolicLink()) {
    h.update(`link ${rel}\0${fs.readlinkSync(abs)}\0`);
  } else if (st.isDirectory()) {
    h.update(`dir ${rel}\0`);
    for (const name of fs.readdirSync(abs).sort()) {
      if (skipTopOps && name === 'ops') continue;
      walk(h, path.join(abs, name), rel === '' ? name : `${rel}/${name}`, false);
    }
  } else if (st.isFile()) {
    const data = fs.readFileSync(abs);
    h.update(`file ${rel} ${(st.mode & 0o111) !== 0 ? 'x' : '-'} ${data.length}\0`);
    h.update(data);
  } else {
    h.update(`other ${rel}\0`);
  }
}

/** Full sha256 hex of `folder` without its top-level ops/, plus `inputs` and `dependencyHashes`. */
export function folderHash(folder: string, inputs: readonly string[] = [], dependencyHashes: readonly string[] = []): string {
  const h = createHash('sha256');
  walk(h, folder, '', true);
  for (const input of inputs) {
    const abs = path.resolve(folder, input);
    if (!fs.existsSync(abs)) throw new Error(`${input} (an input of ${folder}) does not exist`);
    h.update(`input ${input}\0`);
    walk(h, abs, input, false);
  }
  for (const d of dependencyHashes) h.update(`base ${d}\0`);
  return h.digest('hex');
}

/** The image tag for a hash: its first 8 hex digits. */
export function hashTag(hash: string): string {
  return hash.slice(0, 8);
}
