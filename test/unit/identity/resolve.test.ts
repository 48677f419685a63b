import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemList } from '../../../src/config/problems.ts';
import type { WantedGroup } from '../../../src/config/types.ts';
import { mirrorGroups, resolveIdentity, resolveUnprivileged } from '../../../src/identity/resolve.ts';
import { groupEntries, parseDb } from '../../../src/system/colon-db.ts';
import { configFrom, fixture, restarted } from '../helpers.ts';

const passwd = parseDb('passwd', fixture('docker-stacks-foundation/passwd'));
const group = parseDb('group', fixture('docker-stacks-foundation/group'));

function resolve(env: Record<string, string>, wanted: WantedGroup[] = [], db = { passwd, group }) {
  const problems = new ProblemList();
  const id = resolveIdentity({ config: configFrom(env), ...db, wanted, keep: [], ...restarted(db.passwd, env) }, problems);
  return { id, problems: problems.errors };
}

test('defaults keep the template user as it is', () => {
  const { id } = resolve({});
  assert.equal(id?.name, 'jovyan');
  assert.equal(id?.uid, 1000);
  assert.equal(id?.gid, 100);
  assert.equal(id?.primary.name, 'users');
  assert.deepEqual(id?.groups, []);
  assert.equal(id?.home, '/home/jovyan');
});

test('NB_USER/NB_UID/NB_GID refit the template with a new private group and users(100)', () => {
  const { id } = resolve({ NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' });
  assert.equal(id?.entry, 'jovyan');
  assert.equal(id?.name, 'alice');
  assert.deepEqual([id?.uid, id?.gid], [1010, 1020]);
  assert.deepEqual(id?.primary, { name: 'alice', gid: 1020, exists: false });
  assert.deepEqual(id?.groups.map((g) => [g.name, g.gid]), [['users', 100]]);
  assert.equal(id?.home, '/home/alice');
  assert.equal(id?.templateHome, '/home/jovyan');
});

test('NB_GROUP names the new primary group', () => {
  assert.equal(resolve({ NB_USER: 'alice', NB_GID: '2000', NB_GROUP: 'staffers' }).id?.primary.name, 'staffers');
});

test('a gid the image has keeps its image name even when NB_GROUP asks for another', () => {
  const { id } = resolve({ NB_USER: 'alice', NB_GID: '100', NB_GROUP: 'alice' });
  assert.equal(id?.primary.name, 'users');
  assert.equal(id?.primary.exists, true);
});

test('root triplet runs as root with HOME=/home/root', () => {
  const { id } = resolve({ NB_USER: 'root', NB_UID: '0', NB_GID: '0' });
  assert.equal(id?.entry, 'root');
  assert.equal(id?.home, '/home/root');
  assert.equal(id?.uid, 0);
});

test('NB_USER=root with a non-zero uid is refused', () => {
  assert.match(resolve({ NB_USER: 'root', NB_UID: '1000', NB_GID: '0' }).problems[0]!.message, /NB_UID=0 and NB_GID=0/);
});

test('uid 0 for another user is refused unless allowed', () => {
  assert.match(resolve({ NB_USER: 'alice', NB_UID: '0' }).problems[0]!.message, /root's uid/);
  assert.equal(resolve({ NB_USER: 'alice', NB_UID: '0', NBSTART_ALLOW_ROOT: 'yes' }).id?.uid, 0);
});

test('a uid held by another image user is refused naming that user', () => {
  const p = resolve({ NB_USER: 'alice', NB_UID: '33' }).problems[0]!;
  assert.equal(p.setting, 'NB_UID');
  assert.match(p.message, /"www-data"/);
});

test('an unknown template is refused naming the setting', () => {
  const p = resolve({ NBSTART_TEMPLATE_USER: 'nosuch' }).problems[0]!;
  assert.equal(p.setting, 'NBSTART_TEMPLATE_USER');
  assert.match(p.message, /template user "nosuch" is not in \/etc\/passwd/);
});

test('a restarted container finds the already-renamed entry', () => {
  const renamed = parseDb('passwd', fixture('docker-stacks-foundation/passwd').replace('jovyan:x:1000:100::/home/jovyan', 'alice:x:1010:1020::/home/alice'));
  const { id } = resolve({ NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' }, [], { passwd: renamed, group });
  assert.equal(id?.entry, 'alice');
  assert.deepEqual(id?.was, { uid: 1010, gid: 1020, home: '/home/alice' });
});

test('mirrorGroups: image gid keeps its name, taken names get a distinct derived name, invalid names are sanitised', () => {
  const image = groupEntries(parseDb('group', fixture('ubuntu-noble/group'))).map((e) => e.entry);
  const out = mirrorGroups(image, [
    { name: 'staff-ldap', gid: 50 },
    { name: 'sudo', gid: 5000 },
    { name: 'Data Science!', gid: 5001 },
    { name: '2024-students', gid: 5002 },
    { name: 'dup', gid: 5000 },
  ]);
  assert.deepEqual(out.map((g) => [g.name, g.gid, g.exists]), [
    ['staff', 50, true], ['sudo_5000', 5000, false], ['data_science_', 5001, false], ['_2024-students', 5002, false],
  ]);
  assert.match(out[1]!.note!, /"sudo" is gid 27 already/);
});

test('mirrorGroups is deterministic and names stay within 32 characters', () => {
  const long = 'x'.repeat(40);
  const wanted = [{ name: long, gid: 7001 }, { name: long, gid: 7002 }];
  const a = mirrorGroups([], wanted);
  assert.deepEqual(a, mirrorGroups([], wanted));
  assert.equal(a[0]!.name, 'x'.repeat(32));
  assert.equal(a[1]!.name, `${'x'.repeat(27)}_7002`);
});

test('unprivileged start without a passwd entry takes NB_USER and the template home', () => {
  const problems = new ProblemList();
  const id = resolveUnprivileged({ config: configFrom({ NB_USER: 'alice' }), passwd, group, wanted: [], keep: [] },
    { uid: 1010, gid: 0, groups: [0], exists: () => false }, problems);
  assert.equal(id.name, 'alice');
  assert.equal(id.uid, 1010);
  assert.equal(id.home, '/home/jovyan');
  assert.equal(id.primary.name, 'root');
});

test('unprivileged start warns about NB_UID it cannot apply', () => {
  const problems = new ProblemList();
  resolveUnprivileged({ config: configFrom({ NB_UID: '2000' }), passwd, group, wanted: [], keep: [] },
    { uid: 1000, gid: 100, groups: [100], exists: () => true }, problems);
  assert.equal(problems.items.length, 1);
  assert.equal(problems.items[0]!.severity, 'warning');
  assert.equal(problems.items[0]!.setting, 'NB_UID');
});
