import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemList } from '../../../src/config/problems.ts';
import { refitAccounts, type AccountDbs } from '../../../src/identity/accounts.ts';
import type { WantedGroup } from '../../../src/config/types.ts';
import { resolveIdentity } from '../../../src/identity/resolve.ts';
import { parseDb, renderDb } from '../../../src/system/colon-db.ts';
import { configFrom, fixture, restarted } from '../helpers.ts';

function dbs(dir: string): AccountDbs {
  return {
    passwd: parseDb('passwd', fixture(`${dir}/passwd`)),
    group: parseDb('group', fixture(`${dir}/group`)),
    shadow: parseDb('shadow', fixture(`${dir}/shadow`)),
    gshadow: parseDb('gshadow', fixture(`${dir}/gshadow`)),
  };
}

function refit(env: Record<string, string>, before: AccountDbs, wanted: WantedGroup[] = []) {
  const problems = new ProblemList();
  const id = resolveIdentity({ config: configFrom(env), passwd: before.passwd, group: before.group, wanted, keep: [], ...restarted(before.passwd, env) }, problems);
  assert.deepEqual(problems.errors, []);
  return refitAccounts(before, id!);
}

const text = (d: AccountDbs) => [renderDb(d.passwd), renderDb(d.group), renderDb(d.shadow!), renderDb(d.gshadow!)];

test('rename + uid/gid: only the jovyan lines change, and new groups are appended', () => {
  const before = dbs('docker-stacks-foundation');
  const after = refit({ NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' }, before, [{ name: 'physics', gid: 3000 }]);
  const pBefore = renderDb(before.passwd).split('\n');
  const pAfter = renderDb(after.passwd).split('\n');
  assert.equal(pAfter.length, pBefore.length);
  const changed = pAfter.filter((l, i) => l !== pBefore[i]);
  assert.deepEqual(changed, ['alice:x:1010:1020::/home/alice:/bin/bash']);
  const g = renderDb(after.group);
  assert.ok(g.startsWith(renderDb(before.group).replace('users:x:100:\n', 'users:x:100:alice\n')));
  assert.ok(g.endsWith('alice:x:1020:\nphysics:x:3000:alice\n'));
  assert.match(renderDb(after.shadow!), /^alice:/m);
  assert.doesNotMatch(renderDb(after.shadow!), /^jovyan:/m);
  assert.match(renderDb(after.gshadow!), /^alice:!::\nphysics:!::alice\n$/m);
});

test('applying the same identity twice changes nothing the second time', () => {
  const env = { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' };
  const wanted = [{ name: 'physics', gid: 3000 }, { name: 'lab', gid: 3001 }];
  const once = refit(env, dbs('docker-stacks-foundation'), wanted);
  const twice = refit(env, once, wanted);
  assert.deepEqual(text(twice), text(once));
});

test('the defaults change nothing at all in the docker-stacks image', () => {
  const before = dbs('docker-stacks-foundation');
  assert.deepEqual(text(refit({}, before)), text(before));
});

test('memberships converge: a group dropped from the wanted list loses the user', () => {
  const env = { NB_USER: 'alice', NB_UID: '1010' };
  const first = refit(env, dbs('docker-stacks-foundation'), [{ name: 'physics', gid: 3000 }]);
  const second = refit(env, first, []);
  assert.match(renderDb(second.group), /^physics:x:3000:$/m);
  assert.match(renderDb(second.group), /^users:x:100:$/m); // primary group: membership is the passwd gid
});

test('Ubuntu: the template keeps its image memberships renamed only where still wanted', () => {
  const before: AccountDbs = { passwd: parseDb('passwd', fixture('ubuntu-noble/passwd')), group: parseDb('group', fixture('ubuntu-noble/group')) };
  const after = refit({ NBSTART_TEMPLATE_USER: 'ubuntu', NB_USER: 'bob', NB_UID: '2000', NB_GID: '2000' }, before);
  const g = renderDb(after.group);
  assert.match(g, /^users:x:100:bob$/m);
  assert.match(g, /^sudo:x:27:$/m);
  assert.match(g, /^ubuntu:x:1000:$/m);
  assert.match(g, /^bob:x:2000:$/m);
  assert.match(renderDb(after.passwd), /^bob:x:2000:2000:Ubuntu:\/home\/bob:\/bin\/bash$/m);
});
