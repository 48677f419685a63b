// Hostile NBSTART_GROUPS values and the names they mirror to: malformed items, ids at and past their
// bounds, duplicates, the kernel's group limit, and names at groupadd's 32-character limit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { mirrorGroups } from '../../../src/identity/resolve.ts';
import { groupEntries, parseDb } from '../../../src/system/colon-db.ts';
import { fixture, testdir } from '../helpers.ts';
import { assertNoErrors, assertRefused, NOT_IDS } from './corpus.ts';

const ROOT = testdir({});
const load = (value: string) => loadConfig({ env: { NBSTART_GROUPS: value }, flags: {}, strict: false, root: ROOT });
const IMAGE = groupEntries(parseDb('group', fixture('docker-stacks-foundation/group'))).map((g) => g.entry);
const GROUPADD = /^[a-z_][a-z0-9_-]{0,31}$/;

test('malformed items are refused one by one, each named with its text', () => {
  for (const item of ['physics', ':3000', 'physics:', 'physics:3000:', 'a:b:3000', 'physics: 3000x', 'physics=3000', '3000:physics']) {
    assertRefused(load(`ok:4000,${item}`).problems, 'NBSTART_GROUPS', item);
  }
});

test('gids that are not canonical decimals in range are refused', () => {
  for (const gid of NOT_IDS) {
    if (gid.includes(',')) continue; // splits into items; covered by the item test
    const item = `physics:${gid}`;
    assertRefused(load(item).problems, 'NBSTART_GROUPS', item.trim());
  }
});

test('handled: spaces around items, empty items, gid 0 and the largest gid', () => {
  const { config, problems } = load(' physics:3000 ,, ,staff:50,wheel:0,top:4294967294,');
  assertNoErrors(problems);
  assert.deepEqual(config.groups.wanted, [{ name: 'physics', gid: 3000 }, { name: 'staff', gid: 50 }, { name: 'wheel', gid: 0 }, { name: 'top', gid: 4294967294 }]);
});

test('the kernel limit: 65,534 groups are accepted and 65,535 refused, naming the count', () => {
  const list = (n: number) => Array.from({ length: n }, (_, i) => `g${i}:${100_000 + i}`).join(',');
  const ok = load(list(65_534));
  assertNoErrors(ok.problems);
  assert.equal(ok.config.groups.wanted.length, 65_534);
  assertRefused(load(list(65_535)).problems, 'NBSTART_GROUPS', '65535 groups');
});

test('duplicates: the first mention of a gid wins; one name asked for two gids gets two names', () => {
  const r = mirrorGroups(IMAGE, [{ name: 'lab', gid: 3000 }, { name: 'other', gid: 3000 }, { name: 'lab', gid: 3001 }]);
  assert.deepEqual(r.map((g) => [g.name, g.gid]), [['lab', 3000], ['lab_3001', 3001]]);
});

test('32- and 33-character names: the first is kept, the second shortened; both groupadd-safe and distinct', () => {
  const n32 = 'g'.repeat(32);
  const n33 = 'g'.repeat(33);
  const r = mirrorGroups(IMAGE, [{ name: n32, gid: 3000 }, { name: n33, gid: 3001 }, { name: `${n32}x`, gid: 3002 }]);
  assert.equal(r[0]!.name, n32);
  assert.equal(r[0]!.note, undefined);
  for (const g of r) assert.match(g.name, GROUPADD);
  assert.equal(new Set(r.map((g) => g.name)).size, 3);
  // the 33rd character is cut, which makes it the 32-character name of gid 3000: a suffix tells them apart
  assert.deepEqual(r.map((g) => g.name), [n32, `${'g'.repeat(27)}_3001`, `${'g'.repeat(27)}_3002`]);
  assert.match(r[1]!.note!, /is gid 3000 already; using "g+_3001" for gid 3001/);
});

test('names that groupadd refuses are made safe: upper case, leading digit or dash, non-ASCII, image names', () => {
  const asked = ['Physics', '1lab', '-x', 'Ωmega', 'a b', 'root', 'users', 'sudo', '__proto__', 'constructor', '.', '..'];
  const r = mirrorGroups(IMAGE, asked.map((name, i) => ({ name, gid: 5000 + i })));
  for (const g of r) assert.match(g.name, GROUPADD, JSON.stringify(g));
  assert.equal(new Set(r.map((g) => g.name)).size, r.length);
  for (const g of r) assert.ok(!IMAGE.some((i) => i.name === g.name), `${g.name} is an image group's name`);
});
