// Groups that give rights over the system: gid 0 needs [user] allow_root, a privileged image gid
// (primary or mirrored) needs [groups] allow_gids.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemList } from '../../../src/config/problems.ts';
import { checkGids, privilegedGids, PRIVILEGED_GROUP_NAMES } from '../../../src/identity/privileged-groups.ts';
import { groupEntries, parseDb, type GroupEntry } from '../../../src/system/colon-db.ts';
import { configFrom, fixture } from '../helpers.ts';

const groups = (text: string): GroupEntry[] => groupEntries(parseDb('group', text)).map((e) => e.entry);

test('the privileged gids of real images: 0 and the named system groups that exist there', () => {
  assert.deepEqual([...privilegedGids(groups(fixture('debian-bookworm/group')))], [[0, 'root'], [4, 'adm'], [6, 'disk'], [15, 'kmem'], [27, 'sudo'], [42, 'shadow'], [50, 'staff']]);
  assert.deepEqual([...privilegedGids(groups(fixture('ubuntu-noble/group')))].map(([g]) => g), [0, 4, 6, 15, 27, 42, 50]);
});

test('a privileged name above the system range is only a name (a mirrored hub group); gid 0 is privileged whatever it is called', () => {
  assert.deepEqual([...privilegedGids(groups('wheel:x:0:\ndocker:x:998:\nstaff:x:5000:\nsudo:x:27:\nsudo2:x:28:\n'))], [[0, 'wheel'], [998, 'docker'], [27, 'sudo']]);
  assert.deepEqual([...privilegedGids([])], [[0, 'root']]);
  assert.ok(PRIVILEGED_GROUP_NAMES.includes('shadow') && PRIVILEGED_GROUP_NAMES.includes('docker'));
});

function check(env: Record<string, string>, primary: number, mirrored: number[], person = 'alice') {
  const problems = new ProblemList();
  const ok = checkGids(configFrom(env), groups(fixture('debian-bookworm/group')), primary, mirrored, person, problems);
  return { ok, problems: problems.items.map((p) => [p.setting, p.value, p.message]) };
}

test('ordinary gids pass', () => {
  assert.deepEqual(check({}, 100, [3000, 3001]), { ok: true, problems: [] });
});

test('primary gid 0: refused for anyone but root, unless [user] allow_root', () => {
  assert.deepEqual(check({}, 0, []), { ok: false, problems: [['NB_GID', '0', 'would give "alice" root\'s group as primary group']] });
  assert.deepEqual(check({}, 0, [], 'root'), { ok: true, problems: [] });
  assert.deepEqual(check({ NBSTART_ALLOW_ROOT: 'yes' }, 0, []), { ok: true, problems: [] });
});

test('a privileged gid as primary or mirrored group: one problem each, naming the image group; allow_gids lets each through', () => {
  assert.deepEqual(check({}, 42, [27, 3000, 4]), { ok: false, problems: [
    ['NB_GID', '42', 'is the image\'s group "shadow", which gives rights over the system'],
    ['NBSTART_GROUPS', '27', 'is the image\'s group "sudo", which gives rights over the system'],
    ['NBSTART_GROUPS', '4', 'is the image\'s group "adm", which gives rights over the system'],
  ] });
  assert.deepEqual(check({ NBSTART_ALLOW_GIDS: '42,4' }, 42, [27, 4]), { ok: false, problems: [['NBSTART_GROUPS', '27', 'is the image\'s group "sudo", which gives rights over the system']] });
  assert.deepEqual(check({ NBSTART_ALLOW_GIDS: '42,27,4' }, 42, [27, 4]), { ok: true, problems: [] });
  assert.deepEqual(check({}, 1, [0]).problems, [['NBSTART_GROUPS', '0', 'is the image\'s group "root", which gives rights over the system']], 'a mirrored gid 0 too');
});
