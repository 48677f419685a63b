import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupEntries, parseDb, parseId, passwdEntries, renderDb, type DbKind } from '../../../src/system/colon-db.ts';
import { fixture } from '../helpers.ts';

const FILES: [string, DbKind][] = [
  ['debian-bookworm/passwd', 'passwd'], ['debian-bookworm/group', 'group'], ['debian-bookworm/shadow', 'shadow'],
  ['debian-bookworm/gshadow', 'gshadow'], ['docker-stacks-foundation/passwd', 'passwd'], ['docker-stacks-foundation/group', 'group'],
  ['ubuntu-noble/passwd', 'passwd'], ['ubuntu-noble/group', 'group'],
];

for (const [name, kind] of FILES) {
  test(`round-trips ${name} byte for byte`, () => {
    const text = fixture(name);
    assert.equal(renderDb(parseDb(kind, text)), text);
  });
}

test('reads the real entries of a Debian passwd', () => {
  const users = passwdEntries(parseDb('passwd', fixture('docker-stacks-foundation/passwd'))).map((e) => e.entry);
  const jovyan = users.find((u) => u.name === 'jovyan');
  assert.deepEqual(jovyan, { name: 'jovyan', password: 'x', uid: 1000, gid: 100, gecos: '', home: '/home/jovyan', shell: '/bin/bash' });
  assert.equal(users.find((u) => u.name === 'nobody')?.uid, 65534);
});

test('reads group members of an Ubuntu group file', () => {
  const groups = groupEntries(parseDb('group', fixture('ubuntu-noble/group'))).map((e) => e.entry);
  assert.deepEqual(groups.find((g) => g.name === 'sudo')?.members, ['ubuntu']);
  assert.deepEqual(groups.find((g) => g.name === 'ubuntu')?.members, []);
});

test('keeps odd lines (comments, NIS, blanks, wrong field counts, bad ids) untouched and skips them', () => {
  const text = '# comment\nroot:x:0:0:root:/root:/bin/bash\n+@netgroup\n\nbroken:line\nneg:x:-1:0::/:/bin/sh\nlead:x:01:0::/:/bin/sh\nno-newline:x:5:5::/:/bin/sh';
  const db = parseDb('passwd', text);
  assert.equal(renderDb(db), text);
  assert.deepEqual(passwdEntries(db).map((e) => e.entry.name), ['root', 'no-newline']);
});

test('empty file renders empty', () => {
  assert.equal(renderDb(parseDb('group', '')), '');
});

test('parseId accepts 0..4294967294 in canonical decimal only', () => {
  assert.equal(parseId('0'), 0);
  assert.equal(parseId('4294967294'), 4294967294);
  assert.equal(parseId('4294967295'), undefined);
  assert.equal(parseId('007'), undefined);
  assert.equal(parseId('-1'), undefined);
  assert.equal(parseId('1e3'), undefined);
  assert.equal(parseId(''), undefined);
});
