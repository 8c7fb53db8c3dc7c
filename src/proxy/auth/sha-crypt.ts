import { createHash } from 'node:crypto';

// glibc crypt SHA-256 ($5$) and SHA-512 ($6$), after Ulrich Drepper's "Unix crypt using SHA-256 and
// SHA-512" specification. Hand-written because no maintained npm package covers both ($6$-only ones exist);
// checked against the specification's test vectors and `openssl passwd -5/-6` in sha-crypt.test.ts.

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ROUNDS_DEFAULT = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;

/** Byte triples of the final encoding (specification step 22). */
const ORDER_256 = [
  [0, 10, 20],
  [21, 1, 11],
  [12, 22, 2],
  [3, 13, 23],
  [24, 4, 14],
  [15, 25, 5],
  [6, 16, 26],
  [27, 7, 17],
  [18, 28, 8],
  [9, 19, 29],
];
const ORDER_512 = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
];

function encode24(b2: number, b1: number, b0: number, count: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < count; i++) {
    out += ALPHABET[w & 0x3f];
    w >>= 6;
  }
  return out;
}

/** `length` bytes of `block` repeated. */
function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += block.length) block.copy(out, i, 0, Math.min(block.length, length - i));
  return out;
}

/**
 * The crypt string of `password` with the settings of `stored` ("$5$[rounds=N$]salt$…"), or null when
 * `stored` is not a SHA-crypt string. The caller compares it with `stored` in constant time.
 */
export function shaCrypt(password: string, stored: string): string | null {
  const match = /^\$([56])\$(?:rounds=(\d{1,10})\$)?([^$]*)/.exec(stored);
  if (match === null) return null;
  const algorithm = match[1] === '5' ? 'sha256' : 'sha512';
  const rounds = match[2] === undefined ? ROUNDS_DEFAULT : Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Number(match[2])));
  const key = Buffer.from(password, 'utf8');
  const saltText = match[3].slice(0, 16);
  const salt = Buffer.from(saltText, 'utf8');
  const hash = () => createHash(algorithm);
  const size = algorithm === 'sha256' ? 32 : 64;

  const b = hash().update(key).update(salt).update(key).digest();
  const a = hash().update(key).update(salt).update(repeatTo(b, key.length));
  for (let n = key.length; n > 0; n >>= 1) a.update(n & 1 ? b : key);
  let c = a.digest();

  const dp = hash();
  for (let i = 0; i < key.length; i++) dp.update(key);
  const p = repeatTo(dp.digest(), key.length);
  const ds = hash();
  for (let i = 0; i < 16 + c[0]; i++) ds.update(salt);
  const s = repeatTo(ds.digest(), salt.length);

  for (let i = 0; i < rounds; i++) {
    const round = hash();
    round.update(i & 1 ? p : c);
    if (i % 3 !== 0) round.update(s);
    if (i % 7 !== 0) round.update(p);
    round.update(i & 1 ? c : p);
    c = round.digest();
  }

  let text = '';
  for (const [x, y, z] of size === 32 ? ORDER_256 : ORDER_512) text += encode24(c[x], c[y], c[z], 4);
  text += size === 32 ? encode24(0, c[31], c[30], 3) : encode24(0, 0, c[63], 2);
  const prefix = '$' + match[1] + '$' + (match[2] === undefined ? '' : 'rounds=' + rounds + '$');
  return prefix + saltText + '$' + text;
}
