import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCapability, parseStatus } from '../../../src/system/capabilities.ts';
import { testFacts } from '../hooks/context.ts';
import { readFs } from '../../../src/system/read-fs.ts';
import { fixture, testdir } from '../helpers.ts';

test('a pod with only SETUID and SETGID under no-new-privileges (podman --cap-drop=ALL --cap-add=SETUID,SETGID)', () => {
  const s = parseStatus(fixture('podman/status-setuid-setgid-nnp'));
  assert.equal(s.capEff, 0xc0n);
  assert.equal(s.noNewPrivs, true);
  assert.equal(hasCapability(s, 'CAP_SETUID'), true);
  assert.equal(hasCapability(s, 'CAP_SETGID'), true);
  assert.equal(hasCapability(s, 'CAP_CHOWN'), false);
  assert.equal(hasCapability(s, 'CAP_DAC_OVERRIDE'), false);
});

test('podman\'s default set has CHOWN; an unknown status counts as every capability', () => {
  const s = parseStatus('Name:\tx\nCapEff:\t00000000a80425fb\nNoNewPrivs:\t0\n');
  assert.equal(hasCapability(s, 'CAP_CHOWN'), true);
  assert.equal(s.noNewPrivs, false);
  const unknown = testFacts(readFs(testdir({}))).status;
  assert.equal(unknown.capEff, undefined);
  assert.equal(hasCapability(unknown, 'CAP_CHOWN'), true);
});
