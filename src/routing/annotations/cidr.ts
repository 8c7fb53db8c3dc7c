// CIDR lists as ingress-nginx reads them (net.ParseCIDRs in internal/net/ipnet.go): comma-separated,
// IPv4 or IPv6, a bare address meaning /32 or /128; host bits set are masked off (as Go's ParseCIDR
// returns the network). Output is canonical text, so the dump and the edge see one spelling.

import { type Parsed, bad, ok, splitList } from './values.ts';

const CIDR_EXPECTED = 'a comma-separated list of IPv4 or IPv6 addresses or CIDRs such as "10.0.0.0/8, 2001:db8::/32"';
const MAX_ITEMS = 1000;

export function parseCidrList(text: string): Parsed<string[]> {
  const items = splitList(text);
  if (items.length === 0 || items.length > MAX_ITEMS) return bad(CIDR_EXPECTED);
  const out: string[] = [];
  for (const item of items) {
    const cidr = canonicalCidr(item);
    if (cidr === null) return bad(`${CIDR_EXPECTED}; ${JSON.stringify(item.slice(0, 64))} is not one`);
    if (!out.includes(cidr)) out.push(cidr);
  }
  return ok(out);
}

/** "10.1.2.3/8" → "10.0.0.0/8"; "::1" → "::1/128"; null when not an address or CIDR. */
export function canonicalCidr(text: string): string | null {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const v6 = address.includes(':');
  const groups = v6 ? parseIpv6(address) : parseIpv4(address);
  if (groups === null) return null;
  const bits = groups.length * 16;
  let prefix = bits;
  if (slash >= 0) {
    const tail = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(tail)) return null;
    prefix = Number(tail);
    if (prefix > bits) return null;
  }
  for (let g = 0; g < groups.length; g++) {
    const keep = Math.max(0, Math.min(16, prefix - g * 16));
    groups[g] &= keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
  }
  return `${v6 ? ipv6Text(groups) : ipv4Text(groups)}/${prefix}`;
}

/** Two 16-bit groups, or null. */
function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part[0] === '0')) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes.push(value);
  }
  return [(bytes[0] << 8) | bytes[1], (bytes[2] << 8) | bytes[3]];
}

/** Eight 16-bit groups, or null. An embedded IPv4 tail ("::ffff:1.2.3.4") is read too. */
function parseIpv6(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const first = readGroups(head);
  const last = readGroups(tail);
  if (first === null || last === null) return null;
  const missing = 8 - first.length - last.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...first, ...Array.from({ length: Math.max(0, missing) }, () => 0), ...last];
}

function readGroups(parts: string[]): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      out.push(...v4);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      out.push(Number.parseInt(part, 16));
    } else return null;
  }
  return out;
}

function ipv4Text(groups: number[]): string {
  return [groups[0] >> 8, groups[0] & 0xff, groups[1] >> 8, groups[1] & 0xff].join('.');
}

/** RFC 5952: lower-case, the longest run (≥ 2) of zero groups as "::". */
function ipv6Text(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
