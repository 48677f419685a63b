// Hostile auth_state JSON (config/auth-state.ts), from NBSTART_AUTH_STATE and from a file: not JSON,
// not an object, deeply nested, __proto__ keys, numbers in every JSON spelling, strings where numbers
// are expected, lists where objects are expected, injections in names, oversized documents and group
// lists at the kernel's limit. Each is refused naming the exact field, or handled as documented.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.ts';
import { testdir } from '../helpers.ts';
import { assertNoErrors, assertOneLine, assertRefused, INJECTIONS } from './corpus.ts';

const VAR = 'NBSTART_AUTH_STATE';
const load = (text: string, ini?: string, env: Record<string, string> = {}) =>
  loadConfig({ env: { ...env, [VAR]: text }, flags: {}, strict: false, root: testdir(ini === undefined ? {} : { 'etc/nbstart/nbstart.ini': ini }) });
const json = (doc: unknown) => JSON.stringify(doc);

test('not JSON: refused in one line naming the variable, whatever the text holds', () => {
  for (const text of ['{', '{"name":"a",}', "{'name':'a'}", 'NaN', '{"uid":0x10}', '{"uid":01}', '{"uid":+1}', '{"uid":.5}',
    '\ufeff{"name":"a","uid":1}', '{"name":"a\u2028\x1b[31m', '{"name":"a\u0000"}', `{"a":${'['.repeat(10)}`, 'x'.repeat(5_000_000)]) {
    // The value is shown by size only: a malformed auth_state may still hold tokens.
    assertRefused(load(text).problems, VAR, `${Buffer.byteLength(text)} bytes, not shown`);
  }
});

test('JSON that is not an object is refused', () => {
  for (const text of ['[]', '[{"name":"a","uid":1}]', 'null', '1010', '"alice"', 'true']) {
    const line = assertRefused(load(text).problems, VAR, `${Buffer.byteLength(text)} bytes, not shown`);
    assert.match(line, /must be a JSON object/);
  }
});

test('an empty NBSTART_AUTH_STATE is unset, as for every variable', () => {
  assertNoErrors(load('').problems);
});

test('deep nesting: in a field it is refused naming the field; elsewhere it is an unknown field, refused without being shown', () => {
  const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  const uid = load(`{"name":"a","uid":${deep}}`).problems;
  assert.match(assertRefused(uid, `${VAR} field uid`, deep), /must be an integer/);
  const groups = load(`{"name":"a","uid":1,"groups":{"x":${deep}}}`).problems;
  assertRefused(groups, `${VAR} field groups`, `{"x":${deep}}`.slice(0, 200));
  assertRefused(load(`{"name":"a","uid":1010,"profile":{"x":${deep}}}`).problems, `${VAR} field profile`, 'an object, not shown');
  // Read at [auth_state] paths (another shape), the rest of the document is not looked at.
  const { config, problems } = load(`{"name":"a","uid":1010,"profile":{"x":${deep}}}`, '[auth_state]\nuid = uid\n');
  assertNoErrors(problems);
  assert.equal(config.user.uid, 1010);
});

test('__proto__ keys are plain data: they neither give values nor pollute', () => {
  const a = load('{"__proto__":{"name":"root","uid":0}}').problems;
  assertRefused(a, `${VAR} field name`, 'missing');
  assertRefused(a, `${VAR} field uid`, 'missing');
  // In the identity, __proto__ is an unknown field like any other; read at paths, it is ignored.
  const text = '{"name":"alice","uid":1010,"__proto__":{"uid":0,"groups":[{"name":"root","gid":0}]}}';
  assertRefused(load(text).problems, `${VAR} field __proto__`, 'an object, not shown');
  const { config, problems } = load(text, '[auth_state]\nuid = uid\n');
  assertNoErrors(problems);
  assert.equal(config.user.uid, 1010);
  assert.deepEqual(config.groups.wanted, []);
  assert.equal(({} as Record<string, unknown>)['uid'], undefined);
});

test('a mapping cannot reach Object.prototype: constructor and __proto__ paths find nothing', () => {
  for (const path of ['constructor.name', '__proto__.constructor.name', 'toString', 'name.length', 'hasOwnProperty']) {
    const { problems } = load('{"name":"alice","uid":1010}', `[auth_state]\nname = ${path}\n`);
    assertRefused(problems, `${VAR} field ${path}`, 'missing');
  }
  const { problems } = load('{"name":"alice","uid":1010}', '[auth_state]\nuid = constructor.length\n');
  assertRefused(problems, `${VAR} field constructor.length`, 'missing');
});

test('ids: a JSON number is its value; strings, 0 and out of range are refused (hub/identity.schema.json)', () => {
  const uid = (raw: string) => {
    const { config, problems } = load(`{"name":"alice","uid":${raw}}`);
    return { uid: config.user.uid, problems };
  };
  // JSON has no integer type: 1e3, 1.0 and 1000 are the same number; -0 is 0, root's, which a hub never hands out.
  for (const [raw, value] of [['1e3', 1000], ['1.0', 1], ['1010', 1010], ['4294967294', 4294967294]] as const) {
    const r = uid(raw);
    assertNoErrors(r.problems);
    assert.equal(r.uid, value, raw);
  }
  for (const raw of ['0', '-0', '4294967295', '1e300', '9007199254740993', '-1', '1.5', '"20001"', '"0020001"', '["20001"]', '"0x10"', '"1e3"', '" 1010"', '"-0"', '""', '"10.0"', 'true', 'null', '{}', '[]', '[1,2]', '{"value":1010}', '"\u0661"']) {
    const r = uid(raw);
    const shown = JSON.stringify(JSON.parse(raw));
    assert.match(assertRefused(r.problems, `${VAR} field uid`, shown), /must be an integer from 1 to 4294967294/, raw);
  }
});

test('strings where numbers are expected, and the other way round, name the field and its JSON value', () => {
  const p = load(json({ name: 1010, uid: 'alice', gid: 'x', group: 5, home: ['/a', '/b'], groups: 'physics:3000' })).problems;
  assertRefused(p, `${VAR} field name`, '1010');
  assertRefused(p, `${VAR} field uid`, '"alice"');
  assertRefused(p, `${VAR} field gid`, '"x"');
  assertRefused(p, `${VAR} field group`, '5');
  assertRefused(p, `${VAR} field home`, '["/a","/b"]');
  assertRefused(p, `${VAR} field groups`, '"physics:3000"');
});

test('lists where objects are expected: group items that are not {"name", "gid"} are refused one by one', () => {
  const p = load(json({ name: 'a', uid: 1, groups: [['physics', 3000], null, 5, 'staff', { name: ['x', 'y'], gid: 1 }, { name: 'ok', gid: [3001, 3002] }, { gid: 3003 }] })).problems;
  for (const [i, v] of ['["physics",3000]', 'null', '5', '"staff"'].entries()) assert.match(assertRefused(p, `${VAR} field groups[${i}]`, v), /must be an object with exactly "name" and "gid"/);
  assertRefused(p, `${VAR} field groups[4].name`, '["x","y"]');
  assertRefused(p, `${VAR} field groups[5].gid`, '[3001,3002]');
  assertRefused(p, `${VAR} field groups[6].name`, 'missing');
});

test('groups as an object instead of a list is refused, shown briefly', () => {
  const doc = { name: 'a', uid: 1, groups: { name: 'physics', gid: 3000, pad: 'x'.repeat(10_000) } };
  const line = assertRefused(load(json(doc)).problems, `${VAR} field groups`, JSON.stringify(doc.groups).slice(0, 200));
  assert.ok(line.length < 700);
});

test('injections in the user name and in group names are refused naming the field', () => {
  for (const [label, inj] of INJECTIONS) {
    const name = `al${inj}ice`;
    assert.doesNotThrow(() => assertRefused(load(json({ name, uid: 1010 })).problems, `${VAR} field name`, name), label);
    const group = `phy${inj}sics`;
    const { problems } = load(json({ name: 'alice', uid: 1010, groups: [{ name: group, gid: 3000 }] }));
    assert.doesNotThrow(() => assertRefused(problems, `${VAR} field groups[0].name`, group), label);
  }
  // Spaces and other printable characters are fine in a hub's group name: a new group's name is
  // made groupadd-safe when mirrored (identity/group-names.ts).
  const { config, problems } = load(json({ name: 'alice', uid: 1010, groups: [{ name: 'Data Science / ML', gid: 3000 }] }));
  assertNoErrors(problems);
  assert.deepEqual(config.groups.wanted, [{ name: 'Data Science / ML', gid: 3000 }]);
});

test('duplicate keys: JSON.parse keeps the last, as Python\'s json does (the hub and nbstart agree)', () => {
  const { config, problems } = load('{"name":"alice","uid":0,"uid":1010}');
  assertNoErrors(problems);
  assert.equal(config.user.uid, 1010);
});

test('group lists at the kernel limit: 65,534 mirrored groups fit (with the primary and users), 65,535 do not', () => {
  const groups = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `g${i}`, gid: 100_000 + i }));
  const ok = load(json({ name: 'alice', uid: 1010, groups: groups(65_534) }));
  assertNoErrors(ok.problems);
  assert.equal(ok.config.groups.wanted.length, 65_534);
  const line = assertRefused(load(json({ name: 'alice', uid: 1010, groups: groups(65_535) })).problems, `${VAR} field groups`, '65535 groups');
  assert.match(line, /more than the kernel allows \(65536 per process/);
});

test('names at their lengths: 32- and 33-character group names are accepted here (shortened when mirrored)', () => {
  const { config, problems } = load(json({ name: 'alice', uid: 1010, groups: [{ name: 'g'.repeat(32), gid: 3000 }, { name: 'g'.repeat(33), gid: 3001 }, { name: '', gid: 3002 }] }));
  assertRefused(problems, `${VAR} field groups[2].name`, '');
  assert.deepEqual(config.groups.wanted, []); // any bad field: nothing from auth_state is used
  const long = load(json({ name: 'alice', uid: 1010, groups: [{ name: 'g'.repeat(257), gid: 3000 }] }));
  assertRefused(long.problems, `${VAR} field groups[0].name`, 'g'.repeat(257));
});

test('a problem anywhere means nothing from auth_state is used, and every problem is one line', () => {
  const { config, problems } = load(json({ name: 'mallory', uid: 1010, gid: 'x', groups: [{ name: 'wheel', gid: 0 }] }));
  assertOneLine(problems.items);
  assert.equal(config.user.name, undefined);
  assert.equal(config.user.uid, undefined);
  assert.deepEqual(config.groups.wanted, []);
});

test('the file form: unreadable paths are named, with control characters visible', () => {
  const p = loadConfig({ env: { NBSTART_AUTH_STATE_FILE: '/run/secrets/a\n\u2028.json' }, flags: {}, strict: false, root: testdir({}) }).problems;
  assertRefused(p, 'NBSTART_AUTH_STATE_FILE', '/run/secrets/a\n\u2028.json');
  const dir = loadConfig({ env: { NBSTART_AUTH_STATE_FILE: '/run' }, flags: {}, strict: false, root: testdir({ 'run/': '' }) }).problems;
  assert.match(assertRefused(dir, 'NBSTART_AUTH_STATE_FILE', '/run'), /cannot be read \(EISDIR\)/);
});
