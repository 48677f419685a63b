// Every value parser of the settings table: what it accepts (and what it turns it into), and for
// each refusal the one problem it reports: the setting (the raw value's origin), the value and the fix.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as p from '../../../src/config/parsers.ts';
import { INVALID, type Parser } from '../../../src/config/parsers.ts';
import { ProblemList, type Problem } from '../../../src/config/problems.ts';
import { HOOK_NAMES } from '../../../src/hooks/index.ts';

const ENV = { hookNames: HOOK_NAMES };

/** Runs `parser` on `value` from `origin`; the result and the problems it reported. */
function run<T>(parser: Parser<T>, value: string, origin = 'SETTING'): { out: T | typeof INVALID; problems: Problem[] } {
  const problems = new ProblemList();
  const out = parser({ value, origin }, problems, ENV);
  return { out, problems: problems.items };
}

/** Asserts `value` parses to `want` without a problem. */
function accepts<T>(parser: Parser<T>, value: string, want: T): void {
  const r = run(parser, value);
  assert.deepEqual(r.problems, [], `${JSON.stringify(value)}: ${JSON.stringify(r.problems)}`);
  assert.deepEqual(r.out, want, JSON.stringify(value));
}

/** Asserts `value` is refused with INVALID and exactly one error naming the setting and the value. */
function refuses<T>(parser: Parser<T>, value: string, message: RegExp | string, fix: RegExp | string): void {
  const r = run(parser, value, 'SETTING');
  assert.equal(r.out, INVALID, JSON.stringify(value));
  assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
  const [problem] = r.problems;
  assert.equal(problem!.severity, 'error');
  assert.equal(problem!.setting, 'SETTING');
  assert.equal(problem!.value, value);
  if (typeof message === 'string') assert.equal(problem!.message, message);
  else assert.match(problem!.message, message);
  if (typeof fix === 'string') assert.equal(problem!.fix, fix);
  else assert.match(problem!.fix, fix);
}

// --- pure helpers --------------------------------------------------------------------------------

test('nameProblem: each refusal has its reason; plain names, dots and non-ASCII letters are fine', () => {
  for (const ok of ['alice', 'a.b', 'a-b_c', 'zoë', 'x'.repeat(32), 'Alice1']) assert.equal(p.nameProblem(ok, 32), undefined, ok);
  const cases: [string, RegExp][] = [
    ['', /^must not be empty$/],
    ['a:b', /^must not contain ":"/],
    ['a,b', /^must not contain ","/],
    ['a b', /^must not contain " "/],
    ['a/b', /^must not contain "\/"/],
    ['a\\b', /^must not contain "\\\\"/],
    ['a\ufffdb', /^must not contain "\ufffd"/],
    ['a\u202eb', /^must not contain "\u202e"/],
    ['-a', /^must not start with "-" or "\+"$/],
    ['+a', /^must not start with "-" or "\+"$/],
    ['#a', /^must not start with "#" \(the line would read as a comment\)$/],
    ['.', /^must not be "\." or "\.\."$/],
    ['..', /^must not be "\." or "\.\."$/],
    ['1234', /^must not be all digits/],
    ['x'.repeat(33), /^must be at most 32 characters$/],
  ];
  for (const [name, why] of cases) assert.match(p.nameProblem(name, 32) ?? 'accepted', why, JSON.stringify(name));
});

test('groupNameProblem: only what breaks a group line or hides is refused (the rest is sanitised later)', () => {
  for (const ok of ['Data Science', 'x/y', '-lead', '1234', 'é', 'x'.repeat(256)]) assert.equal(p.groupNameProblem(ok), undefined, ok);
  assert.equal(p.groupNameProblem(''), 'must not be empty');
  assert.equal(p.groupNameProblem('a:b'), 'must not contain ":"');
  assert.equal(p.groupNameProblem('a,b'), 'must not contain ","');
  assert.equal(p.groupNameProblem('a\nb'), 'must not contain "\\n"');
  assert.equal(p.groupNameProblem('x'.repeat(257)), 'must be at most 256 characters');
});

test('parseIdValue: decimal 0..4294967294, surrounding spaces allowed', () => {
  for (const [t, n] of [['0', 0], ['1000', 1000], [' 42 ', 42], ['4294967294', 4294967294], ['007', 7]] as const) assert.equal(p.parseIdValue(t), n, t);
  for (const t of ['', '-1', '4294967295', '12345678901', '1e3', '0x10', '1.0', '+5', 'abc']) assert.equal(p.parseIdValue(t), undefined, t);
});

test('parseBool: start.sh\'s words in any case; empty is no', () => {
  for (const t of ['1', 'yes', 'YES', 'true', 'on', ' True ']) assert.equal(p.parseBool(t), true, t);
  for (const t of ['0', 'no', 'No', 'false', 'off', '']) assert.equal(p.parseBool(t), false, t);
  for (const t of ['maybe', 'y', '2', 'yes please']) assert.equal(p.parseBool(t), undefined, t);
});

test('parseCommand: words split on white space, or a JSON array of non-empty strings', () => {
  assert.deepEqual(p.parseCommand('  jupyter   lab\t--ip=0.0.0.0 '), ['jupyter', 'lab', '--ip=0.0.0.0']);
  assert.deepEqual(p.parseCommand('["jupyter", "lab --x"]'), ['jupyter', 'lab --x']);
  for (const t of ['', '   ', '[]', '[""]', '["a", 1]', '[not json', '["a\\u0000b"]', 'a\0b', '[{"a":1}]']) {
    assert.equal(p.parseCommand(t), undefined, JSON.stringify(t));
  }
});

test('parseChownOpts: -R/--recursive recurse; no-follow flags are accepted and mean nothing; anything else is refused', () => {
  assert.deepEqual(p.parseChownOpts(''), { recursive: false });
  assert.deepEqual(p.parseChownOpts('-R'), { recursive: true });
  assert.deepEqual(p.parseChownOpts(' --recursive -h '), { recursive: true });
  assert.deepEqual(p.parseChownOpts('-h -P --no-dereference'), { recursive: false });
  for (const t of ['-L', '-R -L', '--dereference', '-Rh', 'R']) assert.equal(p.parseChownOpts(t), undefined, t);
});

test('splitList: items trimmed, empty ones dropped', () => {
  assert.deepEqual(p.splitList(' a, b ,,c,'), ['a', 'b', 'c']);
  assert.deepEqual(p.splitList(''), []);
  assert.deepEqual(p.splitList(' , '), []);
});

test('relativePathProblem: inside the home only', () => {
  assert.equal(p.relativePathProblem('jupyter/.jupyter'), undefined);
  assert.equal(p.relativePathProblem('a/./b'), undefined);
  assert.equal(p.relativePathProblem(''), 'must be a relative path inside the home');
  assert.equal(p.relativePathProblem('/etc'), 'must be a relative path inside the home');
  assert.equal(p.relativePathProblem('a/../../etc'), 'must not contain ".."');
  assert.equal(p.relativePathProblem('a\u200bb'), 'must not contain control characters');
});

test('didYouMean: the closest candidate when it is close enough, else nothing', () => {
  assert.equal(p.didYouMean('sudoo', ['sudo', 'ssh']), ' (did you mean "sudo"?)');
  assert.equal(p.didYouMean('hostnmae', ['host', 'hostname']), ' (did you mean "hostname"?)');
  assert.equal(p.didYouMean('completely-different', ['sudo', 'ssh']), '');
  assert.equal(p.didYouMean('x', []), '');
});

// --- the parsers ---------------------------------------------------------------------------------

test('text: trimmed, never refused', () => {
  accepts(p.text, '  user_attributes.uid ', 'user_attributes.uid');
  accepts(p.text, '', '');
});

test('userName: a name as given; each refusal names what it is about', () => {
  const parser = p.userName('the user name');
  accepts(parser, 'alice', 'alice');
  accepts(parser, 'x'.repeat(256), 'x'.repeat(256));
  refuses(parser, 'a:b', /^the user name must not contain ":"/, 'set SETTING to a plain name such as "alice"');
  refuses(parser, '', 'the user name must not be empty', 'set SETTING to a plain name such as "alice"');
  refuses(parser, 'x'.repeat(257), 'the user name must be at most 256 characters', /plain name/);
  refuses(p.userName('the template user name'), '#jovyan', /^the template user name must not start with "#"/, /plain name/);
});

test('groupName: a primary group name', () => {
  accepts(p.groupName, 'Data Science', 'Data Science');
  refuses(p.groupName, 'a,b', 'the group name must not contain ","', 'set SETTING to a plain name such as "science"');
});

test('id: decimal ids; the fix says which id', () => {
  accepts(p.id('user id'), ' 1010 ', 1010);
  accepts(p.id('user id'), '0', 0);
  refuses(p.id('user id'), '12ab', 'expected an integer from 0 to 4294967294', 'set SETTING to the numeric user id, e.g. 1000');
  refuses(p.id('group id'), '-1', 'expected an integer from 0 to 4294967294', 'set SETTING to the numeric group id, e.g. 1000');
});

test('bool: yes/no and friends', () => {
  accepts(p.bool, 'Yes', true);
  accepts(p.bool, '0', false);
  refuses(p.bool, 'maybe', 'expected yes/no (or 1/0, true/false)', 'set SETTING to yes or no');
});

test('oneOf: case-insensitive words; message and example as given', () => {
  const onFailure = p.oneOf(['continue', 'abort'] as const, 'continue or abort', 'expected continue or abort');
  accepts(onFailure, ' ABORT ', 'abort');
  refuses(onFailure, 'stop', 'expected continue or abort', 'set SETTING to continue or abort');
  const level = p.oneOf(['info', 'debug'] as const, 'info');
  refuses(level, 'loud', 'expected one of info, debug', 'set SETTING to info');
});

test('shell: an absolute path without ":" or control characters', () => {
  accepts(p.shell, '/bin/zsh', '/bin/zsh');
  for (const bad of ['bash', '/bin/ba:sh', '/bin/bash\n', '']) refuses(p.shell, bad, 'expected an absolute path without ":" or control characters', 'set SETTING to e.g. /bin/bash');
});

test('list: comma-separated, never refused', () => {
  accepts(p.list, 'a, b,,c', ['a', 'b', 'c']);
  accepts(p.list, '', []);
});

/** A list parser keeps the good items and reports each bad one by itself. */
function listRefuses(parser: Parser<unknown>, value: string, kept: unknown, bad: readonly string[], message: string | RegExp, fix: string | RegExp): void {
  const r = run(parser, value);
  assert.deepEqual(r.out, kept, value);
  assert.deepEqual(r.problems.map((x) => [x.severity, x.setting, x.value]), bad.map((b) => ['error', 'SETTING', b]), value);
  for (const x of r.problems) {
    if (typeof message === 'string') assert.equal(x.message, message);
    else assert.match(x.message, message);
    if (typeof fix === 'string') assert.equal(x.fix, fix);
    else assert.match(x.fix, fix);
  }
}

test('absolutePaths and directories: absolute items kept, each relative or invisible one named', () => {
  accepts(p.absolutePaths, '/opt/conda, /srv/data', ['/opt/conda', '/srv/data']);
  listRefuses(p.absolutePaths, '/opt/conda,relative,/a\u0085b', ['/opt/conda'], ['relative', '/a\u0085b'],
    'expected absolute paths without control characters', 'list absolute paths separated by commas, e.g. /opt/conda,/srv/data');
  accepts(p.directories, '/usr/local/bin/before-notebook.d', ['/usr/local/bin/before-notebook.d']);
  listRefuses(p.directories, 'hooks.d,/ok', ['/ok'], ['hooks.d'],
    'expected absolute directory paths without control characters', 'list absolute paths separated by commas, e.g. /usr/local/bin/before-notebook.d');
});

test('variableNames: shell names only', () => {
  accepts(p.variableNames, 'JUPYTERHUB_API_TOKEN, _X1', ['JUPYTERHUB_API_TOKEN', '_X1']);
  listRefuses(p.variableNames, 'OK,1BAD,A-B', ['OK'], ['1BAD', 'A-B'], 'expected environment variable names', 'list names separated by commas, e.g. JUPYTERHUB_API_TOKEN,AWS_SECRET');
});

test('hookNames: built-in hooks only, with a close match and the list of names', () => {
  accepts(p.hookNames, 'sudo,ssh', ['sudo', 'ssh']);
  listRefuses(p.hookNames, 'sudo,sshh,bogus-thing', ['sudo'], ['sshh', 'bogus-thing'], /^is not a built-in hook/, `use names from: ${HOOK_NAMES.join(', ')}`);
  const r = run(p.hookNames, 'sshh');
  assert.equal(r.problems[0]!.message, 'is not a built-in hook (did you mean "ssh"?)');
});

test('gidList: numeric gids; each bad one named', () => {
  accepts(p.gidList, '42, 50', [42, 50]);
  listRefuses(p.gidList, '42,shadow,-1', [42], ['shadow', '-1'], 'expected gids from 0 to 4294967294', 'list numeric gids separated by commas, e.g. 42,50');
});

test('linkNames: plain names; ".", "..", "/" and control characters each with their reason', () => {
  accepts(p.linkNames, 'work, data', ['work', 'data']);
  const r = run(p.linkNames, 'work,..,a/b,.,x\ty');
  assert.deepEqual(r.out, ['work']);
  assert.deepEqual(r.problems.map((x) => [x.value, x.message]), [
    ['..', 'link name must not be "." or ".."'],
    ['a/b', 'link name must be a plain name without "/"'],
    ['.', 'link name must not be "." or ".."'],
    ['x\ty', 'link name must not contain control characters'],
  ]);
  for (const x of r.problems) assert.equal(x.fix, 'list plain names separated by commas, e.g. work,data');
});

test('command: words or a JSON array', () => {
  accepts(p.command, 'jupyter lab', ['jupyter', 'lab']);
  accepts(p.command, '["start-notebook.py","--x=a b"]', ['start-notebook.py', '--x=a b']);
  refuses(p.command, '[]', 'expected words or a JSON array of non-empty strings', 'set SETTING to e.g. jupyter lab, or ["jupyter","lab"]');
});

test('umask: one to four octal digits', () => {
  accepts(p.umask, '022', 0o22);
  accepts(p.umask, ' 0002 ', 0o2);
  accepts(p.umask, '7', 0o7);
  for (const bad of ['8', '02222', 'u=rwx', '', '0x12']) refuses(p.umask, bad, 'expected an octal umask', 'set SETTING to e.g. 022 or 002');
});

test('seconds: whole seconds as milliseconds, up to six digits', () => {
  accepts(p.seconds, '300', 300_000);
  accepts(p.seconds, '0', 0);
  accepts(p.seconds, '999999', 999_999_000);
  for (const bad of ['1.5', '-1', '1000000', '5m', '']) refuses(p.seconds, bad, 'expected whole seconds from 0 to 999999', 'set SETTING to e.g. 300 (0 for no limit)');
});

test('size: bytes, or K, M, G, T as powers of 1024 (KiB/MB spellings too)', () => {
  accepts(p.size, '1048576', 1048576);
  accepts(p.size, '1G', 1024 ** 3);
  accepts(p.size, '512m', 512 * 1024 ** 2);
  accepts(p.size, '2 KiB', 2048);
  accepts(p.size, '3MB', 3 * 1024 ** 2);
  accepts(p.size, '1T', 1024 ** 4);
  for (const bad of ['1.5G', 'lots', '-1', '1P', '']) refuses(p.size, bad, 'expected a size such as 1G, 512M or 1048576', 'set SETTING to e.g. 1G');
});

test('chownOpts: only -R means something; nbstart never follows links', () => {
  accepts(p.chownOpts, '-R', { recursive: true });
  accepts(p.chownOpts, '', { recursive: false });
  refuses(p.chownOpts, '-R -L', 'supports only -R (recursive); nbstart never follows symbolic links', 'set SETTING to -R or leave it empty');
});

test('relativePath: a path inside the home; the fix shows the example', () => {
  const parser = p.relativePath('jupyter/.jupyter');
  accepts(parser, ' conf/.jupyter ', 'conf/.jupyter');
  refuses(parser, '/etc/jupyter', 'must be a relative path inside the home', 'set SETTING to a path inside the home, e.g. jupyter/.jupyter');
  refuses(parser, '../x', 'must not contain ".."', /e\.g\. jupyter\/\.jupyter$/);
});

test('homeSource: absolute, no ".."; an ini value must name {user}, a per-container one need not', () => {
  accepts(p.homeSource, ' /mnt/home/{user} ', '/mnt/home/{user}');
  accepts(p.homeSource, '/mnt/home/alice', '/mnt/home/alice');
  for (const bad of ['mnt/home', '/mnt/../etc', '/mnt/\nhome']) {
    refuses(p.homeSource, bad, 'expected an absolute path without ".." or control characters', 'set SETTING to e.g. /mnt/home/{user}');
  }
  const ini = '[home] source in /etc/nbstart/nbstart.ini';
  const fixed = run(p.homeSource, '/mnt/home/alice', ini);
  assert.equal(fixed.out, INVALID);
  assert.deepEqual(fixed.problems, [{
    severity: 'error', setting: ini, value: '/mnt/home/alice', message: 'names one fixed directory for every user of the image',
    fix: 'put {user} in it, e.g. /mnt/home/{user}, or pass NBSTART_HOME_SOURCE per container',
  }]);
  assert.equal(run(p.homeSource, '/mnt/home/{user}', ini).out, '/mnt/home/{user}');
});

test('groupList: name:gid items (the last colon splits), each bad one named; too many is one problem', () => {
  accepts(p.groupList, 'physics:3000, Data Science:3001', [{ name: 'physics', gid: 3000 }, { name: 'Data Science', gid: 3001 }]);
  const r = run(p.groupList, 'ok:1,nogid,:5,x:-1,a\u200bb:9,a:b:7');
  assert.deepEqual(r.out, [{ name: 'ok', gid: 1 }]);
  assert.deepEqual(r.problems.map((x) => [x.value, x.message]), [
    ['nogid', 'expected name:gid'],
    [':5', 'expected name:gid'],
    ['x:-1', 'expected a gid from 0 to 4294967294 after the colon'],
    ['a\u200bb:9', 'must not contain "\u200b"'],
    ['a:b:7', 'must not contain ":"'],
  ]);
  for (const x of r.problems) assert.equal(x.fix, 'write groups as name:gid separated by commas, e.g. physics:3000,staff:3001');
  const many = Array.from({ length: p.MAX_GROUPS - 1 }, (_, i) => `g${i}:${i + 1}`).join(',');
  const tooMany = run(p.groupList, many);
  assert.deepEqual(tooMany.out, []);
  assert.deepEqual(tooMany.problems.map((x) => [x.value, x.message, x.fix]), [
    [`${p.MAX_GROUPS - 1} groups`, `is more than the kernel allows (${p.MAX_GROUPS} per process, with the primary group and users)`, 'mirror fewer groups'],
  ]);
});
