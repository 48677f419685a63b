import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostKey } from '../../../src/config/ssh-host-key.ts';
import { fixture } from '../helpers.ts';

const KEYS = ['ed25519', 'ecdsa', 'ecdsa384', 'ecdsa521', 'rsa'].map((k) => fixture(`ssh/ssh_host_${k}_key.pub`).trim());
const ED = KEYS[0]!;
const [ED_TYPE, ED_B64] = ED.split(' ') as [string, string];

/** An SSH wire-format blob from strings/buffers, for keys ssh-keygen cannot make here (sk-*). */
function blob(...fields: (string | Buffer)[]): string {
  return Buffer.concat(fields.flatMap((f) => {
    const b = typeof f === 'string' ? Buffer.from(f, 'latin1') : f;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return [len, b];
  })).toString('base64');
}

test('real host keys of every type (from .pub files, comment dropped) are accepted', () => {
  const types = KEYS.map((k) => {
    const r = parseHostKey(k);
    assert.ok(r.ok, `${k}: ${JSON.stringify(r)}`);
    assert.equal(r.key.base64, k.split(' ')[1]);
    return r.key.type;
  });
  assert.deepEqual(types, ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa']);
  assert.ok(parseHostKey(`  ${ED_TYPE}\t${ED_B64}  `).ok);
});

test('security-key host keys are accepted when well formed', () => {
  const sk = blob('sk-ssh-ed25519@openssh.com', Buffer.alloc(32, 7), 'ssh:');
  assert.ok(parseHostKey(`sk-ssh-ed25519@openssh.com ${sk}`).ok);
  const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]);
  assert.ok(parseHostKey(`sk-ecdsa-sha2-nistp256@openssh.com ${blob('sk-ecdsa-sha2-nistp256@openssh.com', 'nistp256', point, 'ssh:')}`).ok);
  assert.match(bad(`sk-ssh-ed25519@openssh.com ${blob('sk-ssh-ed25519@openssh.com', Buffer.alloc(32))}`), /ends too early/);
});

function bad(text: string): string {
  const r = parseHostKey(text);
  assert.equal(r.ok, false, text);
  return r.ok ? '' : r.why;
}

test('malformed keys are refused with the reason', () => {
  assert.match(bad(`${ED_TYPE} ${ED_B64.slice(0, -8)}`), /ends too early \(truncated/);
  assert.match(bad(`${ED_TYPE} ${ED_B64.slice(0, -10)}`), /base64 key of 58 characters, not a multiple of 4 \(cut short/);
  assert.match(bad(`ssh-rsa ${ED_B64}`), /declares ssh-rsa but the base64 blob holds a ssh-ed25519 key/);
  assert.match(bad(`${ED_TYPE} ${ED_B64.replace('A', '*')}`), /not valid base64/);
  assert.match(bad(`${ED_TYPE} ${ED_B64}x`), /not a multiple of 4/);
  assert.match(bad(`${ED_TYPE} AB==`), /not valid base64/); // non-canonical: stray bits in the padding
  assert.match(bad(`${ED_TYPE} ${Buffer.from('garbage that is not a key').toString('base64')}`), /garbled|ends too early/);
  assert.match(bad(ED_TYPE), /no base64 key after it/);
  assert.match(bad('ssh-dss AAAAB3NzaC1kc3M='), /DSA/);
  assert.match(bad(`rsa-sha2-256 ${ED_B64}`), /expected one of ssh-ed25519, /);
  assert.match(bad(`[127.0.0.1]:2222 ${ED}`), /before the key type \(a line of ssh-keyscan/);
  assert.match(bad(`${ED} ${KEYS[1]}`), /more than one key on one line/);
  assert.match(bad(`${ED_TYPE} ${blob('ssh-ed25519', Buffer.alloc(31))}`), /31 bytes, expected 32/);
  assert.match(bad(`${ED_TYPE} ${blob('ssh-ed25519', Buffer.alloc(32), 'extra')}`), /bytes after the key/);
  assert.match(bad(`ecdsa-sha2-nistp256 ${blob('ecdsa-sha2-nistp256', 'nistp384', Buffer.alloc(97, 4))}`), /curve "nistp384", not nistp256/);
  assert.match(bad(`ssh-rsa ${blob('ssh-rsa', Buffer.from([1, 0, 1]), Buffer.alloc(64, 0xff))}`), /512 bits/);
  assert.match(bad(''), /is empty/);
});
