import type { BackendEndpoints, BackendKey } from '../routing/types.ts';
import {
  defaultPassiveHealth,
  isAvailable,
  recordConnectFailure,
  recordReachable,
  type PassiveHealthOptions,
} from './passive-health.ts';
import type { UpstreamEndpoint } from './upstream-endpoint.ts';
import type { UpstreamPools } from './upstream-pools.ts';

export type BalancerKind = 'round-robin' | 'least-request';

/**
 * The balancer's state for one backend key. It survives table generations: when a new table
 * brings a new BackendEndpoints object for the key, only the endpoint list is re-resolved.
 */
export class BackendBalance {
  readonly key: BackendKey;
  /** The BackendEndpoints `endpoints` was resolved from (identity-compared per request). */
  source: BackendEndpoints | null = null;
  endpoints: UpstreamEndpoint[] = [];
  cursor = 0;

  constructor(key: BackendKey) {
    this.key = key;
  }
}

export class Balancer {
  readonly kind: BalancerKind;
  readonly health: PassiveHealthOptions;
  readonly #pools: UpstreamPools;
  readonly #balances = new Map<BackendKey, BackendBalance>();

  constructor(kind: BalancerKind, pools: UpstreamPools, health: PassiveHealthOptions = defaultPassiveHealth) {
    this.kind = kind;
    this.#pools = pools;
    this.health = health;
  }

  /** An attempt starts on `endpoint`: it counts as in flight until `release`. */
  acquire(endpoint: UpstreamEndpoint, now: number): void {
    endpoint.inFlight++;
    endpoint.requests++;
    endpoint.lastUsed = now;
  }

  /** A WebSocket goes to `endpoint`: counted as a request, not in flight (it may last for hours). */
  countUpgrade(endpoint: UpstreamEndpoint, now: number): void {
    endpoint.requests++;
    endpoint.lastUsed = now;
  }

  release(endpoint: UpstreamEndpoint): void {
    endpoint.inFlight--;
  }

  /** The attempt never reached `endpoint` (refused, unreachable, connect timeout): passive health ejects it. */
  connectFailed(endpoint: UpstreamEndpoint, now: number): void {
    recordConnectFailure(endpoint, now, this.health);
  }

  /** `endpoint` answered: any ejection record is cleared. */
  reached(endpoint: UpstreamEndpoint): void {
    recordReachable(endpoint);
  }

  /** The balance for a backend whose state is 'ok' or 'external-name'. */
  balanceFor(backend: BackendEndpoints): BackendBalance {
    let balance = this.#balances.get(backend.key);
    if (balance === undefined) {
      balance = new BackendBalance(backend.key);
      this.#balances.set(backend.key, balance);
    }
    if (balance.source !== backend) this.#resolve(balance, backend);
    return balance;
  }

  /**
   * Chooses an endpoint, skipping ejected ones and `exclude` (the one that just failed) when
   * anything else is left. When every endpoint is ejected it still returns the one whose ejection
   * ends first, so traffic keeps probing. Null only when the backend has no endpoints. `kind`: a
   * route's own choice (ingress-nginx load-balance), else the controller's.
   */
  pick(
    balance: BackendBalance,
    now: number,
    exclude: UpstreamEndpoint | null,
    kind: BalancerKind = this.kind,
  ): UpstreamEndpoint | null {
    const endpoints = balance.endpoints;
    const n = endpoints.length;
    if (n === 0) return null;
    if (n === 1) return endpoints[0];
    if (kind === 'least-request') {
      const chosen = pickTwoChoices(endpoints, now, exclude);
      if (chosen !== null) return chosen;
    }
    const index = nextAvailable(balance, now, exclude);
    if (index !== -1) {
      balance.cursor = index + 1;
      return endpoints[index];
    }
    balance.cursor = (balance.cursor % n) + 1;
    return soonestBack(endpoints, exclude);
  }

  /** The endpoint round robin would pick next, without picking it; null for least-request (random). */
  peek(balance: BackendBalance, now: number): UpstreamEndpoint | null {
    if (this.kind === 'least-request' && balance.endpoints.length > 1) return null;
    const index = nextAvailable(balance, now, null);
    return index === -1 ? null : balance.endpoints[index];
  }

  /** Every backend's balance, for stats. */
  balances(): IterableIterator<BackendBalance> {
    return this.#balances.values();
  }

  /** Forgets backends the current table no longer has; returns the endpoints still in use. */
  prune(current: ReadonlyMap<BackendKey, unknown>): Set<UpstreamEndpoint> {
    const live = new Set<UpstreamEndpoint>();
    for (const [key, balance] of this.#balances) {
      if (!current.has(key)) {
        this.#balances.delete(key);
        continue;
      }
      for (const endpoint of balance.endpoints) live.add(endpoint);
    }
    return live;
  }

  #resolve(balance: BackendBalance, backend: BackendEndpoints): void {
    const endpoints: UpstreamEndpoint[] = [];
    if (backend.state === 'external-name' && backend.externalName !== null) {
      endpoints.push(this.#pools.endpoint(backend.externalName.host, backend.externalName.port));
    } else {
      for (const endpoint of backend.usable) endpoints.push(this.#pools.endpoint(endpoint.address, endpoint.port));
    }
    balance.endpoints = endpoints;
    balance.source = backend;
  }
}

/** Index of the first available endpoint from the round-robin cursor, other than `exclude`; -1 when none. */
function nextAvailable(balance: BackendBalance, now: number, exclude: UpstreamEndpoint | null): number {
  const endpoints = balance.endpoints;
  const n = endpoints.length;
  const start = balance.cursor % n;
  for (let k = 0; k < n; k++) {
    const index = (start + k) % n;
    const endpoint = endpoints[index];
    if (endpoint !== exclude && isAvailable(endpoint, now)) return index;
  }
  return -1;
}

/** Power of two choices on in-flight requests, among available endpoints other than `exclude`. */
function pickTwoChoices(
  endpoints: readonly UpstreamEndpoint[],
  now: number,
  exclude: UpstreamEndpoint | null,
): UpstreamEndpoint | null {
  const n = endpoints.length;
  const i = Math.floor(Math.random() * n);
  let j = Math.floor(Math.random() * (n - 1));
  if (j >= i) j++;
  const a = endpoints[i];
  const b = endpoints[j];
  const aOk = a !== exclude && isAvailable(a, now);
  const bOk = b !== exclude && isAvailable(b, now);
  if (aOk && bOk) return b.inFlight < a.inFlight ? b : a;
  if (aOk) return a;
  if (bOk) return b;
  return null;
}

function soonestBack(endpoints: readonly UpstreamEndpoint[], exclude: UpstreamEndpoint | null): UpstreamEndpoint {
  let best: UpstreamEndpoint | null = null;
  for (const endpoint of endpoints) {
    if (endpoint === exclude) continue;
    if (best === null || endpoint.ejectedUntil < best.ejectedUntil) best = endpoint;
  }
  return best ?? endpoints[0];
}
