import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyHandler } from './handler.ts';
import {
  createTestHandler,
  recordInto,
  singleRouteState,
  startUpstream,
  type Upstream,
} from '../../test/support/proxy-handler-fixtures.ts';
import type { RequestRecord } from './request-record.ts';
import { waitFor } from '../../test/support/wait-for.ts';

// A client that leaves before its response starts: its request is not sent (HTTP/2 rapid reset), taken out of
// the upstream queue, or aborted upstream, and recorded as client-abort (499).

interface EdgeUnderTest {
  readonly handler: ProxyHandler;
  readonly h1Port: number;
  readonly h2Port: number;
  readonly records: RequestRecord[];
  close(): Promise<void>;
}

/** The handler behind an HTTP/1 and an h2c listener, with `connections` upstream connections per endpoint. */
async function startEdges(upstream: Upstream, connections: number): Promise<EdgeUnderTest> {
  const records: RequestRecord[] = [];
  const state = singleRouteState([upstream]);
  const handler = createTestHandler(() => state, {
    timeouts: { connectMs: 1_000, responseHeadersMs: 5_000, bodyIdleMs: 5_000 },
    retry: { maxTries: 1, budgetMs: 1_000 },
    onRequestDone: recordInto(records),
    connectionsPerEndpoint: connections,
  });
  const h1 = http.createServer((req, res) => handler.handle(req, res, false));
  h1.listen(0, '127.0.0.1');
  const h2 = http2.createServer((req, res) => handler.handle(req, res, true));
  h2.listen(0, '127.0.0.1');
  await Promise.all([once(h1, 'listening'), once(h2, 'listening')]);
  return {
    handler,
    h1Port: (h1.address() as AddressInfo).port,
    h2Port: (h2.address() as AddressInfo).port,
    records,
    async close() {
      h1.closeAllConnections();
      h1.close();
      h2.close();
      await handler.close();
    },
  };
}

function h2Get(session: http2.ClientHttp2Session, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'GET', ':path': path, ':authority': 'app.test' });
    let status = 0;
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => resolve({ status, body }));
    stream.on('error', reject);
  });
}

describe('edge request path: clients that leave before the response', () => {
  let upstream: Upstream;
  let upstreamConnections = 0;
  /** Requests to /hold wait here until released. */
  const held: http.ServerResponse[] = [];
  let upstreamClosedEarly = 0;
  /** One upstream connection per endpoint: a request behind a held one waits in undici's queue. */
  let single: EdgeUnderTest;
  /** The default pool size, warmed up: a forwarded request is written at once. */
  let wide: EdgeUnderTest;

  beforeAll(async () => {
    upstream = await startUpstream('127.0.0.2', (req, res) => {
      req.resume();
      if (req.url?.startsWith('/hold')) {
        held.push(res);
        res.on('close', () => {
          if (!res.writableFinished) upstreamClosedEarly++;
        });
        return;
      }
      req.on('end', () => res.end('ok ' + req.url));
    });
    upstream.server.on('connection', () => upstreamConnections++);
    single = await startEdges(upstream, 1);
    wide = await startEdges(upstream, 256);
  });

  afterAll(async () => {
    for (const res of held) res.destroy();
    await Promise.all([single.close(), wide.close()]);
    await upstream.close();
  });

  function inFlight(edge: EdgeUnderTest): number {
    return edge.handler.stats().backends['default/app:80']?.[0]?.inFlight ?? 0;
  }

  function recordOf(edge: EdgeUnderTest, path: string): RequestRecord | undefined {
    return edge.records.find((r) => r.path === path);
  }

  async function h2Session(edge: EdgeUnderTest): Promise<http2.ClientHttp2Session> {
    const session = http2.connect(`http://127.0.0.1:${edge.h2Port}`);
    session.on('error', () => undefined);
    await once(session, 'connect');
    return session;
  }

  it('HTTP/2 rapid reset: streams cancelled right after their headers are never forwarded', async () => {
    const session = await h2Session(wide);
    // 20 warm keep-alive connections upstream, where a forwarded request would be written at once.
    const heldBefore = held.length;
    const warm = Array.from({ length: 20 }, (_, i) => h2Get(session, `/hold-warm-${i}`));
    await waitFor(() => held.length === heldBefore + 20);
    for (const res of held.slice(heldBefore)) res.end('warm');
    await Promise.all(warm);
    const before = upstream.count;
    const connectionsBefore = upstreamConnections;
    const cancelled = 200;
    for (let i = 0; i < cancelled; i++) {
      const stream = session.request({ ':method': 'GET', ':path': `/reset-${i}`, ':authority': 'app.test' });
      stream.on('error', () => undefined);
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }
    await waitFor(() => wide.records.filter((r) => r.path.startsWith('/reset-')).length === cancelled);
    const next = await h2Get(session, '/after-reset');
    session.close();
    expect(next).toEqual({ status: 200, body: 'ok /after-reset' });
    const reached = upstream.count - before - 1;
    expect(reached).toBeLessThanOrEqual(2);
    // Nor were they written and then aborted, which costs the upstream connection they were written to.
    expect(upstreamConnections - connectionsBefore).toBeLessThanOrEqual(2);
    const resets = wide.records.filter((r) => r.path.startsWith('/reset-'));
    expect(resets.every((r) => r.status === 499 && r.error === 'client-abort' && r.protocol === 'h2')).toBe(true);
    expect(inFlight(wide)).toBe(0);
  });

  it('HTTP/2: a stream reset while its request is upstream aborts that request', async () => {
    const session = await h2Session(single);
    const heldBefore = held.length;
    const closedBefore = upstreamClosedEarly;
    const stream = session.request({ ':method': 'GET', ':path': '/hold-h2', ':authority': 'app.test' });
    stream.on('error', () => undefined);
    await waitFor(() => held.length > heldBefore);
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await waitFor(() => upstreamClosedEarly > closedBefore);
    await waitFor(() => recordOf(single, '/hold-h2') !== undefined);
    session.close();
    expect(recordOf(single, '/hold-h2')).toMatchObject({ status: 499, error: 'client-abort', upstreamStatus: 0 });
    expect(inFlight(single)).toBe(0);
  });

  it('HTTP/1: a request waiting for an upstream connection is dropped from the queue when its client leaves', async () => {
    const connectionsBefore = upstreamConnections;
    const countBefore = upstream.count;
    const heldBefore = held.length;
    const first = http.request({
      host: '127.0.0.1',
      port: single.h1Port,
      path: '/hold-first',
      headers: { host: 'app.test' },
      agent: false,
    });
    first.on('error', () => undefined);
    const firstResponse = new Promise<http.IncomingMessage>((resolve) => first.on('response', resolve));
    first.end();
    await waitFor(() => held.length > heldBefore);

    // The only connection is busy: this one waits in undici's queue.
    const queued = net.connect(single.h1Port, '127.0.0.1');
    queued.on('error', () => undefined);
    queued.write('GET /queued HTTP/1.1\r\nHost: app.test\r\n\r\n');
    await waitFor(() => inFlight(single) === 2);
    queued.destroy();
    await waitFor(() => recordOf(single, '/queued') !== undefined);
    expect(recordOf(single, '/queued')).toMatchObject({ status: 499, error: 'client-abort', upstreamStatus: 0 });
    expect(inFlight(single)).toBe(1);

    held.at(-1)!.end('released');
    const released = await firstResponse;
    released.resume();
    await once(released, 'end');
    const reply = await new Promise<string>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port: single.h1Port, path: '/third', headers: { host: 'app.test' }, agent: false },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve(text));
          },
        )
        .on('error', reject);
    });
    expect(reply).toBe('ok /third');
    // The pod saw the first and the third request, over one connection: the dropped one cost it nothing.
    expect(upstream.count - countBefore).toBe(2);
    expect(upstreamConnections - connectionsBefore).toBeLessThanOrEqual(1);
  });
});
