// Existing /etc/passwd and /etc/group with odd or broken lines (system/colon-db.ts and
// identity/accounts.ts): every one is kept byte for byte, nothing throws, and only the person's own
// lines (and the groups it joins or leaves) change.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProblemList } from '../../../src/config/problems.ts';
import { refitAccounts, type AccountDbs } from '../../../src/identity/accounts.ts';
import { resolveIdentity } from '../../../src/identity/resolve.ts';
import { parseDb, renderDb } from '../../../src/system/colon-db.ts';
import { configFrom, fixture, restarted } from '../helpers.ts';
import { assertOneLine } from './corpus.ts';

const PASSWD = fixture('docker-stacks-foundation/passwd');
const GROUP = fixture('docker-stacks-foundation/group');

/** Odd lines real files can hold, each on its own line. */
const ODD_PASSWD = [
  '', '   ', '\t', '# comment: with:colons:in:it:0:0', '+', '+@netgroup', '-baduser', '+nisuser:::::', '-@ng::::::',
  'broken', 'too:few:fields', 'too:many:fields:1:1:gecos:/home:/bin/sh:extra', ':x:2000:2000::/:/bin/sh', 'neg:x:-1:0::/:/bin/sh',
  'lead:x:01:0::/:/bin/sh', 'big:x:4294967295:0::/:/bin/sh', 'sci:x:1e3:0::/:/bin/sh', 'sp:x: 5:5::/:/bin/sh', 'crlf:x:5:5::/:/bin/sh\r',
  'nul:x:6:6::/\0:/bin/sh', 'ls:x:7:7:a\u2028b:/:/bin/sh', 'rtl:x:8:8:\u202eevil:/:/bin/sh', `long:x:9:9:${'g'.repeat(100_000)}:/:/bin/sh`,
  'jovyan:x:abc:100::/home/jovyan:/bin/bash', ' jovyan:x:1000:100::/home/jovyan:/bin/bash', 'alice:x:1e3:100::/:/bin/sh', '\ufeffroot:x:0:0::/:/bin/sh',
];
const ODD_GROUP = [
  '', '# group comment', '+', '+@netgroup', '-bad', 'broken', 'users:x:100', 'dup:x:3000:', 'dup:x:3000:alice', 'members:x:3001:a,,b,',
  'crlf:x:3002:jovyan\r', 'sp:x:3003: jovyan', 'big:x:4294967295:', 'neg:x:-5:', ':x:3004:', 'ls:x:3005:a\u2028b', `long:x:3006:${'m,'.repeat(50_000)}`,
  'alice:x:abc:', 'nul:x:3007:\0',
];

/** Inserts `odd` lines after the first `at` lines of `text` (and keeps its final newline or not). */
function spliced(text: string, odd: readonly string[], at: number, finalNewline = true): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const out = [...lines.slice(0, at), ...odd, ...lines.slice(at)].join('\n');
  return finalNewline ? `${out}\n` : out;
}

function refit(passwd: string, group: string, env: Record<string, string>, wanted: { name: string; gid: number }[] = []) {
  const before: AccountDbs = { passwd: parseDb('passwd', passwd), group: parseDb('group', group) };
  const problems = new ProblemList();
  const id = resolveIdentity({ config: configFrom(env), passwd: before.passwd, group: before.group, wanted, keep: [], ...restarted(before.passwd, env) }, problems);
  assertOneLine(problems.items);
  return { id, problems, after: id ? refitAccounts(before, id) : undefined };
}

test('parse and render give back every odd file byte for byte, with and without a final newline', () => {
  for (const finalNewline of [true, false]) {
    for (let at = 0; at <= 3; at++) {
      const p = spliced(PASSWD, ODD_PASSWD, at, finalNewline);
      const g = spliced(GROUP, ODD_GROUP, at, finalNewline);
      assert.equal(renderDb(parseDb('passwd', p)), p);
      assert.equal(renderDb(parseDb('group', g)), g);
    }
  }
  for (const text of ['\n', '\n\n', '\r\n', 'x', '\0', '\u2028', ':::::::\n', '\ufeff']) {
    assert.equal(renderDb(parseDb('passwd', text)), text);
  }
});

test('refitting alice into the odd files: only her line and the groups she joins change; odd lines stay', () => {
  const passwd = spliced(PASSWD, ODD_PASSWD, 5);
  const group = spliced(GROUP, ODD_GROUP, 5);
  const { problems, after } = refit(passwd, group, { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' }, [{ name: 'physics', gid: 4000 }]);
  assert.deepEqual(problems.errors, []);
  const pBefore = passwd.split('\n');
  const pAfter = renderDb(after!.passwd).split('\n');
  assert.equal(pAfter.length, pBefore.length);
  const changed = pAfter.map((l, i) => [pBefore[i], l]).filter(([a, b]) => a !== b);
  assert.deepEqual(changed, [['jovyan:x:1000:100::/home/jovyan:/bin/bash', 'alice:x:1010:1020::/home/alice:/bin/bash']]);
  for (const odd of ODD_PASSWD) assert.ok(pAfter.includes(odd), JSON.stringify(odd.slice(0, 40)));
  const gAfter = renderDb(after!.group).split('\n');
  for (const odd of ODD_GROUP) {
    // memberships converge: alice is in exactly her groups, so the image's dup group loses her
    if (odd === 'dup:x:3000:alice') continue;
    // crlf lists jovyan (the old name) with a CR glued on: "jovyan\r" is not jovyan, so it stays
    assert.ok(gAfter.includes(odd), JSON.stringify(odd.slice(0, 40)));
  }
  assert.deepEqual(gAfter.filter((l) => l.startsWith('dup:')), ['dup:x:3000:', 'dup:x:3000:']);
  assert.ok(gAfter.includes('users:x:100:alice'));
  assert.ok(gAfter.includes('alice:x:1020:'));
  assert.ok(gAfter.includes('physics:x:4000:alice'));
});

test('a template line with CRLF keeps its CR in the shell field; a second start changes nothing', () => {
  const passwd = PASSWD.replace('jovyan:x:1000:100::/home/jovyan:/bin/bash\n', 'jovyan:x:1000:100::/home/jovyan:/bin/bash\r\n');
  const first = refit(passwd, GROUP, { NB_USER: 'alice', NB_UID: '1010' });
  assert.match(renderDb(first.after!.passwd), /^alice:x:1010:100::\/home\/alice:\/bin\/bash\r$/m);
  const second = refit(renderDb(first.after!.passwd), renderDb(first.after!.group), { NB_USER: 'alice', NB_UID: '1010' });
  assert.equal(renderDb(second.after!.passwd), renderDb(first.after!.passwd));
  assert.equal(renderDb(second.after!.group), renderDb(first.after!.group));
});

test('a malformed line with the person\'s name does not count as her entry and stays as it is', () => {
  const passwd = spliced(PASSWD, ['alice:x:1e3:100::/:/bin/sh'], 2);
  const { after } = refit(passwd, GROUP, { NB_USER: 'alice', NB_UID: '1010' });
  const lines = renderDb(after!.passwd).split('\n');
  assert.ok(lines.includes('alice:x:1e3:100::/:/bin/sh'));
  assert.ok(lines.includes('alice:x:1010:100::/home/alice:/bin/bash'));
});

test('a group line with the new gid but a malformed shape is not reused: a well-formed one is added', () => {
  const group = spliced(GROUP, ['physics:x:4000', 'alice:x:abc:'], 2);
  const { after } = refit(PASSWD, group, { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' }, [{ name: 'physics', gid: 4000 }]);
  const g = renderDb(after!.group);
  assert.ok(g.includes('\nphysics:x:4000\n'));
  assert.match(g, /^physics:x:4000:alice$/m);
});

test('no template user, empty files, only odd lines: a one-line error, never a throw', () => {
  for (const [passwd, group] of [['', ''], [ODD_PASSWD.join('\n'), ODD_GROUP.join('\n')], ['\0\0\0', '\n\n'], ['jovyan', 'users']] as [string, string][]) {
    const { id, problems } = refit(passwd, group, { NB_USER: 'alice', NB_UID: '1010' });
    assert.equal(id, undefined);
    assert.match(problems.errors.map((p) => p.message).join(), /in \/etc\/passwd/);
  }
});

test('a file without a final newline gets one only where lines are added', () => {
  const passwd = PASSWD.replace(/\n$/, '');
  const group = GROUP.replace(/\n$/, '');
  const same = refit(passwd, group, {});
  assert.equal(renderDb(same.after!.passwd), passwd);
  assert.equal(renderDb(same.after!.group), group);
  const added = refit(passwd, group, { NB_USER: 'alice', NB_UID: '1010', NB_GID: '1020' });
  assert.ok(!renderDb(added.after!.passwd).endsWith('\n'));
  assert.ok(renderDb(added.after!.group).endsWith('\nalice:x:1020:\n'));
});

test('ids at their bounds are written as they are: 0 (root\'s group, with allow_root) and 4294967294', () => {
  const { after, problems } = refit(PASSWD, GROUP, { NB_USER: 'alice', NB_UID: '4294967294', NB_GID: '0', NBSTART_ALLOW_ROOT: 'yes' });
  assert.deepEqual(problems.errors, []);
  assert.match(renderDb(after!.passwd), /^alice:x:4294967294:0::\/home\/alice:\/bin\/bash$/m);
  assert.doesNotMatch(renderDb(after!.group), /^alice:/m); // gid 0 is root's group: nothing added
});
