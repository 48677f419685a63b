// Reads what a Dockerfile builds on: the ARG defaults before the first FROM and every FROM's image,
// with ${VAR} / $VAR / ${VAR:-default} substituted, stage names (FROM ... AS x; FROM x) left out.

export interface DockerfileInfo {
  /** ARG defaults declared before the first FROM (undefined: declared without a default). */
  readonly args: ReadonlyMap<string, string | undefined>;
  /** Every external image a stage starts from, in order, as written after substitution. */
  readonly bases: readonly string[];
  /** True when `ARG BASE_IMAGE` is declared before the first FROM, so --build-arg BASE_IMAGE works. */
  readonly takesBaseImage: boolean;
}

/** Joins continuation lines and drops comments and blank lines. */
export function logicalLines(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (cur === '' && /^\s*#/.test(line)) continue; // comment (parser directives included)
    if (cur !== '' && /^\s*#/.test(line)) continue; // comments inside a continued instruction
    if (line.endsWith('\\')) {
      cur += `${line.slice(0, -1)} `;
      continue;
    }
    cur += line;
    if (cur.trim() !== '') out.push(cur.trim());
    cur = '';
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** Substitutes ${VAR}, ${VAR:-default} and $VAR from `vars`; unknown variables become empty. */
export function substitute(word: string, vars: ReadonlyMap<string, string | undefined>): string {
  return word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, def: string | undefined, b: string | undefined) => {
    const v = vars.get((a ?? b)!);
    return v !== undefined && v !== '' ? v : (def ?? '');
  });
}

/** Parses the parts of a Dockerfile that decide what it builds on. */
export function parseDockerfile(text: string): DockerfileInfo {
  const args = new Map<string, string | undefined>();
  const bases: string[] = [];
  const stages = new Set<string>();
  let seenFrom = false;
  for (const line of logicalLines(text)) {
    const m = /^(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const instr = m[1]!.toUpperCase();
    const rest = m[2]!;
    if (instr === 'ARG' && !seenFrom) {
      for (const decl of rest.split(/\s+/).filter((d) => d !== '')) {
        const eq = decl.indexOf('=');
        const name = eq < 0 ? decl : decl.slice(0, eq);
        const value = eq < 0 ? undefined : decl.slice(eq + 1).replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
        args.set(name, value);
      }
    } else if (instr === 'FROM') {
      seenFrom = true;
      const words = rest.split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = substitute(words[0] ?? '', args);
      const as = words.length >= 3 && words[1]!.toUpperCase() === 'AS' ? words[2]!.toLowerCase() : undefined;
      if (image !== '' && !stages.has(image.toLowerCase()) && image !== 'scratch') bases.push(image);
      if (as) stages.add(as);
    }
  }
  return { args, bases, takesBaseImage: args.has('BASE_IMAGE') };
}

/** The repository part of an image reference: no digest, no tag. */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}
