// The desired identity, computed once from configuration and the image's account files.

export interface ResolvedGroup {
  /** Name in /etc/group after mirroring (the image's name when the gid already exists). */
  readonly name: string;
  readonly gid: number;
  /** True when the image already has this gid. */
  readonly exists: boolean;
  /** The name that was asked for, when it differs from `name`. */
  readonly asked?: string;
  /** Why the name differs, for the log. */
  readonly note?: string;
}

export interface Identity {
  /** Name of the passwd entry that is refitted (the template or an earlier-renamed entry). */
  readonly entry: string;
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly primary: ResolvedGroup;
  /** Supplementary groups (without the primary), in gid order. */
  readonly groups: readonly ResolvedGroup[];
  readonly home: string;
  readonly shell: string;
  /** The template's home before refitting (e.g. /home/jovyan). */
  readonly templateHome: string;
  /** The refitted entry as the image has it now, to find files that follow the uid/gid change. */
  readonly was: { readonly uid: number; readonly gid: number; readonly home: string };
  /**
   * Set when /home/<name> cannot be made (read-only /home, or no CAP_CHOWN for a fresh directory):
   * `home` is then the template's home (on a writable volume) or a scratch directory under /tmp that
   * the person creates after the drop; `reason` is the one warning that says so.
   */
  readonly homeFallback?: { readonly kind: 'template' | 'scratch'; readonly reason: string };
}

/** The full list for setgroups(2): primary first, then supplementary gids. */
export function groupList(id: Identity): number[] {
  return [...new Set([id.gid, ...id.groups.map((g) => g.gid)])];
}
