// Hostile identities: a person named like one of the image's system accounts, and gids that are the
// image's system groups.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemList } from '../../../src/config/problems.ts';
import type { WantedGroup } from '../../../src/config/types.ts';
import { resolveIdentity } from '../../../src/identity/resolve.ts';
import { parseDb } from '../../../src/system/colon-db.ts';
import { configFrom, fixture } from '../helpers.ts';
import { assertRefused } from './corpus.ts';

const passwd = parseDb('passwd', fixture('docker-stacks-foundation/passwd'));
const group = parseDb('group', fixture('docker-stacks-foundation/group'));

function resolve(env: Record<string, string>, wanted: WantedGroup[] = []) {
  const problems = new ProblemList();
  const id = resolveIdentity({ config: configFrom(env), passwd, group, wanted, keep: [] }, problems);
  return { id, problems };
}

test('a person named like a system account is refused, naming NB_USER: that account is not refitted to them', () => {
  for (const name of ['daemon', 'bin', 'sys', 'mail', 'www-data', 'backup', 'list', '_apt', 'nobody', 'man', 'uucp']) {
    const { id, problems } = resolve({ NB_USER: name, NB_UID: '1010' });
    assert.equal(id, undefined, name);
    assert.match(assertRefused(problems, 'NB_USER', name), /is a system account of the image \(uid \d+\), not a person's/);
  }
});

test('...unless its own uid is asked for, which runs as that account, as before', () => {
  const { id, problems } = resolve({ NB_USER: 'daemon', NB_UID: '1' });
  assert.deepEqual(problems.errors, []);
  assert.equal(id!.entry, 'daemon');
});

test('the template and people already renamed (uid 1000 and up) are refitted as always', () => {
  assert.equal(resolve({ NB_USER: 'jovyan', NB_UID: '1010' }).id!.entry, 'jovyan');
  const ubuntu = parseDb('passwd', fixture('ubuntu-noble/passwd'));
  const problems = new ProblemList();
  const id = resolveIdentity({ config: configFrom({ NB_USER: 'ubuntu', NB_UID: '2000', NBSTART_TEMPLATE_USER: 'jovyan' }), passwd: ubuntu, group, wanted: [], keep: [] }, problems);
  assert.deepEqual(problems.errors, []);
  assert.equal(id!.entry, 'ubuntu');
});

test('a mirrored gid that is an image system group keeps the image name, and the log says so', () => {
  // gids are what the kernel checks: a hub that sends gid 42 gives the shadow group's rights.
  const { id } = resolve({ NB_USER: 'alice', NB_UID: '1010' }, [{ name: 'ldap-42', gid: 42 }]);
  const g = id!.groups.find((x) => x.gid === 42)!;
  assert.equal(g.name, 'shadow');
  assert.match(g.note!, /gid 42 is "shadow" in the image; kept that name/);
});
