// Which IP each accepted Gateway listens on (--gateway-address-pool): the address its spec.addresses asks
// for, which must lie in the pool and be free (else none: the spec wants an unusable requested address told
// in the Gateway's conditions, not replaced — upstream conformance/tests/gateway-static-addresses.go); without
// a request, the one it had (kept while the Gateway exists), else a free one picked deterministically from a
// hash of "namespace/name", so a restart gives the same answer.

export interface GatewayAddressRequest {
  /** "namespace/name". */
  readonly gateway: string;
  /** spec.addresses IPAddress values, in order. */
  readonly requested: readonly string[];
}

export interface GatewayAddress {
  /** The IP the Gateway's listeners bind, or null when none could be given. */
  readonly address: string | null;
  /** Why no address was given; null when all is well. */
  readonly problem: string | null;
  /** The Gateway asked for addresses that cannot be used (Programmed: False, AddressNotUsable). */
  readonly unusable?: boolean;
}

export class GatewayAddressPool {
  readonly #base: number;
  readonly #size: number;
  readonly #first: number;
  readonly #usable: number;
  /** Without a pool: every Gateway shares this address (the edge's --bind-address). */
  readonly #fallback: string;
  #given = new Map<string, number>();

  /** `cidr`: an IPv4 "a.b.c.d/n" or null (no pool). */
  constructor(cidr: string | null, fallback: string) {
    this.#fallback = fallback;
    if (cidr === null) {
      this.#base = 0;
      this.#size = 0;
      this.#first = 0;
      this.#usable = 0;
      return;
    }
    const [address, prefixText] = cidr.split('/');
    const prefix = Number(prefixText);
    this.#size = 2 ** (32 - prefix);
    this.#base = ipv4ToNumber(address) - (ipv4ToNumber(address) % this.#size);
    // /31 and /32 have no network and broadcast addresses to skip.
    const skip = this.#size > 2 ? 1 : 0;
    this.#first = skip;
    this.#usable = this.#size - 2 * skip;
  }

  /** Listeners bind their own port at the Gateway's address. */
  portOf(_gateway: string, port: number): number {
    return port;
  }

  get pooled(): boolean {
    return this.#size > 0;
  }

  /** Assigns addresses to exactly these Gateways; the ones no longer listed release theirs. */
  assign(requests: readonly GatewayAddressRequest[]): ReadonlyMap<string, GatewayAddress> {
    const out = new Map<string, GatewayAddress>();
    if (!this.pooled) {
      for (const request of requests) out.set(request.gateway, { address: this.#fallback, problem: null });
      return out;
    }
    const sorted = [...requests].sort((a, b) => (a.gateway < b.gateway ? -1 : a.gateway > b.gateway ? 1 : 0));
    const taken = new Map<number, string>();
    const next = new Map<string, number>();
    const problems = new Map<string, string>();
    for (const request of sorted) {
      if (request.requested.length === 0) continue;
      const wanted = request.requested.length === 1 ? this.#offsetOf(request.requested[0]) : null;
      if (request.requested.length > 1) {
        problems.set(
          request.gateway,
          `sluice serves a Gateway on one address; ${request.requested.join(', ')} requested`,
        );
      } else if (wanted === null) {
        problems.set(request.gateway, `${request.requested[0]} is not in the address pool`);
      } else if (taken.has(wanted)) {
        problems.set(request.gateway, `${this.#text(wanted)} is already used by Gateway ${taken.get(wanted)}`);
      } else {
        taken.set(wanted, request.gateway);
        next.set(request.gateway, wanted);
      }
    }
    const unrequested = sorted.filter((request) => request.requested.length === 0);
    for (const request of unrequested) {
      const kept = this.#given.get(request.gateway);
      if (kept === undefined || taken.has(kept)) continue;
      taken.set(kept, request.gateway);
      next.set(request.gateway, kept);
    }
    for (const request of unrequested) {
      if (next.has(request.gateway)) continue;
      const offset = this.#free(request.gateway, taken);
      if (offset === null) continue;
      taken.set(offset, request.gateway);
      next.set(request.gateway, offset);
    }
    this.#given = next;
    for (const request of requests) {
      const offset = next.get(request.gateway);
      const problem = problems.get(request.gateway);
      if (offset !== undefined) out.set(request.gateway, { address: this.#text(offset), problem: null });
      else if (problem !== undefined) out.set(request.gateway, { address: null, problem, unusable: true });
      else out.set(request.gateway, { address: null, problem: 'the address pool is exhausted' });
    }
    return out;
  }

  #free(gateway: string, taken: ReadonlyMap<number, string>): number | null {
    const start = fnv1a(gateway) % this.#usable;
    for (let i = 0; i < this.#usable; i++) {
      const offset = this.#first + ((start + i) % this.#usable);
      if (!taken.has(offset)) return offset;
    }
    return null;
  }

  #offsetOf(text: string): number | null {
    const value = ipv4ToNumber(text);
    if (Number.isNaN(value)) return null;
    const offset = value - this.#base;
    if (offset < this.#first || offset >= this.#first + this.#usable) return null;
    return offset;
  }

  #text(offset: number): string {
    const value = this.#base + offset;
    return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
  }
}

function ipv4ToNumber(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return Number.NaN;
  return parts.reduce((total, part) => total * 256 + Number(part), 0);
}

/** FNV-1a over UTF-16 code units: small, stable across versions and processes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
