import { isIP } from 'node:net';

/** One entry of status.loadBalancer.ingress as sluice writes it. */
export interface LoadBalancerIngress {
  readonly ip?: string;
  readonly hostname?: string;
}

/** --publish-status-address values: IPs become `ip`, anything else `hostname`. Sorted, deduplicated. */
export function fromStatusAddresses(addresses: readonly string[]): LoadBalancerIngress[] {
  return canonical(
    addresses
      .map((address) => address.trim())
      .filter((address) => address !== '')
      .map((address) => (isIP(address) !== 0 ? { ip: address } : { hostname: address })),
  );
}

/**
 * Reads ip/hostname out of whatever an object holds at status.loadBalancer.ingress (other fields such
 * as ports are not ours to compare), sorted and deduplicated so two values compare as text.
 */
export function canonical(entries: unknown): LoadBalancerIngress[] {
  if (!Array.isArray(entries)) return [];
  const byKey = new Map<string, LoadBalancerIngress>();
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { ip, hostname } = entry as { ip?: unknown; hostname?: unknown };
    const value: { ip?: string; hostname?: string } = {};
    if (typeof ip === 'string' && ip !== '') value.ip = ip;
    if (typeof hostname === 'string' && hostname !== '') value.hostname = hostname;
    if (value.ip === undefined && value.hostname === undefined) continue;
    // IPs first, then host names.
    byKey.set(`${value.ip === undefined ? 1 : 0}${value.ip ?? ''}\u0000${value.hostname ?? ''}`, value);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}

export function sameIngress(a: readonly LoadBalancerIngress[], b: readonly LoadBalancerIngress[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
