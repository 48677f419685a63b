// Parses a public host key as it appears in known_hosts and *.pub files: `type base64 [comment]`.
// The base64 blob is read field by field (RFC 4253 §6.6, RFC 5656 §3.1, PROTOCOL.u2f) so that a
// truncated or mistyped paste is caught here, before anything is written, rather than by ssh later.

export const HOST_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;

export type HostKeyType = (typeof HOST_KEY_TYPES)[number];

export interface HostKey {
  readonly type: HostKeyType;
  /** Canonical base64 of the key blob, as ssh-keyscan prints it. */
  readonly base64: string;
}

export type HostKeyResult = { readonly ok: true; readonly key: HostKey } | { readonly ok: false; readonly why: string };

/** Uncompressed EC point sizes (0x04 || X || Y) by curve. */
const EC_POINT: Readonly<Record<string, number>> = { nistp256: 65, nistp384: 97, nistp521: 133 };

interface Reader {
  /** The next length-prefixed string, or undefined when the blob ends early. */
  bytes(): Buffer | undefined;
  /** True when every byte has been read. */
  done(): boolean;
}

/** Reads SSH wire-format strings from a blob; every read is bounds-checked. */
function reader(buf: Buffer): Reader {
  let off = 0;
  return {
    bytes() {
      if (off + 4 > buf.length) return undefined;
      const len = buf.readUInt32BE(off);
      if (off + 4 + len > buf.length) return undefined;
      const out = buf.subarray(off + 4, off + 4 + len);
      off += 4 + len;
      return out;
    },
    done: () => off === buf.length,
  };
}

const TRUNCATED = 'the base64 blob ends too early (truncated when copied?)';

/** Checks the fields after the type string; a reason when they are not those of `type`. */
function bodyProblem(type: HostKeyType, r: Reader): string | undefined {
  const ecdsa = (curveWanted: string): string | undefined => {
    const curve = r.bytes();
    const q = r.bytes();
    if (!curve || !q) return TRUNCATED;
    if (curve.toString('latin1') !== curveWanted) return `the blob names curve ${JSON.stringify(curve.toString('latin1'))}, not ${curveWanted}`;
    if (q.length !== EC_POINT[curveWanted] || q[0] !== 4) return `the public point is ${q.length} bytes, expected ${EC_POINT[curveWanted]} (uncompressed ${curveWanted})`;
    return undefined;
  };
  switch (type) {
    case 'ssh-ed25519':
    case 'sk-ssh-ed25519@openssh.com': {
      const pk = r.bytes();
      if (!pk) return TRUNCATED;
      if (pk.length !== 32) return `the ed25519 public key is ${pk.length} bytes, expected 32`;
      if (type.startsWith('sk-') && !r.bytes()) return TRUNCATED;
      return undefined;
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      return ecdsa(type.slice('ecdsa-sha2-'.length));
    case 'sk-ecdsa-sha2-nistp256@openssh.com': {
      const why = ecdsa('nistp256');
      if (why) return why;
      return r.bytes() ? undefined : TRUNCATED;
    }
    case 'ssh-rsa': {
      const e = r.bytes();
      const n = r.bytes();
      if (!e || !n) return TRUNCATED;
      // mpint: big-endian, a leading zero byte only to keep the value positive.
      const bits = n.length === 0 ? 0 : (n.length - (n[0] === 0 ? 1 : 0)) * 8;
      if (bits < 1024) return `the RSA modulus has ${bits} bits; OpenSSH refuses RSA keys under 1024 bits`;
      return undefined;
    }
  }
}

/** Parses `type base64 [comment]`; the comment (as in a .pub file) is dropped. */
export function parseHostKey(text: string): HostKeyResult {
  const words = text.trim().split(/[ \t]+/).filter((w) => w !== '');
  if (words.length === 0) return { ok: false, why: 'is empty' };
  const [typeWord, b64] = words as [string, string | undefined];
  if (!(HOST_KEY_TYPES as readonly string[]).includes(typeWord)) {
    if ((HOST_KEY_TYPES as readonly string[]).includes(b64 ?? '')) {
      return { ok: false, why: `starts with ${JSON.stringify(typeWord)} before the key type (a line of ssh-keyscan or known_hosts output?)` };
    }
    if (typeWord === 'ssh-dss') return { ok: false, why: 'is a DSA key; OpenSSH no longer accepts DSA host keys' };
    return { ok: false, why: `has key type ${JSON.stringify(typeWord)}, expected one of ${HOST_KEY_TYPES.join(', ')}` };
  }
  const type = typeWord as HostKeyType;
  if (b64 === undefined) return { ok: false, why: `has the key type ${type} but no base64 key after it` };
  if (words.slice(2).some((w) => (HOST_KEY_TYPES as readonly string[]).includes(w))) {
    return { ok: false, why: 'holds more than one key on one line' };
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return { ok: false, why: 'has a key that is not valid base64' };
  if (b64.length % 4 !== 0) {
    return { ok: false, why: `has a base64 key of ${b64.length} characters, not a multiple of 4 (cut short when copied?)` };
  }
  const blob = Buffer.from(b64, 'base64');
  if (blob.toString('base64') !== b64) return { ok: false, why: 'has a key that is not valid base64' };
  const r = reader(blob);
  const inner = r.bytes();
  if (!inner) return { ok: false, why: TRUNCATED };
  const innerType = inner.toString('latin1');
  if (innerType !== type) {
    return { ok: false, why: `declares ${type} but the base64 blob holds a ${/^[\x20-\x7e]{1,64}$/.test(innerType) ? innerType : 'garbled'} key` };
  }
  const why = bodyProblem(type, r);
  if (why) return { ok: false, why };
  if (!r.done()) return { ok: false, why: 'the base64 blob has bytes after the key (two keys pasted together?)' };
  return { ok: true, key: { type, base64: b64 } };
}
