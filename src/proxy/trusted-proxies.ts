import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Which peers may pass X-Forwarded-* / X-Real-IP through (appended to instead of replaced). */
export interface TrustedProxies {
  /** `address` is a plain client address (see client-address.ts). */
  isTrusted(address: string): boolean;
}

export interface TrustedProxiesParse {
  readonly trusted: TrustedProxies;
  /** Entries that are not an address or CIDR, one message each. */
  readonly errors: readonly string[];
}

const NONE: TrustedProxies = { isTrusted: () => false };

/** Accepts "10.0.0.0/8", "fd00::/8", or a bare address (a /32 or /128). */
export function parseTrustedProxies(cidrs: readonly string[]): TrustedProxiesParse {
  const errors: string[] = [];
  if (cidrs.length === 0) return { trusted: NONE, errors };
  const list = new BlockList();
  let count = 0;
  for (const entry of cidrs) {
    const text = entry.trim();
    const slash = text.indexOf('/');
    const address = slash === -1 ? text : text.slice(0, slash);
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    if (type === null) {
      errors.push(`trusted proxy "${entry}": not an IP address or CIDR`);
      continue;
    }
    const max = type === 'ipv4' ? 32 : 128;
    const prefix = slash === -1 ? max : Number(text.slice(slash + 1));
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (slash !== -1 && text.length === slash + 1)) {
      errors.push(`trusted proxy "${entry}": prefix length must be 0–${max}`);
      continue;
    }
    list.addSubnet(address, prefix, type);
    count++;
  }
  if (count === 0) return { trusted: NONE, errors };
  return {
    trusted: {
      isTrusted(address: string): boolean {
        if (address === '') return false;
        if (isIPv4(address)) return list.check(address, 'ipv4');
        if (isIPv6(address)) return list.check(address, 'ipv6');
        return false;
      },
    },
    errors,
  };
}
