// Which passwd entry becomes the person: the template user (or what an earlier start made of it),
// root for root, an image account only when [user] adopt names it; one problem otherwise.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemList } from '../../../src/config/problems.ts';
import { entryFor, isSystemUid, parseRefitRecord, refitRecord } from '../../../src/identity/entry.ts';
import { parseDb, passwdEntries, type PasswdEntry } from '../../../src/system/colon-db.ts';
import { configFrom, fixture } from '../helpers.ts';

const users = (extra = ''): PasswdEntry[] => passwdEntries(parseDb('passwd', fixture('docker-stacks-foundation/passwd') + extra)).map((e) => e.entry);
const ADMIN = 'admin:x:1001:100::/home/admin:/bin/bash\n';

function pick(env: Record<string, string>, name: string, refitted?: string, extra = '') {
  const problems = new ProblemList();
  const e = entryFor(users(extra), configFrom(env), name, refitted, problems);
  return { name: e?.name, problems: problems.items.map((p) => [p.setting, p.value, p.message, p.fix]) };
}

test('the record of a refit: written and read back; only a record about this template counts', () => {
  const text = refitRecord('jovyan', 'alice');
  assert.equal(text, '# Written by nbstart: the image\'s template user and the name it has now (refitted at start-up)\njovyan:alice\n');
  assert.equal(parseRefitRecord(text, 'jovyan'), 'alice');
  assert.equal(parseRefitRecord(text, 'ubuntu'), undefined);
  assert.equal(parseRefitRecord(undefined, 'jovyan'), undefined);
  assert.equal(parseRefitRecord('# only a comment\n', 'jovyan'), undefined);
  assert.equal(parseRefitRecord('jovyan:\n', 'jovyan'), undefined);
  assert.equal(parseRefitRecord('\n# c\njovyan:bob\njovyan:carol\n', 'jovyan'), 'bob', 'the first line that is not a comment');
});

test('system uids: up to 999 and nobody (65534)', () => {
  for (const uid of [0, 8, 999, 65534]) assert.equal(isSystemUid(uid), true, String(uid));
  for (const uid of [1000, 1010, 65533, 65535, 4294967294]) assert.equal(isSystemUid(uid), false, String(uid));
});

test('a new name refits the template; the template\'s own name and root pick themselves', () => {
  assert.deepEqual(pick({ NB_USER: 'alice' }, 'alice'), { name: 'jovyan', problems: [] });
  assert.deepEqual(pick({}, 'jovyan'), { name: 'jovyan', problems: [] });
  assert.deepEqual(pick({ NB_USER: 'root' }, 'root'), { name: 'root', problems: [] });
});

test('after a refit the recorded entry is refitted again (a restart, or a rename to someone else); a stale record falls back to the template', () => {
  const renamed = ADMIN.replace(/admin/g, 'alice').replace('1001', '1010');
  assert.deepEqual(pick({ NB_USER: 'alice' }, 'alice', 'alice', renamed), { name: 'alice', problems: [] });
  assert.deepEqual(pick({ NB_USER: 'bob' }, 'bob', 'alice', renamed), { name: 'alice', problems: [] });
  assert.deepEqual(pick({ NB_USER: 'bob' }, 'bob', 'carol'), { name: 'jovyan', problems: [] });
});

test('another image account of the person\'s name is refused, naming NB_USER; [user] adopt lets it be', () => {
  const fix = (n: string) => `give the person another name (a hub can prefix or map names), or list "${n}" in [user] adopt (NBSTART_ADOPT) if the image means that account for them`;
  assert.deepEqual(pick({ NB_USER: 'admin' }, 'admin', undefined, ADMIN), { name: undefined, problems: [
    ['NB_USER', 'admin', 'is an account of the image (uid 1001) other than the template user "jovyan": nbstart refits only the template user', fix('admin')],
  ] });
  assert.deepEqual(pick({ NB_USER: 'mail' }, 'mail'), { name: undefined, problems: [
    ['NB_USER', 'mail', 'is a system account of the image (uid 8), not a person\'s: nbstart refits only the template user', fix('mail')],
  ] });
  assert.deepEqual(pick({ NB_USER: 'admin', NBSTART_ADOPT: 'ops,admin' }, 'admin', undefined, ADMIN), { name: 'admin', problems: [] });
});

test('no template user in the image: one problem, naming NB_USER when it is set and the template setting otherwise', () => {
  const fix = 'set [user] template (NBSTART_TEMPLATE_USER) to the image\'s notebook user, or recreate the container';
  assert.deepEqual(pick({ NB_USER: 'alice', NBSTART_TEMPLATE_USER: 'nosuch' }, 'alice'), { name: undefined, problems: [
    ['NB_USER', 'alice', 'neither "alice" nor the template user "nosuch" is in /etc/passwd', fix],
  ] });
  assert.deepEqual(pick({ NBSTART_TEMPLATE_USER: 'nosuch' }, 'nosuch'), { name: undefined, problems: [
    ['NBSTART_TEMPLATE_USER', 'nosuch', 'the template user "nosuch" is not in /etc/passwd', fix],
  ] });
});
