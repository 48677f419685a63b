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
    assert.match(assertRefused(problems, 'NB_USER', name), /is a system account of the image \(uid \d+\), not a person's: nbstart refits only the template user/);
  }
  // Its own uid asked for changes nothing: only the image may hand an account over.
  assert.equal(resolve({ NB_USER: 'daemon', NB_UID: '1' }).id, undefined);
});

test('an image account other than the template is refused for a person of that name, unless [user] adopt names it', () => {
  const withAdmin = parseDb('passwd', `${fixture('docker-stacks-foundation/passwd')}admin:x:1001:1001::/home/admin:/bin/bash\n`);
  const refuse = new ProblemList();
  assert.equal(resolveIdentity({ config: configFrom({ NB_USER: 'admin', NB_UID: '2000' }), passwd: withAdmin, group, wanted: [], keep: [] }, refuse), undefined);
  assert.match(assertRefused(refuse, 'NB_USER', 'admin'), /is an account of the image \(uid 1001\) other than the template user "jovyan": nbstart refits only the template user/);
  assert.match(refuse.errors[0]!.fix, /list "admin" in \[user\] adopt \(NBSTART_ADOPT\)/);
  const allow = new ProblemList();
  const id = resolveIdentity({ config: configFrom({ NB_USER: 'admin', NB_UID: '2000', NBSTART_ADOPT: 'admin' }), passwd: withAdmin, group, wanted: [], keep: [] }, allow);
  assert.deepEqual(allow.errors, []);
  assert.equal(id!.entry, 'admin');
});

test('the template and people already renamed (uid 1000 and up) are refitted as always', () => {
  assert.equal(resolve({ NB_USER: 'jovyan', NB_UID: '1010' }).id!.entry, 'jovyan');
  const ubuntu = parseDb('passwd', fixture('ubuntu-noble/passwd'));
  const problems = new ProblemList();
  // The record of the first start (/etc/nbstart-user) says the template is `ubuntu` now.
  const id = resolveIdentity({ config: configFrom({ NB_USER: 'ubuntu', NB_UID: '2000', NBSTART_TEMPLATE_USER: 'jovyan' }), passwd: ubuntu, group, wanted: [], keep: [], refitted: 'ubuntu' }, problems);
  assert.deepEqual(problems.errors, []);
  assert.equal(id!.entry, 'ubuntu');
  // Without it, `ubuntu` is just another account of the image.
  assert.equal(resolveIdentity({ config: configFrom({ NB_USER: 'ubuntu', NB_UID: '2000', NBSTART_TEMPLATE_USER: 'jovyan' }), passwd: ubuntu, group, wanted: [], keep: [] }, new ProblemList()), undefined);
});

test('a mirrored gid that is a privileged image group is refused; [groups] allow_gids lets it through with the image name', () => {
  // gids are what the kernel checks: a hub that sends gid 42 gives the shadow group's rights.
  for (const gid of [0, 42, 27, 4, 6, 50]) {
    const { id, problems } = resolve({ NB_USER: 'alice', NB_UID: '1010' }, [{ name: 'ldap', gid }]);
    assert.equal(id, undefined, String(gid));
    assert.match(problems.errors[0]!.message, /is the image's group "[a-z]+", which gives rights over the system/);
  }
  const primary = resolve({ NB_USER: 'alice', NB_UID: '1010', NB_GID: '0' });
  assert.match(assertRefused(primary.problems, 'NB_GID', '0'), /root's group as primary group/);
  const { id } = resolve({ NB_USER: 'alice', NB_UID: '1010', NBSTART_ALLOW_GIDS: '42' }, [{ name: 'ldap-42', gid: 42 }]);
  const g = id!.groups.find((x) => x.gid === 42)!;
  assert.equal(g.name, 'shadow');
  assert.match(g.note!, /gid 42 is "shadow" in the image; kept that name/);
});
