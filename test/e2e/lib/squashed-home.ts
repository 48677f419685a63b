// A root-squashed home, simulated faithfully: a FUSE mount (bindfs --no-allow-other) made by the
// person's uid refuses every other uid, root included, as NFS with root_squash does. The FUSE mount
// cannot itself be a `-v` source (the runtime stats it as root), so it sits inside `parent`, which is
// bind-mounted with `:rbind`.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SquashedHome {
  /** Host directory to mount at /mnt/home with `:rbind`. */
  readonly parent: string;
  /** The home's content as the host sees it (owned by the uid, mode 700). */
  readonly src: string;
  /** Unmounts and removes everything; safe to call twice. */
  readonly cleanup: () => void;
}

/** Mounts a fresh home for `name` (uid = gid = `uid`) under a temp parent; `files` are pre-filled. */
export function squashedHome(name: string, uid: number, files: Record<string, string> = {}): SquashedHome {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nbstart-home-'));
  fs.chmodSync(base, 0o755);
  const src = path.join(base, 'src');
  const parent = path.join(base, 'home');
  const mnt = path.join(parent, name);
  let account: string | undefined;
  if (spawnSync('getent', ['passwd', String(uid)]).status !== 0) {
    // fusermount3 needs a passwd entry for the mounting uid
    account = `nbhome${uid}`;
    execFileSync('useradd', ['--uid', String(uid), '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', account]);
  }
  fs.mkdirSync(src);
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, p)), { recursive: true });
    fs.writeFileSync(path.join(src, p), content);
  }
  fs.mkdirSync(mnt, { recursive: true });
  execFileSync('chown', ['-R', `${uid}:${uid}`, src, mnt]);
  fs.chmodSync(src, 0o700);
  const mode = fs.statSync('/dev/fuse').mode & 0o777;
  fs.chmodSync('/dev/fuse', 0o666); // no udev here: /dev/fuse is 600, and a user could not mount
  try {
    execFileSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'bindfs', '--no-allow-other', src, mnt], { stdio: 'pipe' });
  } finally {
    fs.chmodSync('/dev/fuse', mode);
  }
  let done = false;
  return {
    parent,
    src,
    cleanup: () => {
      if (done) return;
      done = true;
      spawnSync('umount', [mnt]);
      fs.rmSync(base, { recursive: true, force: true });
      if (account) spawnSync('userdel', ['--remove', account], { stdio: 'ignore' });
    },
  };
}
