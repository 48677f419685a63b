// The setgroups(2) list of an identity.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupList, type Identity } from '../../../src/identity/identity.ts';

const id = (gid: number, groups: number[]): Identity => ({
  entry: 'jovyan', name: 'alice', uid: 1010, gid, primary: { name: 'alice', gid, exists: false },
  groups: groups.map((g) => ({ name: `g${g}`, gid: g, exists: true })), home: '/home/alice', shell: '/bin/bash',
  templateHome: '/home/jovyan', was: { uid: 1000, gid: 100, home: '/home/jovyan' },
});

test('groupList: the primary gid first, then the supplementary ones in their order, each once', () => {
  assert.deepEqual(groupList(id(1020, [100, 3000])), [1020, 100, 3000]);
  assert.deepEqual(groupList(id(100, [100, 3000, 3000])), [100, 3000]);
  assert.deepEqual(groupList(id(0, [])), [0]);
});
