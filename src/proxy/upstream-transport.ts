import {
  isGrpcProtocol,
  isHttp2Protocol,
  isTlsProtocol,
  type UpstreamPolicy,
  type UpstreamProtocol,
  upstreamProtocolOf,
} from '../routing/upstream-policy.ts';
import type { BackendEndpoints } from '../routing/types.ts';

/**
 * How connections to a route's pods are made, when not plain HTTP/1.1 (then the route has none and the
 * default client of the endpoint serves it). Interned by `key`, so routes that agree share an object and
 * each endpoint keeps one pool per transport (upstream-pools.ts).
 */
export interface UpstreamTransport {
  /** Identifies the transport among an endpoint's pools, e.g. "grpcs verify name=api.shop.svc sni". */
  readonly key: string;
  readonly protocol: UpstreamProtocol;
  readonly tls: boolean;
  readonly http2: boolean;
  /** gRPC: long-lived streams (no idle or body limits by default), gRPC error answers. */
  readonly grpc: boolean;
  /** TLS: the pod certificate is verified against `serverName`. */
  readonly verify: boolean;
  /** TLS: the name verified (and sent as SNI when `sendServerName`). */
  readonly serverName: string;
  readonly sendServerName: boolean;
}

const interned = new Map<string, UpstreamTransport>();

/** The transport a route uses towards `backend`; null for plain HTTP/1.1. */
export function transportFor(policy: UpstreamPolicy | undefined, backend: BackendEndpoints): UpstreamTransport | null {
  const protocol = upstreamProtocolOf(policy, backend);
  if (protocol === 'http') return null;
  const tls = isTlsProtocol(protocol);
  const verify = tls && policy?.verify === true;
  const serverName = policy?.serverName ?? serviceDnsName(backend);
  const sendServerName = tls && policy?.sendServerName === true;
  const key =
    protocol + (verify ? ' verify' : '') + (tls ? ' name=' + serverName : '') + (sendServerName ? ' sni' : '');
  let transport = interned.get(key);
  if (transport === undefined) {
    transport = Object.freeze({
      key,
      protocol,
      tls,
      http2: isHttp2Protocol(protocol),
      grpc: isGrpcProtocol(protocol),
      verify,
      serverName,
      sendServerName,
    });
    interned.set(key, transport);
  }
  return transport;
}

function serviceDnsName(backend: BackendEndpoints): string {
  if (backend.externalName !== null) return backend.externalName.host;
  return backend.service + '.' + backend.namespace + '.svc';
}
