import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Identity } from '../../src/identity/identity.ts';
import { enteredLine, execLine, refitLines } from '../../src/start-sh-lines.ts';

const JOVYAN: Identity = {
  entry: 'jovyan', name: 'jovyan', uid: 1000, gid: 100, primary: { name: 'users', gid: 100, exists: true }, groups: [],
  home: '/home/jovyan', shell: '/bin/bash', templateHome: '/home/jovyan', was: { uid: 1000, gid: 100, home: '/home/jovyan' },
};

test('the first line names the arguments as given, as start.sh does', () => {
  assert.equal(enteredLine([]), 'Entered start.sh with args:');
  assert.equal(enteredLine(['start-notebook.py', '--IdentityProvider.token=']), 'Entered start.sh with args: start-notebook.py --IdentityProvider.token=');
});

test('a rename says what start.sh says, arrows aligned', () => {
  assert.deepEqual(refitLines({ ...JOVYAN, name: 'nayvoj', home: '/home/nayvoj' }).map((n) => n.msg), [
    'Updated the jovyan user:',
    '- username: jovyan       -> nayvoj',
    '- home dir: /home/jovyan -> /home/nayvoj',
  ]);
});

test('a uid/gid change is one more line; an unchanged or non-root identity says nothing', () => {
  assert.deepEqual(refitLines({ ...JOVYAN, uid: 1010, gid: 101 }).map((n) => n.msg), ['Update jovyan\'s UID:GID to 1010:101']);
  assert.deepEqual(refitLines(JOVYAN), []);
  assert.deepEqual(refitLines({ ...JOVYAN, entry: '', name: 'kitten' }), []);
  assert.ok(refitLines({ ...JOVYAN, name: 'a', uid: 7 }).every((n) => n.level === 'info'));
});

test('the last line: Running as <user> after a root start, Executing the command otherwise', () => {
  assert.equal(execLine(true, 'alice', ['jupyter', 'lab']), 'Running as alice: jupyter lab');
  assert.equal(execLine(false, 'alice', ['id']), 'Executing the command: id');
});
