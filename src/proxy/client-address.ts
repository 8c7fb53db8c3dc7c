/**
 * The client address as sluice reports and forwards it: IPv4-mapped IPv6 ("::ffff:10.0.0.1")
 * becomes plain IPv4; anything else is kept; a missing address (socket already gone) is ''.
 */
export function plainClientAddress(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return '';
  if (remoteAddress.length > 7 && remoteAddress.charCodeAt(0) === 0x3a && isMappedPrefix(remoteAddress)) {
    const rest = remoteAddress.slice(7);
    if (rest.indexOf(':') === -1 && rest.indexOf('.') !== -1) return rest;
  }
  return remoteAddress;
}

function isMappedPrefix(address: string): boolean {
  // "::ffff:" case-insensitively
  return (
    address.charCodeAt(1) === 0x3a &&
    (address.charCodeAt(2) | 0x20) === 0x66 &&
    (address.charCodeAt(3) | 0x20) === 0x66 &&
    (address.charCodeAt(4) | 0x20) === 0x66 &&
    (address.charCodeAt(5) | 0x20) === 0x66 &&
    address.charCodeAt(6) === 0x3a
  );
}
