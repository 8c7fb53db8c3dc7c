// Per Gateway and port, the route table the edge serves there: one ordered host rule set per listener
// hostname (and per intersected route hostname), routes sorted by the spec's precedence, listener
// isolation kept (a host goes to the most specific listener covering it).
// Upstream: conformance/tests/gateway-http-listener-isolation.go, httproute-matching-across-routes.go,
// httproute-multiple-gateways.go.

import { compareText } from '../compare.ts';
import type { HostRules, PathRoute, TlsCertificate, TlsTable } from '../types.ts';
import type { GatewayModel, ParentResult } from './attach.ts';
import { compareSpecificity, hostnameCovers, reachableThrough } from './hostnames.ts';
import type { ListenerModel } from './listeners.ts';
import type { ServiceTypeChoice } from './parameters.ts';
import type { RankedRoute } from './rules.ts';
import type { GatewayListener } from './types.ts';

export interface RouteEntry {
  readonly ranked: readonly RankedRoute[];
  readonly parents: readonly ParentResult[];
}

export interface AcceptedGateway extends GatewayModel {
  readonly className: string;
  readonly requestedAddresses: readonly string[];
  readonly serviceType: ServiceTypeChoice | null;
}

interface Bucket {
  readonly listener: ListenerModel;
  readonly entries: Set<RankedRoute>;
}

export function gatewayListeners(gateway: AcceptedGateway, routes: readonly RouteEntry[]): GatewayListener[] {
  const byPort = new Map<number, ListenerModel[]>();
  for (const listener of gateway.listeners) {
    if (!listener.served) continue;
    const list = byPort.get(listener.port) ?? [];
    list.push(listener);
    byPort.set(listener.port, list);
  }
  return [...byPort.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([port, listeners]) => portListener(gateway, port, listeners, routes));
}

function portListener(
  gateway: AcceptedGateway,
  port: number,
  listeners: readonly ListenerModel[],
  routes: readonly RouteEntry[],
): GatewayListener {
  const siblings = listeners.map((l) => l.hostname);
  const buckets = new Map<string, Bucket>();
  for (const listener of listeners) buckets.set(listener.hostname ?? '', { listener, entries: new Set() });
  for (const route of routes) {
    for (const parent of route.parents) {
      if (parent.gateway !== gateway) continue;
      for (const attachment of parent.attachments) {
        if (!listeners.includes(attachment.listener)) continue;
        for (const host of attachment.hostnames) {
          if (!reachableThrough(attachment.listener.hostname, host, siblings)) continue;
          let bucket = buckets.get(host);
          if (bucket === undefined) {
            bucket = { listener: attachment.listener, entries: new Set() };
            buckets.set(host, bucket);
          }
          for (const ranked of route.ranked) bucket.entries.add(ranked);
        }
      }
    }
  }
  const https = listeners[0].protocol === 'HTTPS';
  // Only wildcard and catch-all buckets can cover another host: few, whatever the number of routes.
  const wide = [...buckets.entries()].filter(([host]) => host === '' || host.startsWith('*.'));
  const hosts = [...buckets.entries()]
    .map(([host, bucket]) => hostRules(host, bucket, coveringBuckets(host, bucket, wide), https))
    .sort(compareHostRules);
  return {
    gateway: gateway.named.key,
    gatewayClass: gateway.className,
    requestedAddresses: gateway.requestedAddresses,
    serviceType: gateway.serviceType,
    port,
    protocol: https ? 'HTTPS' : 'HTTP',
    listenerNames: listeners.map((l) => l.name).sort(compareText),
    listenerHostnames: listeners.map((l) => l.hostname ?? '').sort(compareText),
    table: { hosts, defaultBackend: null },
    tls: https ? tlsTable(buckets) : null,
  };
}

function hostKind(host: string): HostRules['kind'] {
  return host === '' ? 'any' : host.startsWith('*.') ? 'wildcard' : 'exact';
}

/**
 * The same listener's less specific host buckets covering `host`, most specific first: a request for
 * foo.example.com that no rule of a route naming that host matches still reaches the listener's routes
 * for *.example.com (hostname precedence orders routes, it does not hide them).
 */
function coveringBuckets(host: string, bucket: Bucket, wide: readonly (readonly [string, Bucket])[]): Bucket[] {
  return wide
    .filter(
      ([other, candidate]) =>
        other !== host && candidate.listener === bucket.listener && (other === '' || hostnameCovers(other, host)),
    )
    .sort((a, b) => compareSpecificity(a[0], b[0]))
    .map(([, candidate]) => candidate);
}

function hostRules(host: string, bucket: Bucket, covering: readonly Bucket[], https: boolean): HostRules {
  const seen = new Set<RankedRoute>();
  const routes: PathRoute[] = [];
  for (const each of [bucket, ...covering]) {
    for (const entry of [...each.entries].sort(compareRanked)) {
      if (seen.has(entry)) continue;
      seen.add(entry);
      routes.push(entry.route);
    }
  }
  const kind = hostKind(host);
  return {
    host,
    kind,
    routes,
    defaultBackend: null,
    tlsSecret: https ? (bucket.listener.certificates[0]?.secret ?? null) : null,
    ordered: true,
    ...(kind === 'wildcard' ? { deepWildcard: true as const } : {}),
  };
}

const KIND_ORDER = { exact: 0, wildcard: 1, any: 2 } as const;

function compareHostRules(a: HostRules, b: HostRules): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || compareText(a.host, b.host);
}

/** HTTPRouteRule.matches precedence: Exact, longest Prefix, method, headers, query; oldest, name, order. */
export function compareRanked(x: RankedRoute, y: RankedRoute): number {
  const a = x.rank;
  const b = y.rank;
  return (
    a.pathRank - b.pathRank ||
    b.pathLength - a.pathLength ||
    b.method - a.method ||
    b.headers - a.headers ||
    b.query - a.query ||
    compareText(a.created, b.created) ||
    compareText(a.key, b.key) ||
    a.rule - b.rule ||
    a.match - b.match
  );
}

function tlsTable(buckets: ReadonlyMap<string, Bucket>): TlsTable {
  const hosts = new Map<string, string>();
  const certificates = new Map<string, TlsCertificate>();
  let defaultCertificate: string | null = null;
  for (const [host, bucket] of [...buckets].sort((a, b) => compareText(a[0], b[0]))) {
    const certificate = bucket.listener.certificates[0];
    if (certificate === undefined) continue;
    for (const each of bucket.listener.certificates) certificates.set(each.secret, each);
    if (host === '') defaultCertificate = certificate.secret;
    else hosts.set(host, certificate.secret);
  }
  return { hosts, certificates, defaultCertificate };
}
