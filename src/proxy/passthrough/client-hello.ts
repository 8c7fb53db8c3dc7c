// Reads the server name (SNI) from a TLS ClientHello without terminating TLS (RFC 8446 §4.1.2, RFC 6066 §3).
// Only the first record is read: a ClientHello fits one record (≤ 16 KiB) in practice.

/** A record header plus the largest record TLS allows. */
export const MAX_CLIENT_HELLO_BYTES = 5 + 16_384;

export type HelloRead =
  | { readonly kind: 'more' } // not enough bytes yet
  | { readonly kind: 'not-tls' }
  | { readonly kind: 'hello'; readonly serverName: string | null };

const MORE: HelloRead = { kind: 'more' };
const NOT_TLS: HelloRead = { kind: 'not-tls' };

export function readClientHello(data: Buffer): HelloRead {
  if (data.length < 5) return data.length > 0 && data[0] !== 0x16 ? NOT_TLS : MORE;
  if (data[0] !== 0x16 || data[1] !== 0x03) return NOT_TLS;
  const recordLength = data.readUInt16BE(3);
  if (recordLength > 16_384) return NOT_TLS;
  if (data.length < 5 + recordLength) return MORE;
  const hello = data.subarray(5, 5 + recordLength);
  if (hello.length < 4 || hello[0] !== 0x01) return NOT_TLS;
  try {
    return { kind: 'hello', serverName: serverNameOf(hello) };
  } catch {
    return { kind: 'hello', serverName: null };
  }
}

/** The host_name of the server_name extension, lower-cased; null when absent. Throws on a truncated message. */
function serverNameOf(hello: Buffer): string | null {
  let at = 4 + 2 + 32; // handshake header, legacy_version, random
  at += 1 + byteAt(hello, at); // session id
  at += 2 + hello.readUInt16BE(at); // cipher suites
  at += 1 + byteAt(hello, at); // compression methods
  if (at + 2 > hello.length) return null; // no extensions
  const end = Math.min(hello.length, at + 2 + hello.readUInt16BE(at));
  at += 2;
  while (at + 4 <= end) {
    const type = hello.readUInt16BE(at);
    const length = hello.readUInt16BE(at + 2);
    at += 4;
    if (type === 0x0000) {
      let entry = at + 2;
      const listEnd = Math.min(at + length, end);
      while (entry + 3 <= listEnd) {
        const nameType = hello[entry];
        const nameLength = hello.readUInt16BE(entry + 1);
        if (nameType === 0 && entry + 3 + nameLength <= listEnd)
          return hello.toString('latin1', entry + 3, entry + 3 + nameLength).toLowerCase();
        entry += 3 + nameLength;
      }
      return null;
    }
    at += length;
  }
  return null;
}

function byteAt(buffer: Buffer, at: number): number {
  if (at >= buffer.length) throw new RangeError('truncated ClientHello');
  return buffer[at];
}
