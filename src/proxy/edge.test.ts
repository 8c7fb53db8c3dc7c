import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import type { RoutingState } from '../controller/state.ts';
import type { Edge } from './edge.ts';
import {
  createFakeHandler,
  startTestEdge,
  makeState,
  sendRaw,
  statusLine,
} from '../../test/support/proxy-listeners.ts';
import type { FakeHandler } from '../../test/support/proxy-listeners.ts';
import { generateSelfSigned } from './self-signed.ts';
import { waitFor } from '../../test/support/wait-for.ts';

let edge: Edge;
let handler: FakeHandler;
let ports: { httpPort: number; httpsPort: number };
const state: RoutingState = makeState(1, []);

beforeAll(async () => {
  handler = createFakeHandler();
  ({ edge, ports } = await startTestEdge({
    handler,
    getState: () => state,
    headerTimeoutMs: 300,
    requestTimeoutMs: 2000,
    maxHeaderBytes: 8192,
    selfSigned: await generateSelfSigned('edge test default'),
  }));
});

afterAll(async () => {
  await edge.close(100);
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: ports.httpPort, path, headers: { host: 'app.test', ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP listener', () => {
  it('hands well-formed requests to the handler', async () => {
    const response = await get('/hello?x=1');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ url: '/hello?x=1', httpVersion: '1.1', tls: false, host: 'app.test' });
  });

  const smuggling: Record<string, string> = {
    'Content-Length with Transfer-Encoding':
      'POST /cl-te HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG',
    'duplicate Content-Length':
      'POST /dup-cl HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
    'repeated equal Content-Length':
      'POST /dup-cl2 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello',
    'list Content-Length': 'POST /cl-list HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello',
    'signed Content-Length': 'POST /cl-sign HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello',
    'bare LF line ends': 'GET /bare-lf HTTP/1.1\nHost: a\n\n',
    'bare LF inside headers': 'GET /bare-lf2 HTTP/1.1\r\nHost: a\nX: y\r\n\r\n',
    'bare CR': 'GET /bare-cr HTTP/1.1\r\nHost: a\rX: y\r\n\r\n',
    'obs-fold': 'GET /fold HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n',
    'control character in a value': 'GET /ctl HTTP/1.1\r\nHost: a\r\nX-A: b\u0001c\r\n\r\n',
    'space in a header name': 'GET /name HTTP/1.1\r\nHost: a\r\nX A: b\r\n\r\n',
    'space before the colon': 'GET /colon HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n',
    'missing Host': 'GET /no-host HTTP/1.1\r\n\r\n',
    'duplicate Host': 'GET /two-hosts HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    'unknown Transfer-Encoding': 'POST /te-identity HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n',
    'Transfer-Encoding not ending in chunked':
      'POST /te-gzip HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n',
    'gzip, chunked Transfer-Encoding':
      'POST /te-gzip-chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
    'Transfer-Encoding on HTTP/1.0': 'POST /te-10 HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'absolute-form conflicting with Host': 'GET http://evil.test/abs HTTP/1.1\r\nHost: a\r\n\r\n',
    'asterisk-form': 'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
    'NUL in the target': 'GET /nul\u0000 HTTP/1.1\r\nHost: a\r\n\r\n',
  };
  for (const [name, bytes] of Object.entries(smuggling)) {
    it(`answers 400 and never calls the handler: ${name}`, async () => {
      const before = handler.calls.length;
      // A second request rides behind each vector: it must not reach the handler either.
      const response = await sendRaw(ports.httpPort, bytes + 'GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n');
      expect(statusLine(response)).toBe('HTTP/1.1 400 Bad Request');
      expect(response.match(/HTTP\/1\.1 /g)).toHaveLength(1);
      expect(handler.calls.length).toBe(before);
    });
  }

  it('answers CONNECT with 405', async () => {
    const response = await sendRaw(ports.httpPort, 'CONNECT app.test:443 HTTP/1.1\r\nHost: app.test:443\r\n\r\n');
    expect(statusLine(response)).toBe('HTTP/1.1 405 Method Not Allowed');
    expect(response).toContain('Server: sluice');
  });

  it('accepts an absolute-form target that agrees with Host, as origin-form', async () => {
    const before = handler.calls.length;
    const response = await sendRaw(
      ports.httpPort,
      'GET http://App.test:80/abs?q=1 HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n',
      null,
    );
    expect(statusLine(response)).toBe('HTTP/1.1 200 OK');
    expect(handler.calls.slice(before).map((call) => call.url)).toEqual(['/abs?q=1']);
  });

  it('answers 431 to oversized headers', async () => {
    const before = handler.calls.length;
    const response = await sendRaw(
      ports.httpPort,
      `GET /big HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(10_000)}\r\n\r\n`,
    );
    expect(statusLine(response)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(response).toContain('Server: sluice');
    expect(handler.calls.length).toBe(before);
  });

  it('answers 408 to a client that sends headers too slowly (slowloris)', async () => {
    const started = Date.now();
    const response = await sendRaw(ports.httpPort, 'GET /slowloris HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n', null);
    expect(statusLine(response)).toBe('HTTP/1.1 408 Request Timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('passes non-WebSocket upgrades (h2c) to the handler as ordinary requests', async () => {
    const response = await get('/h2c', {
      connection: 'Upgrade, HTTP2-Settings',
      upgrade: 'h2c',
      'http2-settings': 'AAMAAABkAAQAAP__',
    });
    expect(response.status).toBe(200);
  });
});

describe('HTTPS listener, HTTP/1.1 and HTTP/2', () => {
  it('serves HTTP/2 through ALPN with the same handler', async () => {
    const session = http2Connect(`https://127.0.0.1:${ports.httpsPort}`, { rejectUnauthorized: false });
    try {
      const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const stream = session.request({ ':path': '/over-h2', ':authority': 'app.test' });
        let body = '';
        let status = 0;
        stream.on('response', (headers) => (status = Number(headers[':status'])));
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (body += chunk));
        stream.on('end', () => resolve({ status, body }));
        stream.on('error', reject);
      });
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ url: '/over-h2', httpVersion: '2.0', tls: true, host: 'app.test' });
    } finally {
      session.close();
    }
  });

  it('advertises HTTP/2 limits, refuses oversized header lists and CONNECT', async () => {
    const session = http2Connect(`https://127.0.0.1:${ports.httpsPort}`, { rejectUnauthorized: false });
    session.on('error', () => {});
    const outcome = (headers: Record<string, string>): Promise<string> =>
      new Promise((resolve) => {
        const stream = session.request(headers);
        stream.on('response', (response) => {
          resolve(`status ${String(response[':status'])}`);
          stream.resume();
        });
        stream.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? ''}`));
        stream.end();
      });
    try {
      await new Promise((resolve) => session.once('remoteSettings', resolve));
      expect(session.remoteSettings.maxConcurrentStreams).toBe(128);
      expect(session.remoteSettings.maxHeaderListSize).toBe(8192);
      const before = handler.calls.length;
      expect(await outcome({ ':path': '/huge', ':authority': 'app.test', 'x-big': 'b'.repeat(10_000) })).toBe(
        'error ERR_HTTP2_STREAM_ERROR',
      );
      expect(await outcome({ ':method': 'CONNECT', ':authority': 'app.test:443' })).toBe('status 405');
      expect(handler.calls.length).toBe(before);
    } finally {
      session.close();
    }
  });

  it('enforces the same HTTP/1.1 parser rules over TLS', async () => {
    const { connect } = await import('node:tls');
    const response = await new Promise<string>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: ports.httpsPort,
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1'],
      });
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', () => {});
      socket.write('GET /tls-two-hosts HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
    });
    expect(statusLine(response)).toBe('HTTP/1.1 400 Bad Request');
    expect(handler.calls.some((call) => call.url === '/tls-two-hosts')).toBe(false);
  });

  it('counts open connections', async () => {
    const socket = netConnect(ports.httpPort, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    await waitFor(() => edge.connections() >= 1);
    socket.destroy();
    await waitFor(() => edge.connections() === 0);
    expect(edge.connections()).toBe(0);
  });
});
