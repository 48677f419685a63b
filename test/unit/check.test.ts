// `nbstart check`: every problem and finding on stdout, one line each, exit 0 only when clean; and
// what it finds about root's world (hook directories and scripts not root's alone, PATH left out,
// adopt and allow_gids in use).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { check, securityFindings } from '../../src/check.ts';
import { ProblemList } from '../../src/config/problems.ts';
import { readFs } from '../../src/system/read-fs.ts';
import { configFrom, rootOnly, testdir } from './helpers.ts';

/** What check() prints and returns. */
function checked(problems: ProblemList, findings: { warnings: string[]; notes: string[] }, iniPath = '/etc/nbstart/nbstart.ini', iniFound = true): { code: number; out: string } {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
  try {
    return { code: check(problems, findings, iniPath, iniFound), out };
  } finally {
    process.stdout.write = write;
  }
}

test('clean: one ok line naming the ini (or that there is none), exit 0; notes do not make it unclean', () => {
  assert.deepEqual(checked(new ProblemList(), { warnings: [], notes: [] }), { code: 0, out: 'ok: /etc/nbstart/nbstart.ini, environment and identity are valid\n' });
  assert.deepEqual(checked(new ProblemList(), { warnings: [], notes: ['n1'] }, '/x.ini', false), { code: 0, out: 'note: n1\nok: no ini file, environment and identity are valid\n' });
});

test('problems (errors and warnings) and findings, one line each in that order, exit 2 and no ok line', () => {
  const problems = new ProblemList();
  problems.error('NB_UID', '12ab', 'expected an integer from 0 to 4294967294', 'set NB_UID to the numeric user id, e.g. 1000');
  problems.warn('[user] nmae in /etc/nbstart/nbstart.ini', 'x', 'is not a known key (did you mean "name"?)', 'use one of name, uid');
  assert.deepEqual(checked(problems, { warnings: ['w1'], notes: ['n1'] }), { code: 2, out: [
    'error: NB_UID: expected an integer from 0 to 4294967294, got "12ab"; fix: set NB_UID to the numeric user id, e.g. 1000',
    'warning: [user] nmae in /etc/nbstart/nbstart.ini: is not a known key (did you mean "name"?), got "x"; fix: use one of name, uid',
    'warning: w1', 'note: n1', '',
  ].join('\n') });
  const onlyWarning = new ProblemList();
  onlyWarning.warn('S', 'v', 'm', 'f');
  assert.equal(checked(onlyWarning, { warnings: [], notes: [] }).code, 2);
  assert.equal(checked(new ProblemList(), { warnings: ['w'], notes: [] }).code, 2);
});

test('[user] adopt and [groups] allow_gids in use are notes naming where they were set', () => {
  const f = readFs(testdir({}));
  assert.deepEqual(securityFindings(f, configFrom({ NBSTART_ADOPT: 'admin,ops', NBSTART_ALLOW_GIDS: '42' }), {}, false), { warnings: [], notes: [
    'NBSTART_ADOPT: a person named admin, ops becomes that image account, with its files and groups',
    'NBSTART_ALLOW_GIDS: a person may be given the privileged gids 42',
  ] });
  assert.deepEqual(securityFindings(f, configFrom({}, '[user]\nadopt = admin\n'), {}, false).notes, [
    '[user] adopt in /etc/nbstart/nbstart.ini: a person named admin becomes that image account, with its files and groups',
  ]);
  assert.deepEqual(securityFindings(f, configFrom({}), {}, false), { warnings: [], notes: [] });
});

test('a start that is not root\'s says nothing about root\'s world', () => {
  const root = testdir({ 'hooks/d/x.sh': '' });
  fs.chmodSync(`${root}/hooks/d`, 0o777);
  assert.deepEqual(securityFindings(readFs(root), configFrom({ NBSTART_ROOT_DIRS: '/hooks/d' }), { PATH: '/nonexistent' }, false), { warnings: [], notes: [] });
});

test('as root: a hook directory or script someone else can change is a warning; an as_user script is not; PATH left out is a note', { skip: rootOnly('a tree of root\'s') }, () => {
  const root = testdir({ 'hooks/open/a.sh': '', 'hooks/d/10activate-conda-env.sh': '', 'hooks/d/20-theirs.sh': '', 'hooks/d/30-ours.sh': '', 'hooks/d/sub/': '', 'opt/conda/bin/': '', 'usr/bin/': '' });
  fs.chmodSync(`${root}/hooks/open`, 0o775);
  fs.chmodSync(`${root}/opt/conda/bin`, 0o775);
  fs.chownSync(`${root}/hooks/d/10activate-conda-env.sh`, 1000, 100);
  fs.chownSync(`${root}/hooks/d/20-theirs.sh`, 1000, 100);
  const config = configFrom({ NBSTART_START_DIRS: '/hooks/open', NBSTART_ROOT_DIRS: '/hooks/d,/hooks/missing' });
  assert.deepEqual(securityFindings(readFs(root), config, { PATH: '/opt/conda/bin:/usr/bin' }, true), {
    warnings: [
      '[hooks] start_dirs: /hooks/open is not root\'s alone (/hooks/open is writable by group 0 (mode 775)): none of its scripts runs as root',
      '[hooks] root_dirs: /hooks/d/20-theirs.sh is not run as root: /hooks/d/20-theirs.sh belongs to uid 1000, not root',
    ],
    notes: ['scripts run as root do not get what the person could change: left out PATH entry /opt/conda/bin (is writable by group 0 (mode 775))'],
  });
});
