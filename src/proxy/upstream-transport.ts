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
  /** proxy-ssl-secret: CA bundle to verify against (instead of the system CAs), and a client certificate. */
  readonly caPem: string | null;
  readonly certPem: string | null;
  readonly keyPem: string | null;
}

type PolicySecrets = ReadonlyMap<string, Readonly<Record<string, string>>> | undefined;

const interned = new Map<string, UpstreamTransport>();

/** The transport a route uses towards `backend`; null for plain HTTP/1.1. */
export function transportFor(
  policy: UpstreamPolicy | undefined,
  backend: BackendEndpoints,
  secrets: PolicySecrets,
): UpstreamTransport | null {
  const protocol = upstreamProtocolOf(policy, backend);
  if (protocol === 'http') return null;
  const tls = isTlsProtocol(protocol);
  const verify = tls && policy?.verify === true;
  const serverName = policy?.serverName ?? serviceDnsName(backend);
  const sendServerName = tls && policy?.sendServerName === true;
  const secret = tls && policy?.secret != null ? (secrets?.get(policy.secret) ?? null) : null;
  const caPem = pem(secret?.['ca.crt']);
  const certPem = pem(secret?.['tls.crt']);
  const keyPem = certPem === null ? null : pem(secret?.['tls.key']);
  let key = protocol + (verify ? ' verify' : '') + (tls ? ' name=' + serverName : '') + (sendServerName ? ' sni' : '');
  // The Secret's content is part of the key: a rotated CA or client certificate gets new connections.
  if (caPem !== null || certPem !== null)
    key += ' secret=' + policy?.secret + '#' + fnv1a((caPem ?? '') + (certPem ?? '') + (keyPem ?? ''));
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
      caPem,
      certPem,
      keyPem: certPem === null ? null : keyPem,
    });
    interned.set(key, transport);
  }
  return transport;
}

function pem(text: string | undefined): string | null {
  return text === undefined || !text.includes('-----BEGIN') ? null : text;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16);
}

function serviceDnsName(backend: BackendEndpoints): string {
  if (backend.externalName !== null) return backend.externalName.host;
  return backend.service + '.' + backend.namespace + '.svc';
}
