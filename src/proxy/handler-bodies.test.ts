import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  json,
  makeState,
  okBackend,
  send,
  sendRaw,
  startEdge,
  startUpstream,
  type Edge,
  type Upstream,
} from '../../test/support/proxy-handler-fixtures.ts';
import { waitFor } from '../../test/support/wait-for.ts';

const TEN_MIB = 10 * 1024 * 1024;

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('edge request path: bodies, aborts, limits', () => {
  const payload = randomBytes(TEN_MIB);
  let hasher: Upstream;
  let big: Upstream;
  let hanging: Upstream;
  let echo: Upstream;
  let edge: Edge;
  let upstreamAborts = 0;
  let upstreamBytes = 0;

  beforeAll(async () => {
    // Answers the hash and length of the request body it received.
    hasher = await startUpstream('127.0.0.2', (req, res) => {
      const hash = createHash('sha256');
      let length = 0;
      req.on('data', (c: Buffer) => {
        hash.update(c);
        length += c.length;
      });
      req.on('end', () => {
        const body = JSON.stringify({
          hash: hash.digest('hex'),
          length,
          chunked: req.headers['transfer-encoding'] ?? null,
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      });
    });
    // Sends the 10 MiB payload, chunked (no Content-Length) when ?chunked.
    big = await startUpstream('127.0.0.3', (req, res) => {
      req.resume();
      if (req.url?.includes('chunked')) res.writeHead(200);
      else res.writeHead(200, { 'content-length': String(payload.length) });
      let offset = 0;
      const pump = (): void => {
        while (offset < payload.length) {
          const chunk = payload.subarray(offset, offset + 256 * 1024);
          offset += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    // Streams a response forever, counting what it wrote, until its client goes away.
    hanging = await startUpstream('127.0.0.4', (req, res) => {
      req.resume();
      res.on('close', () => {
        if (!res.writableFinished) upstreamAborts++;
      });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024);
      const pump = (): void => {
        while (!res.destroyed) {
          upstreamBytes += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    echo = await startUpstream('127.0.0.5', (req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    edge = await startEdge(
      makeState(
        [
          { host: 'app.test', path: '/upload', backend: 'default/hasher:80' },
          { host: 'app.test', path: '/limited', backend: 'default/hasher:80', policy: { maxBodyBytes: 1024 } },
          { host: 'app.test', path: '/download', backend: 'default/big:80' },
          { host: 'app.test', path: '/forever', backend: 'default/hanging:80' },
          { host: 'app.test', path: '/echo', backend: 'default/echo:80' },
        ],
        [
          okBackend('default/hasher:80', [hasher]),
          okBackend('default/big:80', [big]),
          okBackend('default/hanging:80', [hanging]),
          okBackend('default/echo:80', [echo]),
        ],
      ),
      { maxBodyBytes: 20 * 1024 * 1024 },
    );
  });

  afterAll(async () => {
    await edge.close();
    await Promise.all([hasher.close(), big.close(), hanging.close(), echo.close()]);
  });

  it('streams a 10 MiB request body upstream intact (Content-Length and chunked)', async () => {
    const sized = await send(edge.port, {
      method: 'PUT',
      path: '/upload',
      headers: { host: 'app.test' },
      body: payload,
    });
    expect(json(sized as never)).toMatchObject({ hash: sha256(payload), length: TEN_MIB, chunked: null });

    const chunked = await new Promise<string>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: edge.port,
        method: 'POST',
        path: '/upload',
        headers: { host: 'app.test' },
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      });
      for (let offset = 0; offset < payload.length; offset += 1024 * 1024)
        req.write(payload.subarray(offset, offset + 1024 * 1024));
      req.end();
    });
    expect(JSON.parse(chunked)).toMatchObject({ hash: sha256(payload), length: TEN_MIB, chunked: 'chunked' });
  });

  it('streams a 10 MiB response body intact, keeping its Content-Length', async () => {
    const sized = await send(edge.port, { path: '/download', headers: { host: 'app.test' } });
    expect(sized.headers['content-length']).toBe(String(TEN_MIB));
    expect(sha256(sized.body)).toBe(sha256(payload));
    const chunked = await send(edge.port, { path: '/download?chunked', headers: { host: 'app.test' } });
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
    expect(sha256(chunked.body)).toBe(sha256(payload));
  });

  it('applies backpressure: a client that stops reading stalls the upstream instead of buffering', async () => {
    const before = upstreamBytes;
    const req = http.request({
      host: '127.0.0.1',
      port: edge.port,
      path: '/forever',
      headers: { host: 'app.test' },
      agent: false,
    });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve).end());
    res.pause();
    // The upstream writes until the socket buffers along the way are full, then must stop: sample
    // until two samples 100 ms apart agree, and require that plateau to be far below the data
    // an unbounded relay would have pulled by then.
    let previous = -1;
    for (let i = 0; i < 50 && upstreamBytes !== previous; i++) {
      previous = upstreamBytes;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(upstreamBytes).toBe(previous);
    expect(upstreamBytes - before).toBeGreaterThan(0);
    expect(upstreamBytes - before).toBeLessThan(32 * 1024 * 1024);
    req.destroy();
  });

  it('aborts the upstream request when the client goes away mid-response', async () => {
    const abortsBefore = upstreamAborts;
    edge.records.length = 0;
    const req = http.request({
      host: '127.0.0.1',
      port: edge.port,
      path: '/forever',
      headers: { host: 'app.test' },
      agent: false,
    });
    req.on('error', () => undefined);
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve).end());
    await new Promise((resolve) => res.once('data', resolve));
    req.destroy();
    await waitFor(() => upstreamAborts > abortsBefore);
    await waitFor(() => edge.records.some((r) => r.path === '/forever'));
    expect(edge.records.find((r) => r.path === '/forever')!.error).toBe('client-abort');
  });

  it('answers 413 up front for a Content-Length over the route limit, never forwarding', async () => {
    const before = hasher.count;
    const raw = await sendRaw(
      edge.port,
      'POST /limited HTTP/1.1\r\nHost: app.test\r\nContent-Length: 2048\r\n\r\n' + 'x'.repeat(2048),
    );
    expect(raw).toMatch(/^HTTP\/1\.1 413 /);
    expect(raw).toContain('413 Content Too Large');
    expect(hasher.count).toBe(before);
    const small = await send(edge.port, {
      method: 'POST',
      path: '/limited',
      headers: { host: 'app.test' },
      body: 'x'.repeat(1024),
    });
    expect(small.status).toBe(200);
  });

  it('answers 413 when a chunked body grows over the limit while streaming', async () => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: edge.port,
        method: 'POST',
        path: '/limited',
        headers: { host: 'app.test' },
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.write('x'.repeat(800));
      setImmediate(() => {
        req.write('y'.repeat(800));
        req.end();
      });
    });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatch(/^413 Content Too Large\n/);
  });

  it('answers 413 for a body over the controller-wide default when the route has no limit', async () => {
    const raw = await sendRaw(edge.port, 'POST /echo HTTP/1.1\r\nHost: app.test\r\nContent-Length: 30000000\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 413 /);
  });
});
