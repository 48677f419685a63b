// Temp files that an interrupted start (kill -9, power loss) left next to files nbstart writes (see
// system/atomic-write.ts). A write removes its own temp file first, but a file that needs no write
// this time would keep it forever: so hooks plan its removal.

import { tempPathFor } from '../system/atomic-write.ts';
import { isReadOnly, type Mount } from '../system/mounts.ts';
import type { ReadFs } from '../system/read-fs.ts';
import type { Op } from './ops.ts';

/** A remove op for each leftover temp file (or link) of `targets`; directories are never planned away. */
export function staleTemps(fs: ReadFs, mounts: readonly Mount[] | undefined, targets: readonly string[]): Op[] {
  return targets
    .map(tempPathFor)
    .filter((t) => ['file', 'link'].includes(fs.lstat(t).kind) && !isReadOnly(mounts, t))
    .map((t) => ({ kind: 'remove', path: t, why: 'left behind by an interrupted earlier start' }));
}
