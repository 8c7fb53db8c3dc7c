// Opens and closes one server per (Gateway address, port) as the published Gateway listeners change. Each
// server reads a routing-state view holding only its own Gateway port's table and certificates, so two
// Gateways on :80 at different addresses serve different routes.
import type { RoutingState } from '../controller/state.ts';
import type { GatewayListener } from '../routing/gateway/types.ts';
import { ListenerHosts } from '../routing/gateway/listener-hosts.ts';
import { compileMatcher } from '../routing/matcher.ts';
import type { EndpointIndex, Matcher, RouteTable, TlsTable } from '../routing/types.ts';
import type { Logger } from '../util/logger.ts';
import type { GatewayAddress, GatewayAddressRequest } from './gateway-addresses.ts';

/** Where each Gateway is served: its address (GatewayAddressPool, or provisioned Services) and each listener's port. */
export interface GatewayPlacement {
  /** Addresses for exactly these Gateways ("namespace/name"). */
  assign(requests: readonly GatewayAddressRequest[]): ReadonlyMap<string, GatewayAddress>;
  /** The port a Gateway listener port is served on, or why it is not served yet. */
  portOf(gateway: string, port: number): number | { readonly unserved: string };
}

export interface GatewayListenSpec {
  readonly gateway: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
}

export interface OpenedListener {
  close(graceMs: number): Promise<void>;
  connections(): number;
}

/** Opens a server for `spec` that reads its state from `getState` on every request; rejects when it cannot bind. */
export type OpenListener = (spec: GatewayListenSpec, getState: () => RoutingState) => Promise<OpenedListener>;

interface Entry {
  readonly spec: GatewayListenSpec;
  view: RoutingState;
  opened: OpenedListener | null;
}

const noTls: TlsTable = Object.freeze({ hosts: new Map(), certificates: new Map(), defaultCertificate: null });

export class GatewayListenerManager {
  readonly #placement: GatewayPlacement;
  readonly #open: OpenListener;
  readonly #log: Logger;
  readonly #entries = new Map<string, Entry>();
  #addresses: ReadonlyMap<string, GatewayAddress> = new Map();
  /** "namespace/name" → why one of its ports is not served. */
  #failures = new Map<string, string[]>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  /** Compiled per table: a generation that kept a listener's table (an Ingress or endpoint change) reuses it. */
  readonly #matchers = new WeakMap<RouteTable, Matcher>();

  constructor(placement: GatewayPlacement, open: OpenListener, log: Logger) {
    this.#placement = placement;
    this.#open = open;
    this.#log = log;
  }

  /** Serves exactly `state`'s Gateway listeners (updates are applied one at a time, in order). */
  update(state: RoutingState): Promise<void> {
    this.#queue = this.#queue
      .then(() => this.#apply(state))
      .catch((error: unknown) => {
        this.#log.error({ err: error }, 'Gateway listeners update failed');
      });
    return this.#queue;
  }

  /** The Gateway's address (null: none could be given), or undefined for a Gateway not served. */
  addressOf(gateway: string): GatewayAddress | undefined {
    return this.#addresses.get(gateway);
  }

  /** Resolves once every update asked for so far is applied. */
  settled(): Promise<void> {
    return this.#queue;
  }

  /** The Gateway's address and the ports that could not be served, or undefined for a Gateway not served. */
  infoOf(gateway: string): (GatewayAddress & { failures: readonly string[] }) | undefined {
    const given = this.#addresses.get(gateway);
    return given === undefined ? undefined : { ...given, failures: this.failuresOf(gateway) };
  }

  /** Why some of the Gateway's ports are not served (bind errors, clashes); empty when all are. */
  failuresOf(gateway: string): readonly string[] {
    return this.#failures.get(gateway) ?? [];
  }

  /** "address:port" of every open listener, sorted. */
  listening(): string[] {
    return [...this.#entries.values()]
      .filter((entry) => entry.opened !== null)
      .map((entry) => `${entry.spec.address}:${entry.spec.port}`)
      .sort();
  }

  connections(): number {
    let total = 0;
    for (const entry of this.#entries.values()) total += entry.opened?.connections() ?? 0;
    return total;
  }

  async close(graceMs: number): Promise<void> {
    this.#closed = true;
    await this.#queue;
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((entry) => entry.opened?.close(graceMs)));
  }

  #matcherOf(table: RouteTable): Matcher {
    let matcher = this.#matchers.get(table);
    if (matcher === undefined) {
      matcher = compileMatcher(table);
      this.#matchers.set(table, matcher);
    }
    return matcher;
  }

  async #apply(state: RoutingState): Promise<void> {
    if (this.#closed) return;
    const listeners = state.gateway?.listeners ?? [];
    const requests = new Map<string, readonly string[]>();
    for (const listener of listeners) requests.set(listener.gateway, listener.requestedAddresses);
    this.#addresses = this.#placement.assign([...requests].map(([gateway, requested]) => ({ gateway, requested })));
    const endpoints = mergedEndpoints(state);
    const failures = new Map<string, string[]>();
    const fail = (gateway: string, why: string) => failures.set(gateway, [...(failures.get(gateway) ?? []), why]);
    const wanted = new Map<string, { spec: GatewayListenSpec; view: RoutingState }>();
    for (const listener of listeners) {
      const address = this.#addresses.get(listener.gateway)?.address ?? null;
      if (address === null) {
        fail(listener.gateway, `port ${listener.port}: no address`);
        continue;
      }
      const port = this.#placement.portOf(listener.gateway, listener.port);
      if (typeof port !== 'number') {
        fail(listener.gateway, `port ${listener.port}: ${port.unserved}`);
        continue;
      }
      const key = `${address}:${port}`;
      const holder = wanted.get(key);
      if (holder !== undefined) {
        fail(listener.gateway, `port ${listener.port}: ${key} is served for Gateway ${holder.spec.gateway}`);
        continue;
      }
      const spec = { gateway: listener.gateway, address, port, protocol: listener.protocol };
      wanted.set(key, { spec, view: viewOf(state, listener, endpoints, this.#matcherOf(listener.table)) });
    }
    for (const [key, entry] of this.#entries) {
      const next = wanted.get(key);
      if (next !== undefined && sameSpec(next.spec, entry.spec) && entry.opened !== null) {
        entry.view = next.view;
        continue;
      }
      this.#entries.delete(key);
      await entry.opened?.close(0);
      this.#log.info({ gateway: entry.spec.gateway, listen: key }, 'Gateway listener closed');
    }
    for (const [key, next] of wanted) {
      if (this.#entries.has(key)) continue;
      const entry: Entry = { spec: next.spec, view: next.view, opened: null };
      try {
        entry.opened = await this.#open(next.spec, () => entry.view);
        this.#entries.set(key, entry);
        this.#log.info(
          { gateway: next.spec.gateway, listen: key, protocol: next.spec.protocol },
          'Gateway listener open',
        );
      } catch (error) {
        fail(next.spec.gateway, `port ${next.spec.port}: cannot listen on ${key}: ${(error as Error).message}`);
      }
    }
    this.#failures = failures;
  }
}

function sameSpec(a: GatewayListenSpec, b: GatewayListenSpec): boolean {
  return a.gateway === b.gateway && a.protocol === b.protocol;
}

function mergedEndpoints(state: RoutingState): EndpointIndex {
  const extra = state.gateway?.endpoints;
  if (extra === undefined || extra.size === 0) return state.result.endpoints;
  return new Map([...state.result.endpoints, ...extra]);
}

/** The state one Gateway port's server reads: its own table and certificates, every endpoint. */
function viewOf(
  state: RoutingState,
  listener: GatewayListener,
  endpoints: EndpointIndex,
  matcher: Matcher,
): RoutingState {
  return Object.freeze({
    generation: state.generation,
    builtAt: state.builtAt,
    buildMs: state.buildMs,
    result: Object.freeze({ ...state.result, table: listener.table, tls: listener.tls ?? noTls, endpoints }),
    matcher,
    ...(listener.protocol === 'HTTPS' ? { listenerHosts: new ListenerHosts(listener.listenerHostnames) } : {}),
  });
}
