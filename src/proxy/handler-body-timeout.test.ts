import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  singleRouteState,
  startEdge,
  startUpstream,
  type Edge,
  type Upstream,
} from '../../test/support/proxy-handler-fixtures.ts';
import type { RequestRecord } from './request-record.ts';
import { waitFor } from '../../test/support/wait-for.ts';

// --client-body-timeout: the longest silence between two chunks of a request body from the client.
const BODY_TIMEOUT_MS = 300;

describe('edge request path: a request body that stalls', () => {
  let upstream: Upstream;
  /** Upstream requests that closed before their body was complete (the edge gave them up). */
  let upstreamCutShort = 0;
  let edge: Edge;
  let h2: http2.Http2Server;
  let h2Port = 0;

  beforeAll(async () => {
    upstream = await startUpstream('127.0.0.2', (req, res) => {
      let length = 0;
      req.on('data', (chunk: Buffer) => (length += chunk.length));
      req.on('close', () => {
        if (!req.complete) upstreamCutShort++;
      });
      if (req.url === '/early') {
        // Answers before the body is in: the response head is out when the body stalls.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('started ');
        req.on('end', () => res.end('done'));
        return;
      }
      const delay = req.url === '/slow-answer' ? BODY_TIMEOUT_MS * 2 : 0;
      req.on('end', () => setTimeout(() => res.end('got ' + length), delay));
    });
    edge = await startEdge(singleRouteState([upstream]), {
      timeouts: { connectMs: 1_000, responseHeadersMs: 5_000, bodyIdleMs: 5_000, clientBodyMs: BODY_TIMEOUT_MS },
    });
    h2 = http2.createServer((req, res) => edge.handler.handle(req, res, true));
    h2.listen(0, '127.0.0.1');
    await once(h2, 'listening');
    h2Port = (h2.address() as AddressInfo).port;
  });

  afterAll(async () => {
    h2.close();
    await edge.close();
    await upstream.close();
  });

  function recordOf(path: string): RequestRecord | undefined {
    return edge.records.find((r) => r.path === path);
  }

  function inFlight(): number {
    return edge.handler.stats().backends['default/app:80']?.[0]?.inFlight ?? 0;
  }

  /** Writes `head` and `first`, then nothing; resolves with what came back once the edge closes the connection. */
  async function stallAfter(head: string, first: string): Promise<{ text: string; ms: number }> {
    const socket = net.connect(edge.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    const started = performance.now();
    socket.write(head + first);
    await once(socket, 'close');
    return { text: Buffer.concat(chunks).toString('latin1'), ms: performance.now() - started };
  }

  it('HTTP/1: answers 408 and closes the connection once the body stalls, and frees the upstream', async () => {
    const cutBefore = upstreamCutShort;
    const { text, ms } = await stallAfter(
      'POST /stall HTTP/1.1\r\nHost: app.test\r\nContent-Length: 100\r\n\r\n',
      'x'.repeat(10),
    );
    expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(text.toLowerCase()).toContain('\r\nconnection: close\r\n');
    expect(ms).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS * 0.9);
    expect(ms).toBeLessThan(BODY_TIMEOUT_MS + 1000);
    await waitFor(() => upstreamCutShort > cutBefore);
    await waitFor(() => recordOf('/stall') !== undefined);
    expect(recordOf('/stall')).toMatchObject({ status: 408, error: 'timeout', bytesIn: 10 });
    expect(inFlight()).toBe(0);
  });

  /** A POST to the edge whose body `sendBody` writes and ends; resolves with the whole answer. */
  function post(path: string, sendBody: (req: http.ClientRequest) => void): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: edge.port,
        method: 'POST',
        path,
        headers: { host: 'app.test' },
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      sendBody(req);
    });
  }

  it('HTTP/1: cuts a response already started when the body stalls behind it', async () => {
    const cutBefore = upstreamCutShort;
    const { text, ms } = await stallAfter(
      'POST /early HTTP/1.1\r\nHost: app.test\r\nContent-Length: 100\r\n\r\n',
      'x'.repeat(10),
    );
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).not.toContain('done');
    expect(ms).toBeLessThan(BODY_TIMEOUT_MS + 1000);
    await waitFor(() => upstreamCutShort > cutBefore);
    await waitFor(() => recordOf('/early') !== undefined);
    expect(recordOf('/early')).toMatchObject({ status: 200, error: 'timeout' });
  });

  it('a body that keeps coming, slower than the timeout in all but between chunks, arrives whole', async () => {
    const reply = await post('/trickle', (req) => {
      let sent = 0;
      const timer = setInterval(() => {
        req.write('y'.repeat(100));
        if (++sent === 8) {
          clearInterval(timer);
          req.end();
        }
      }, BODY_TIMEOUT_MS / 3);
    });
    expect(reply).toEqual({ status: 200, body: 'got 800' });
  });

  it('stops watching once the body is sent: a slow upstream answer is not cut', async () => {
    const reply = await post('/slow-answer', (req) => req.end('z'.repeat(50)));
    expect(reply).toEqual({ status: 200, body: 'got 50' });
  });

  it('HTTP/2: a stream whose body stalls gets 408 (or is reset) and the upstream is freed', async () => {
    const cutBefore = upstreamCutShort;
    const session = http2.connect(`http://127.0.0.1:${h2Port}`);
    session.on('error', () => undefined);
    const started = performance.now();
    const stream = session.request(
      { ':method': 'POST', ':path': '/stall-h2', ':authority': 'app.test', 'content-length': '100' },
      { endStream: false },
    );
    stream.on('error', () => undefined);
    let status = 0;
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.resume();
    stream.write('x'.repeat(10));
    await once(stream, 'close');
    const ms = performance.now() - started;
    session.close();
    expect([408, 0]).toContain(status);
    expect(ms).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS * 0.9);
    expect(ms).toBeLessThan(BODY_TIMEOUT_MS + 1000);
    await waitFor(() => upstreamCutShort > cutBefore);
    await waitFor(() => recordOf('/stall-h2') !== undefined);
    expect(recordOf('/stall-h2')).toMatchObject({ status: 408, error: 'timeout', protocol: 'h2' });
    expect(inFlight()).toBe(0);
  });
});
