// `nbstart plan` output: the text for people and the JSON document for tools (without file contents).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Identity } from '../../../src/identity/identity.ts';
import type { Planned } from '../../../src/pipeline.ts';
import { planJson, planText, type PlanReport } from '../../../src/plan/print.ts';

const identity: Identity = {
  entry: 'jovyan', name: 'alice', uid: 1010, gid: 1020,
  primary: { name: 'alice', gid: 1020, exists: false },
  groups: [{ name: 'users', gid: 100, exists: true }, { name: 'data_science', gid: 3001, exists: false, asked: 'Data Science', note: 'n' }],
  home: '/home/alice', shell: '/bin/bash', templateHome: '/home/jovyan', was: { uid: 1000, gid: 100, home: '/home/jovyan' },
};

const planned: Planned[] = [
  { hook: { name: 'start-dirs', phase: 'start', summary: 'start scripts' }, plan: { ops: [], notes: [] } },
  { hook: { name: 'accounts', phase: 'root', summary: 'account files' }, plan: {
    ops: [{ kind: 'write-files', why: 'alice replaces jovyan', files: [
      { path: '/etc/passwd', content: 'alice:x:1010:1020::/home/alice:/bin/bash\n', mode: 0o644, uid: 0, gid: 0, summary: '1 line changed' },
      { path: '/etc/shadow', content: 'alice:$6$SECRETHASH:19000::::::\né\n', mode: 0o640, uid: 0, gid: 42, summary: '1 line changed' },
    ] }],
    notes: [{ level: 'info', msg: 'gid 100 is "users"' }, { level: 'warn', msg: 'a warning' }],
  } },
  { hook: { name: 'sudo', phase: 'root', summary: 'sudo' }, plan: { ops: [], notes: [{ level: 'error', msg: 'an error' }] } },
  { hook: { name: 'home-links', phase: 'user', summary: 'links' }, plan: { ops: [{ kind: 'chdir', path: '/home/alice', why: 'the command starts in /home/alice' }], notes: [] } },
];

const report = (over: Partial<PlanReport> = {}): PlanReport => ({ identity, privileged: true, euid: 0, planned, command: ['jupyter', 'lab'], cwd: '/home/alice', ...over });

test('planText: who, the person with new groups marked, each hook with ops and notes, the exec line', () => {
  assert.equal(planText(report()), [
    'nbstart plan (nothing is changed): started as root',
    'person: alice uid=1010 gid=1020 groups: alice(1020) new, users(100), data_science(3001) new',
    'name from: the template user (no NB_USER, auth_state or JupyterHub username)',
    'home: /home/alice  shell: /bin/bash',
    '[accounts] (root phase) account files',
    '  - write as one step: /etc/passwd (1 line changed; mode 644, owner 0:0), /etc/shadow (1 line changed; mode 640, owner 0:42)  # alice replaces jovyan',
    '  · gid 100 is "users"',
    '  ! a warning',
    '[sudo] (root phase) sudo',
    '  ! an error',
    '[home-links] (user phase) links',
    '  - cd /home/alice  # the command starts in /home/alice',
    'exec: jupyter lab as alice (1010:1020) in /home/alice',
    '',
  ].join('\n'));
  assert.match(planText(report({ privileged: false, euid: 1010 })), /^nbstart plan \(nothing is changed\): started as uid 1010\n/);
  assert.match(planText(report({ nameFrom: 'JUPYTERHUB_USER (JupyterHub\'s username)' })), /^name from: JUPYTERHUB_USER \(JupyterHub's username\)$/m);
});

test('planJson: one document; write-files carry each file\'s byte count, never its content', () => {
  const text = planJson(report());
  assert.ok(text.endsWith('}\n'));
  assert.doesNotMatch(text, /SECRETHASH|"content"/);
  const doc = JSON.parse(text) as {
    privileged: boolean; identity: Identity;
    hooks: { name: string; phase: string; ops: Record<string, unknown>[]; notes: unknown[] }[];
    exec: Record<string, unknown>;
  };
  assert.equal(doc.privileged, true);
  assert.equal((doc as unknown as { nameFrom: unknown }).nameFrom, null);
  assert.equal((JSON.parse(planJson(report({ nameFrom: 'NB_USER' }))) as { nameFrom: string }).nameFrom, 'NB_USER');
  assert.deepEqual(doc.identity, identity);
  assert.deepEqual(doc.hooks.map((h) => [h.name, h.phase, h.ops.length, h.notes.length]), [['start-dirs', 'start', 0, 0], ['accounts', 'root', 1, 2], ['sudo', 'root', 0, 1], ['home-links', 'user', 1, 0]]);
  const files = doc.hooks[1]!.ops[0]!['files'] as Record<string, unknown>[];
  assert.deepEqual(files[0], { path: '/etc/passwd', mode: 0o644, uid: 0, gid: 0, summary: '1 line changed', bytes: 41 });
  assert.equal(files[1]!['bytes'], Buffer.byteLength('alice:$6$SECRETHASH:19000::::::\né\n'), 'bytes, not characters');
  assert.deepEqual(doc.hooks[3]!.ops[0], { kind: 'chdir', path: '/home/alice', why: 'the command starts in /home/alice' });
  assert.deepEqual(doc.exec, { command: ['jupyter', 'lab'], user: 'alice', uid: 1010, gid: 1020, cwd: '/home/alice' });
});
