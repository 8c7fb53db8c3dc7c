// How the edge talks to a route's backend: the wire protocol, and for TLS upstreams the checks on the
// pod's certificate. Pure frozen data, compiled from backend-protocol / proxy-ssl-* annotations and the
// Service port's appProtocol; the proxy turns it into an upstream client (src/proxy/upstream-transport.ts).

import type { SourceField } from './policy-types.ts';
import type { BackendEndpoints } from './types.ts';

/**
 * http: HTTP/1.1 over TCP; https: HTTP/1.1 over TLS; h2c: HTTP/2 with prior knowledge over TCP;
 * h2: HTTP/2 over TLS (ALPN); grpc / grpcs: h2c / h2 carrying gRPC (long-lived streams, gRPC error answers).
 */
export type UpstreamProtocol = 'http' | 'https' | 'h2c' | 'h2' | 'grpc' | 'grpcs';

export interface UpstreamPolicy {
  /** null: the annotations did not say (the Service port's appProtocol, then HTTP). */
  readonly protocol: UpstreamProtocol | null;
  /** proxy-ssl-verify: check the pod's certificate (off by default, as ingress-nginx). */
  readonly verify: boolean;
  /** proxy-ssl-name: the name the certificate is checked against (and sent as SNI); null: the Service's DNS name. */
  readonly serverName: string | null;
  /** proxy-ssl-server-name: send SNI (off by default, as ingress-nginx). */
  readonly sendServerName: boolean;
  /** proxy-ssl-secret: "namespace/name" of a Secret with ca.crt (and tls.crt + tls.key for a client certificate). */
  readonly secret: string | null;
  readonly secretField: SourceField;
  readonly field: SourceField;
  /**
   * The requests are gRPC (a GRPCRoute's backends), whatever the Service port says: grpcs when its appProtocol
   * names TLS, else grpc (h2c). Only when `protocol` is null.
   */
  readonly grpc?: boolean;
}

/** What the appProtocol of a Service port says (KEP-3726 standard names, and IANA-style ones). */
const BY_APP_PROTOCOL: ReadonlyMap<string, UpstreamProtocol> = new Map([
  ['http', 'http'],
  ['kubernetes.io/ws', 'http'],
  ['https', 'https'],
  ['kubernetes.io/wss', 'https'],
  ['kubernetes.io/h2c', 'h2c'],
  ['h2c', 'h2c'],
  ['grpc', 'grpc'],
  ['grpcs', 'grpcs'],
]);

/** The protocol an appProtocol names, or null when sluice does not know it (then HTTP). */
export function protocolOfAppProtocol(appProtocol: string | undefined): UpstreamProtocol | null {
  if (appProtocol === undefined) return null;
  return BY_APP_PROTOCOL.get(appProtocol.toLowerCase()) ?? null;
}

/**
 * The protocol towards `backend` for a route: its annotation, else the Service port's appProtocol (for a gRPC
 * route, only whether it names TLS), else HTTP (gRPC: h2c).
 */
export function upstreamProtocolOf(
  policy: UpstreamPolicy | null | undefined,
  backend: BackendEndpoints,
): UpstreamProtocol {
  if (policy != null && policy.protocol !== null) return policy.protocol;
  const fromService = protocolOfAppProtocol(backend.appProtocol);
  if (policy?.grpc === true) return fromService !== null && isTlsProtocol(fromService) ? 'grpcs' : 'grpc';
  return fromService ?? 'http';
}

export function isTlsProtocol(protocol: UpstreamProtocol): boolean {
  return protocol === 'https' || protocol === 'h2' || protocol === 'grpcs';
}

export function isHttp2Protocol(protocol: UpstreamProtocol): boolean {
  return protocol === 'h2c' || protocol === 'h2' || protocol === 'grpc' || protocol === 'grpcs';
}

export function isGrpcProtocol(protocol: UpstreamProtocol): boolean {
  return protocol === 'grpc' || protocol === 'grpcs';
}
