import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  sendRaw,
  singleRouteState,
  startEdge,
  startUpstream,
  type Edge,
  type Upstream,
} from '../../test/support/proxy-handler-fixtures.ts';

// The edge ends a response with the chunk that completes its declared Content-Length (one write for small
// answers); these pin that nothing is held back, HEAD keeps its length without a body, and keep-alive holds.
describe('edge request path: Content-Length responses ended with their last chunk', () => {
  let upstream: Upstream;
  let edge: Edge;
  let releaseSecondHalf: (() => void) | null = null;

  beforeAll(async () => {
    upstream = await startUpstream('127.0.0.6', (req, res) => {
      req.resume();
      if (req.url === '/split') {
        res.writeHead(200, { 'content-length': '10' });
        res.write('first');
        releaseSecondHalf = () => res.end('-last');
        return;
      }
      if (req.url === '/wrong-length') {
        // Declares more than it sends, then closes: the client must not see a complete response.
        res.writeHead(200, { 'content-length': '100' });
        res.write('short');
        setImmediate(() => res.socket?.destroy());
        return;
      }
      res.writeHead(200, { 'content-length': '5', 'content-type': 'text/plain' });
      res.end(req.method === 'HEAD' ? undefined : 'hello');
    });
    edge = await startEdge(singleRouteState([upstream], 'default/small:80'));
  });

  afterAll(async () => {
    await edge.close();
    await upstream.close();
  });

  it('answers GET, HEAD and GET again on one keep-alive connection with the declared lengths', async () => {
    const raw = await sendRaw(
      edge.port,
      'GET /a HTTP/1.1\r\nHost: app.test\r\n\r\n' +
        'HEAD /b HTTP/1.1\r\nHost: app.test\r\n\r\n' +
        'GET /c HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n',
    );
    const responses = raw.split('HTTP/1.1 ').slice(1);
    expect(responses).toHaveLength(3);
    for (const response of responses) {
      expect(response).toMatch(/^200 /);
      expect(response.toLowerCase()).toContain('content-length: 5\r\n');
    }
    expect(responses[0].endsWith('\r\n\r\nhello')).toBe(true);
    expect(responses[1].endsWith('\r\n\r\n')).toBe(true);
    expect(responses[2].endsWith('\r\n\r\nhello')).toBe(true);
  });

  it('forwards a first chunk before the rest of the body exists, then completes it', async () => {
    const received: string[] = [];
    const done = new Promise<{ status: number; length: string | undefined }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: edge.port,
        path: '/split',
        headers: { host: 'app.test' },
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        res.setEncoding('latin1');
        res.on('data', (chunk: string) => {
          received.push(chunk);
          // The upstream sends its second half only after the client holds the first.
          if (received.join('') === 'first') releaseSecondHalf?.();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, length: res.headers['content-length'] }));
      });
      req.end();
    });
    const reply = await done;
    expect(reply).toEqual({ status: 200, length: '10' });
    expect(received.join('')).toBe('first-last');
  });

  it('cuts a response short when the upstream sends less than it declared', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port: edge.port,
        path: '/wrong-length',
        headers: { host: 'app.test' },
        agent: false,
      });
      req.on('error', () => resolve('request error'));
      req.on('response', (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve('complete'));
        res.on('error', () => resolve('aborted'));
        res.on('aborted', () => resolve('aborted'));
      });
      req.end();
    });
    expect(outcome).not.toBe('complete');
  });
});
