// A small pure base64 decoder (routing/ may not use node:buffer). Secrets carry PEM text, so the
// result is a string of byte values (latin-1), which is exact for ASCII PEM.

const INVALID = -1;
const PAD = 61; // '='

const DIGITS = buildDigits();

function buildDigits(): Int8Array {
  const table = new Int8Array(128).fill(INVALID);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** Decodes standard base64 (whitespace ignored, padding optional). Null when the text is not base64. */
export function decodeBase64(text: string): string | null {
  const digits: number[] = [];
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isSpace(code)) continue;
    if (code === PAD) {
      padding++;
      continue;
    }
    if (padding > 0 || code >= 128) return null; // data after padding, or not base64 at all
    const digit = DIGITS[code];
    if (digit === INVALID) return null;
    digits.push(digit);
  }
  const remainder = digits.length % 4;
  if (remainder === 1 || padding > 2 || (padding > 0 && (digits.length + padding) % 4 !== 0)) return null;
  const chunks: string[] = [];
  let bytes: number[] = [];
  for (let i = 0; i + 1 < digits.length; i += 4) {
    const a = digits[i];
    const b = digits[i + 1];
    const c = i + 2 < digits.length ? digits[i + 2] : -1;
    const d = i + 3 < digits.length ? digits[i + 3] : -1;
    bytes.push(((a << 2) | (b >> 4)) & 0xff);
    if (c !== -1) bytes.push(((b << 4) | (c >> 2)) & 0xff);
    if (d !== -1) bytes.push(((c << 6) | d) & 0xff);
    if (bytes.length >= 8192) {
      chunks.push(String.fromCharCode(...bytes));
      bytes = [];
    }
  }
  chunks.push(String.fromCharCode(...bytes));
  return chunks.join('');
}
