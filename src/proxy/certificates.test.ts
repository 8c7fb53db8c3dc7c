import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect as http2Connect } from 'node:http2';
import type { RoutingState } from '../controller/state.ts';
import { secretForServerName } from './certificates.ts';
import type { Edge } from './edge.ts';
import {
  createFakeHandler,
  startTestEdge,
  makeCertificate,
  makeState,
  presentedCommonName,
} from '../../test/support/proxy-listeners.ts';
import type { TlsEntry } from '../../test/support/proxy-listeners.ts';
import type { PemPair } from './self-signed.ts';

describe('secretForServerName', () => {
  const tls = makeState(1, [
    { secret: 'ns/exact', pems: { certPem: '', keyPem: '' }, hosts: ['foo.test'] },
    { secret: 'ns/wild', pems: { certPem: '', keyPem: '' }, hosts: ['*.foo.test'] },
  ]).result.tls;

  it('prefers the exact host, then a one-label wildcard', () => {
    expect(secretForServerName(tls, 'foo.test')).toBe('ns/exact');
    expect(secretForServerName(tls, 'FOO.test.')).toBe('ns/exact');
    expect(secretForServerName(tls, 'bar.foo.test')).toBe('ns/wild');
    expect(secretForServerName(tls, 'baz.bar.foo.test')).toBeNull();
    expect(secretForServerName(tls, 'other.test')).toBeNull();
    expect(secretForServerName(tls, '')).toBeNull();
    expect(secretForServerName(tls, '.foo.test')).toBeNull();
  });
});

describe('HTTPS certificates chosen by SNI', () => {
  let edge: Edge;
  let state: RoutingState;
  let httpsPort: number;
  let certs: Record<'app' | 'wild' | 'fallback' | 'renewed' | 'selfSigned', PemPair>;
  let entries: TlsEntry[];

  beforeAll(async () => {
    const [app, wild, fallback, renewed, selfSigned] = await Promise.all([
      makeCertificate('app cert', ['app.test']),
      makeCertificate('wildcard cert', ['*.wild.test']),
      makeCertificate('configured default', []),
      makeCertificate('app cert renewed', ['app.test']),
      makeCertificate('self-signed', []),
    ]);
    certs = { app, wild, fallback, renewed, selfSigned };
    entries = [
      { secret: 'shop/app-tls', pems: app, hosts: ['app.test'] },
      { secret: 'shop/wild-tls', pems: wild, hosts: ['*.wild.test'] },
    ];
    state = makeState(1, entries);
    let ports: { httpsPort: number };
    ({ edge, ports } = await startTestEdge({
      handler: createFakeHandler(),
      getState: () => state,
      headerTimeoutMs: 5000,
      requestTimeoutMs: 10_000,
      selfSigned: certs.selfSigned,
    }));
    httpsPort = ports.httpsPort;
  });

  afterAll(async () => {
    await edge.close(100);
  });

  it('serves the certificate of the SNI host, and the wildcard for one extra label', async () => {
    expect(await presentedCommonName(httpsPort, 'app.test')).toBe('app cert');
    expect(await presentedCommonName(httpsPort, 'APP.test')).toBe('app cert');
    expect(await presentedCommonName(httpsPort, 'shop.wild.test')).toBe('wildcard cert');
  });

  it('serves the self-signed certificate for unknown or absent SNI when no default is configured', async () => {
    expect(await presentedCommonName(httpsPort, 'unknown.test')).toBe('self-signed');
    expect(await presentedCommonName(httpsPort, 'a.b.wild.test')).toBe('self-signed');
    expect(await presentedCommonName(httpsPort, undefined)).toBe('self-signed');
  });

  it('serves the configured default certificate for unknown or absent SNI', async () => {
    state = makeState(
      2,
      [...entries, { secret: 'ingress/default-tls', pems: certs.fallback, hosts: [] }],
      'ingress/default-tls',
    );
    expect(await presentedCommonName(httpsPort, 'unknown.test')).toBe('configured default');
    expect(await presentedCommonName(httpsPort, undefined)).toBe('configured default');
    expect(await presentedCommonName(httpsPort, 'app.test')).toBe('app cert');
    state = makeState(3, entries);
    expect(await presentedCommonName(httpsPort, undefined)).toBe('self-signed');
  });

  it('picks up a renewed certificate without a restart', async () => {
    expect(await presentedCommonName(httpsPort, 'app.test')).toBe('app cert');
    state = makeState(4, [{ secret: 'shop/app-tls', pems: certs.renewed, hosts: ['app.test'] }, entries[1]]);
    expect(await presentedCommonName(httpsPort, 'app.test')).toBe('app cert renewed');
    state = makeState(5, [entries[1]]);
    expect(await presentedCommonName(httpsPort, 'app.test')).toBe('self-signed');
  });

  it('negotiates HTTP/2 by ALPN on an SNI-selected certificate', async () => {
    state = makeState(6, entries);
    const session = http2Connect(`https://127.0.0.1:${httpsPort}`, {
      servername: 'app.test',
      rejectUnauthorized: false,
    });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const stream = session.request({ ':path': '/', ':authority': 'app.test' });
        stream.on('response', (headers) => resolve(Number(headers[':status'])));
        stream.on('error', reject);
        stream.resume();
      });
      expect(status).toBe(200);
      expect(session.alpnProtocol).toBe('h2');
      expect((session.socket as import('node:tls').TLSSocket).getPeerX509Certificate()?.subject).toContain(
        'CN=app cert',
      );
    } finally {
      session.close();
    }
  });
});
