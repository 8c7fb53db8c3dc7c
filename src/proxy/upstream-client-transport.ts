import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { buildConnector, Pool } from 'undici';
import type { TransportPool, UpstreamPoolOptions } from './upstream-client.ts';
import type { UpstreamTransport } from './upstream-transport.ts';
import { undiciPoolOptions } from './upstream-client-undici.ts';

/** HTTP/2 streams per upstream connection before undici opens another one (per endpoint, up to `connections`). */
export const UPSTREAM_H2_STREAMS = 100;

/**
 * A pool towards one endpoint for a non-default transport: HTTPS, h2c (prior knowledge) or h2 over TLS,
 * through undici (allowH2, one connection multiplexing streams). TLS checks follow the transport:
 * off unless `verify` (as ingress-nginx's proxy-ssl-verify), SNI only when `sendServerName`.
 */
export function createTransportPool(
  id: string,
  transport: UpstreamTransport,
  options: UpstreamPoolOptions,
): TransportPool {
  const origin = (transport.tls ? 'https://' : 'http://') + id;
  const pool = new Pool(origin, {
    ...undiciPoolOptions(options),
    allowH2: transport.http2,
    // undici's Pool builds its connector from the top-level useH2c (deprecated on Client, still read by Pool).
    ...({ useH2c: transport.http2 && !transport.tls } as object),
    h2Options: { maxConcurrentStreams: UPSTREAM_H2_STREAMS },
    connect: transport.tls ? tlsConnector(transport, options.connectMs) : undefined,
  });
  pool.on('connectionError', ignore);
  return pool as unknown as TransportPool;
}

/**
 * undici sends the request's Host as SNI; the transport decides instead: proxy-ssl-name (or the Service
 * name) when proxy-ssl-server-name is on, none otherwise (the pod address is an IP, which is never sent).
 */
function tlsConnector(transport: UpstreamTransport, timeout: number): buildConnector.connector {
  const connector = buildConnector({
    ...tlsOptions(transport),
    allowH2: transport.http2,
    timeout,
  } as buildConnector.BuildOptions);
  const servername = transport.sendServerName ? transport.serverName : undefined;
  return (options, callback) => connector({ ...options, servername }, callback);
}

function tlsOptions(transport: UpstreamTransport): Record<string, unknown> {
  const serverName = transport.serverName;
  return {
    rejectUnauthorized: transport.verify,
    // Without SNI node would check the certificate against the pod IP: check it against the server name.
    checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(serverName, cert),
    ...(transport.caPem === null ? {} : { ca: transport.caPem }),
    ...(transport.certPem === null || transport.keyPem === null
      ? {}
      : { cert: transport.certPem, key: transport.keyPem }),
  };
}

function ignore(): void {}
