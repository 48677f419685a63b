// Property tests for the account files (system/colon-db.ts, identity/accounts.ts, identity/resolve.ts)
// over random databases: valid entries, comments, blanks, NIS +/- lines, malformed lines, CRLF lines,
// unicode, with or without a final newline. Seeded and bounded: a failure prints its seed and case,
// and NBSTART_TEST_SEED=<seed> replays the run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemList } from '../../../src/config/problems.ts';
import { refitAccounts, type AccountDbs } from '../../../src/identity/accounts.ts';
import type { WantedGroup } from '../../../src/config/types.ts';
import { mirrorGroups, resolveIdentity } from '../../../src/identity/resolve.ts';
import type { Identity } from '../../../src/identity/identity.ts';
import {
  groupEntries, groupEntry, parseDb, passwdEntries, passwdEntry, passwdLine, renderDb, type ColonDb, type GroupEntry,
} from '../../../src/system/colon-db.ts';
import { configFrom, restarted } from '../helpers.ts';
import { assertOneLine, prng, testSeed } from './corpus.ts';

const CASES = 2000;
const GROUPADD = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Random choices from one seeded stream. */
class Gen {
  readonly rnd: () => number;
  constructor(seed: number) {
    this.rnd = prng(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  str(alphabet: string, lo: number, hi: number): string {
    const chars = [...alphabet];
    return Array.from({ length: this.int(lo, hi) }, () => this.pick(chars)).join('');
  }
  id(): number {
    return this.pick([() => this.int(0, 999), () => this.int(1000, 65535), () => this.int(65536, 4294967294), () => this.pick([0, 100, 65534, 4294967294])])();
  }
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const NAME_CHARS = `${LOWER}0123456789_-.`;
// What image files hold in free-text fields: anything but ':' and newline (CR, U+2028, NUL included).
const FIELD_CHARS = `${LOWER}ABC XYZ,.-_/é✓Ω\u2028\u202e\0\t\r#+`;

/** A user name NB_USER accepts (sometimes non-ASCII). */
function personName(g: Gen): string {
  return g.str(`${LOWER}_é`, 1, 1) + g.str(NAME_CHARS, 0, 12);
}

/** An odd line: comment, blank, NIS, malformed, unicode; never a well-formed entry of `fields` fields. */
function oddLine(g: Gen, fields: number): string {
  return g.pick([
    () => '',
    () => g.str(' \t', 1, 3),
    () => `#${g.str(`${FIELD_CHARS}:`, 0, 30)}`,
    () => g.pick(['+', '-', '+@netgroup', '-@badgroup', `+${personName(g)}`, `-${personName(g)}`, `+${personName(g)}${':'.repeat(fields - 1)}`]),
    () => g.str(`${FIELD_CHARS}:`, 1, 40).replace(/^([^:]*)(:[^:]*){0,}$/, (l) => (l.split(':').length === fields ? `${l}:` : l)),
    () => [personName(g), 'x', g.pick(['01', '-1', '1e3', 'x', '', ' 5', '4294967295', '99999999999']), ...Array.from({ length: fields - 3 }, () => '0')].join(':'),
    () => ['', ...Array.from({ length: fields - 1 }, () => '1')].join(':'),
    () => `${personName(g)}${':x'.repeat(g.pick([fields - 2, fields, fields + 2]))}`,
  ])();
}

interface Generated {
  readonly passwd: string;
  readonly group: string;
}

/** A random passwd/group pair; well-formed passwd names are distinct, as useradd keeps them. */
function databases(g: Gen): Generated {
  const users = new Set<string>();
  const pLines: string[] = [];
  const gLines: string[] = [];
  const withTemplate = g.chance(0.9);
  const nUsers = g.int(0, 12);
  const templateAt = g.int(0, nUsers);
  for (let i = 0; i <= nUsers; i++) {
    if (withTemplate && i === templateAt) {
      users.add('jovyan');
      pLines.push(`jovyan:x:${g.pick([1000, g.id()])}:${g.pick([100, g.id()])}:${g.chance(0.2) ? g.str(FIELD_CHARS, 0, 10) : ''}:/home/jovyan:/bin/bash${g.chance(0.1) ? '\r' : ''}`);
      continue;
    }
    if (g.chance(0.35)) {
      pLines.push(oddLine(g, 7));
      continue;
    }
    const name = g.chance(0.1) ? g.str(`${NAME_CHARS}ABΩ `, 1, 8) : personName(g);
    if (users.has(name) || /^[+-]/.test(name)) continue;
    users.add(name);
    pLines.push([name, g.pick(['x', '*', '']), g.id(), g.id(), g.str(FIELD_CHARS, 0, 12), `/home/${name}`, g.pick(['/bin/sh', '/usr/sbin/nologin', ''])].join(':') + (g.chance(0.05) ? '\r' : ''));
  }
  for (let i = 0, n = g.int(0, 15); i < n; i++) {
    if (g.chance(0.3)) {
      gLines.push(oddLine(g, 4));
      continue;
    }
    const members = Array.from({ length: g.int(0, 3) }, () => g.pick([...users, personName(g), '', 'jovyan'])).join(',');
    gLines.push([g.chance(0.1) ? g.str(`${NAME_CHARS}AΩ `, 1, 8) : personName(g), g.pick(['x', '!', '']), g.pick([100, g.id(), g.id()]), members].join(':') + (g.chance(0.05) ? '\r' : ''));
  }
  if (g.chance(0.8)) gLines.splice(g.int(0, gLines.length), 0, `users:x:100:${g.chance(0.5) ? 'jovyan' : ''}`);
  const text = (lines: string[]) => (lines.length === 0 ? '' : lines.join('\n') + (g.chance(0.8) ? '\n' : ''));
  return { passwd: text(pLines), group: text(gLines) };
}

/** Random settings of a person: name, ids, group and mirrored groups (valid, or chosen to clash). */
function person(g: Gen, db: { passwd: ColonDb; group: ColonDb }): { env: Record<string, string>; wanted: WantedGroup[]; keep: string[] } {
  const users = passwdEntries(db.passwd).map((e) => e.entry);
  const groups = groupEntries(db.group).map((e) => e.entry);
  const env: Record<string, string> = {};
  const name = g.chance(0.15) && users.length > 0 ? g.pick(users).name : personName(g);
  if (!/[:,\s/\\]|^[+-]|^\.\.?$|^[0-9]+$/.test(name) && name.length <= 256 && g.chance(0.9)) env['NB_USER'] = name;
  if (g.chance(0.85)) env['NB_UID'] = String(g.chance(0.1) && users.length > 0 ? g.pick(users).uid : g.id());
  if (g.chance(0.7)) env['NB_GID'] = String(g.chance(0.4) && groups.length > 0 ? g.pick(groups).gid : g.id());
  if (g.chance(0.2)) env['NB_GROUP'] = g.str(`${LOWER}ABC -Ω`, 1, 40).trim() || 'g';
  if (g.chance(0.05)) env['NBSTART_ALLOW_ROOT'] = 'yes';
  const wanted = Array.from({ length: g.int(0, 8) }, () => ({
    name: g.pick([() => personName(g), () => g.str(`${LOWER}ABCÉΩ -_.0123456789`, 1, 40), () => (groups.length > 0 ? g.pick(groups).name : 'x'), () => 'users', () => 'root']),
    gid: g.pick([() => g.id(), () => (groups.length > 0 ? g.pick(groups).gid : 5), () => g.int(3000, 3005)]),
  })).map((w) => ({ name: w.name(), gid: w.gid() })).filter((w) => w.name.trim() !== '' && !/[:,]/.test(w.name));
  const keep = groups.length > 0 && g.chance(0.2) ? [g.pick(groups).name] : [];
  return { env, wanted, keep };
}

/** Resolves as a root start does; undefined (with one-line problems) when the settings are refused. */
function resolve(passwd: ColonDb, group: ColonDb, p: ReturnType<typeof person>): Identity | undefined {
  const problems = new ProblemList();
  const id = resolveIdentity({ config: configFrom(p.env), passwd, group, wanted: p.wanted, keep: p.keep, ...restarted(passwd, p.env) }, problems);
  assertOneLine(problems.items);
  if (!id) assert.ok(problems.errors.length > 0, 'no identity and no error');
  return id;
}

const texts = (d: AccountDbs) => [renderDb(d.passwd), renderDb(d.group)];

/** Runs `check` for every generated case, naming the seed and case on failure. */
/**
 * Runs `check` for every generated case, naming the seed and case on failure. A check returns false
 * for a case it could not exercise (settings refused); at least `floor` of the cases must be exercised,
 * so a generator that drifts into producing only refused cases fails instead of passing empty.
 */
function forAll(name: string, fallbackSeed: number, check: (g: Gen, i: number) => boolean | void, floor = CASES): void {
  test(name, () => {
    const seed = testSeed(fallbackSeed);
    let ran = 0;
    for (let i = 0; i < CASES; i++) {
      const g = new Gen(seed * 100_003 + i);
      try {
        if (check(g, i) !== false) ran++;
      } catch (err) {
        assert.fail(`seed ${seed}, case ${i} (NBSTART_TEST_SEED=${seed} replays it): ${(err as Error).message}`);
      }
    }
    assert.ok(ran >= floor, `only ${ran} of ${CASES} cases were exercised (at least ${floor} must be)`);
  });
}

forAll('parse then render is the identity, byte for byte, for random databases', 1001, (g) => {
  const { passwd, group } = databases(g);
  assert.equal(renderDb(parseDb('passwd', passwd)), passwd);
  assert.equal(renderDb(parseDb('group', group)), group);
  const junk = g.str(`${FIELD_CHARS}:\n\r`, 0, 60);
  assert.equal(renderDb(parseDb('shadow', junk)), junk);
});

forAll('refit keeps unrelated lines byte for byte, writes one passwd line for the person, adds distinct gids, and is idempotent', 2002, (g): boolean => {
  const gen = databases(g);
  const before: AccountDbs = { passwd: parseDb('passwd', gen.passwd), group: parseDb('group', gen.group) };
  const p = person(g, before);
  const id = resolve(before.passwd, before.group, p);
  if (!id) return false;
  const after = refitAccounts(before, id);

  // passwd: the refitted entry's line is the only one that changes, and it is exactly the person
  const entryIndex = passwdEntries(before.passwd).find((e) => e.entry.name === id.entry)!.index;
  assert.equal(after.passwd.lines.length, before.passwd.lines.length);
  before.passwd.lines.forEach((line, i) => {
    if (i !== entryIndex) assert.equal(after.passwd.lines[i], line, `passwd line ${i} changed`);
  });
  const old = passwdEntry(before.passwd.lines[entryIndex]!)!;
  assert.equal(after.passwd.lines[entryIndex], passwdLine({ ...old, name: id.name, uid: id.uid, gid: id.gid, home: id.home, shell: id.shell }));
  assert.equal(passwdEntries(after.passwd).filter((e) => e.entry.name === id.name).length, 1, 'one passwd entry for the person');

  // group: odd lines and other people's lines stay; memberships are exactly the wanted gids
  const wanted = new Set(id.groups.map((x) => x.gid));
  const n = before.group.lines.length;
  before.group.lines.forEach((line, i) => {
    const a = after.group.lines[i]!;
    const e = groupEntry(line);
    if (!e) {
      assert.equal(a, line, `odd group line ${i} changed`);
      return;
    }
    const f = groupEntry(a)!;
    assert.deepEqual([f.name, f.password, f.gid], [e.name, e.password, e.gid], `group line ${i}: only members may change`);
    const mine = (m: string) => m === id.name || m === id.entry;
    assert.equal(f.members.includes(id.name), wanted.has(e.gid), `group line ${i}: membership of ${id.name}`);
    if (id.entry !== id.name) assert.ok(!f.members.includes(id.entry), `group line ${i}: old name left`);
    const others = [...new Set(e.members.filter((m) => !mine(m)))];
    assert.deepEqual(f.members.filter((m) => !mine(m)), wanted.has(e.gid) ? others : e.members.filter((m) => !mine(m)));
    const alreadyRight = e.members.includes(id.name) === wanted.has(e.gid) && (id.entry === id.name || !e.members.includes(id.entry));
    if (alreadyRight && !wanted.has(e.gid)) assert.equal(a, line, `group line ${i} changed though nothing about ${id.name} did`);
  });
  const added = after.group.lines.slice(n).map((l) => groupEntry(l)!);
  const existingGids = new Set(groupEntries(before.group).map((x) => x.entry.gid));
  const existingNames = new Set(groupEntries(before.group).map((x) => x.entry.name));
  assert.equal(new Set(added.map((x) => x.gid)).size, added.length, 'duplicate gids among added lines');
  for (const x of added) {
    assert.ok(!existingGids.has(x.gid), `added gid ${x.gid} was there already`);
    assert.match(x.name, GROUPADD);
    assert.ok(!existingNames.has(x.name), `added name ${x.name} was there already`);
    assert.deepEqual(x.members, wanted.has(x.gid) ? [id.name] : []);
  }
  assert.ok(after.group.lines.length === n || renderDb(after.group).endsWith('\n'));

  // a second start (resolved again from the refitted files) changes nothing
  const id2 = resolve(after.passwd, after.group, p);
  assert.ok(id2, 'the second start refuses what the first accepted');
  assert.deepEqual(texts(refitAccounts(after, id2)), texts(after));
  assert.deepEqual([id2.name, id2.uid, id2.gid, id2.groups.map((x) => [x.name, x.gid])], [id.name, id.uid, id.gid, id.groups.map((x) => [x.name, x.gid])]);
  return true;
}, 1000);

forAll('mirrorGroups: deterministic, one result per distinct gid in first-mention order, new names groupadd-safe and distinct', 3003, (g) => {
  const image: GroupEntry[] = groupEntries(parseDb('group', databases(g).group)).map((e) => e.entry);
  const wanted = person(g, { passwd: parseDb('passwd', ''), group: parseDb('group', image.map((x) => `${x.name}:x:${x.gid}:`).join('\n')) }).wanted;
  if (g.chance(0.3)) wanted.push(...wanted.slice(0, 2).map((w) => ({ name: `${w.name}X`, gid: w.gid })));
  const r = mirrorGroups(image, wanted);
  assert.deepEqual(mirrorGroups(structuredClone(image), structuredClone(wanted)), r, 'not deterministic');
  assert.deepEqual(r.map((x) => x.gid), [...new Set(wanted.map((w) => w.gid))]);
  const imageNames = new Set(image.map((x) => x.name));
  const names = r.map((x) => x.name);
  for (const x of r) {
    const first = image.find((i) => i.gid === x.gid);
    if (first) {
      assert.equal(x.exists, true);
      assert.equal(x.name, first.name);
      continue;
    }
    assert.equal(x.exists, false);
    assert.match(x.name, GROUPADD);
    assert.ok(!imageNames.has(x.name), `${x.name} is an image group's name`);
    assert.equal(names.filter((m) => m === x.name).length, 1, `${x.name} given twice`);
  }
});
