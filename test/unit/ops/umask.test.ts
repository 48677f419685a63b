// Op umask (NB_UMASK): this process's umask, inherited by what it starts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyUmask, describeUmask } from '../../../src/ops/umask.ts';
import { testdir } from '../helpers.ts';
import { applyContext } from './apply-context.ts';

test('sets the process umask: files made afterwards get it; logged in octal', () => {
  const old = process.umask();
  try {
    const { ctx, lines } = applyContext('');
    applyUmask({ kind: 'umask', mask: 0o027, why: 'NB_UMASK' }, ctx);
    assert.equal(process.umask(), 0o027);
    const root = testdir({});
    fs.writeFileSync(path.join(root, 'f'), '', { mode: 0o666 });
    assert.equal(fs.statSync(path.join(root, 'f')).mode & 0o777, 0o640);
    assert.deepEqual(lines.map((l) => [l.level, l.msg, l['umask']]), [['debug', 'umask set', '27']]);
  } finally {
    process.umask(old);
  }
  assert.equal(describeUmask({ kind: 'umask', mask: 0, why: '' }), 'umask 000');
});
