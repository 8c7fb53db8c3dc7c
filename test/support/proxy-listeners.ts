// Test support for the listener tests: routing states with a TLS table, a fake handler, raw sockets.
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { RoutingState } from '../../src/controller/state.ts';
import type { BuildResult, Matcher, TlsCertificate } from '../../src/routing/types.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { createEdge } from '../../src/proxy/edge.ts';
import type { Edge, EdgeOptions, EdgeRequestHandler } from '../../src/proxy/edge.ts';
import { generateSelfSigned } from '../../src/proxy/self-signed.ts';
import type { PemPair } from '../../src/proxy/self-signed.ts';

export async function makeCertificate(commonName: string, dnsNames: readonly string[]): Promise<PemPair> {
  return generateSelfSigned(commonName, dnsNames);
}

export type TestEdgeOptions = Pick<EdgeOptions, 'handler' | 'getState' | 'selfSigned'> & Partial<EdgeOptions>;

/** An edge on loopback with free ports and test timeouts (any of them overridable), listening. */
export async function startTestEdge(
  options: TestEdgeOptions,
): Promise<{ edge: Edge; ports: { httpPort: number; httpsPort: number } }> {
  const edge = createEdge({
    bindAddress: '127.0.0.1',
    httpPort: 0,
    httpsPort: 0,
    headerTimeoutMs: 2000,
    requestTimeoutMs: 5000,
    keepAliveTimeoutMs: 5000,
    maxHeaderBytes: 16_384,
    log: silentLogger,
    ...options,
  });
  const ports = await edge.listen();
  return { edge, ports };
}

const noMatcher: Matcher = {
  match: () => null,
  explain: (host, path) => ({ host, path, match: null, hostMatch: 'none', passedOver: [] }),
};

export interface TlsEntry {
  secret: string;
  pems: PemPair;
  hosts: readonly string[];
}

export function makeState(
  generation: number,
  entries: readonly TlsEntry[],
  defaultSecret: string | null = null,
): RoutingState {
  const hosts = new Map<string, string>();
  const certificates = new Map<string, TlsCertificate>();
  for (const entry of entries) {
    for (const host of entry.hosts) hosts.set(host, entry.secret);
    certificates.set(entry.secret, {
      secret: entry.secret,
      certPem: entry.pems.certPem,
      keyPem: entry.pems.keyPem,
      subject: '',
      issuer: '',
      notBefore: '',
      notAfter: '',
      dnsNames: entry.hosts,
    });
  }
  const result: BuildResult = {
    table: { hosts: [], defaultBackend: null },
    endpoints: new Map(),
    tls: { hosts, certificates, defaultCertificate: defaultSecret },
    problems: [],
    ownedIngresses: [],
  };
  return { generation, builtAt: new Date(0).toISOString(), buildMs: 0, result, matcher: noMatcher };
}

export interface FakeHandler extends EdgeRequestHandler {
  calls: { url: string; httpVersion: string; tls: boolean; host: string }[];
  /** When set, requests whose URL starts with "/slow" wait for this promise before answering. */
  gate: Promise<void> | null;
  upstream: { address: string; port: number } | null;
}

/** Answers 200 with what it saw; upgrades go to `upstream`. */
export function createFakeHandler(): FakeHandler {
  const fake: FakeHandler = {
    calls: [],
    gate: null,
    upstream: null,
    handle(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse, tls: boolean) {
      const host =
        req.httpVersionMajor === 2 ? String(req.headers[':authority'] ?? '') : String(req.headers.host ?? '');
      fake.calls.push({ url: req.url ?? '', httpVersion: req.httpVersion, tls, host });
      const body = JSON.stringify({ url: req.url, httpVersion: req.httpVersion, tls, host });
      const answer = (): void => {
        (res as ServerResponse).writeHead(200, { 'content-type': 'application/json', server: 'sluice' });
        res.end(body);
      };
      req.resume();
      if (fake.gate !== null && (req.url ?? '').startsWith('/slow')) void fake.gate.then(answer);
      else answer();
    },
    resolveUpgrade(req: IncomingMessage) {
      if (fake.upstream === null) return { ok: false, status: 503, body: 'no upstream\n' };
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = value;
      headers['x-forwarded-by'] = 'fake';
      return { ok: true, upstream: fake.upstream, headers, path: req.url ?? '/' };
    },
  };
  return fake;
}

/** Sends raw bytes, half-closes after `endAfterMs` (or never when null), returns everything read until close. */
export function sendRaw(port: number, bytes: string, endAfterMs: number | null = 200): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('close', () => resolve(received));
    socket.on('error', () => {});
    socket.write(Buffer.from(bytes, 'latin1'));
    if (endAfterMs !== null) setTimeout(() => socket.end(), endAfterMs).unref();
  });
}

export function statusLine(response: string): string {
  const end = response.indexOf('\r\n');
  return end === -1 ? response : response.slice(0, end);
}

/** The subject CN of the certificate the server presents for `serverName` (undefined: no SNI). */
export function presentedCommonName(port: number, serverName: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      servername: serverName,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    socket.once('secureConnect', () => {
      const raw = socket.getPeerX509Certificate() as X509Certificate | undefined;
      socket.destroy();
      const subject = raw?.subject ?? '';
      const cn = /CN=([^\n]*)/.exec(subject);
      resolve(cn === null ? subject : cn[1]);
    });
    socket.once('error', reject);
  });
}
