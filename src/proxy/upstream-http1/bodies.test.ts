// The lean client against a real node:http upstream: keep-alive reuse, bodies both ways (Content-Length and
// chunked, hash-checked), backpressure both ways, responses without a body, 1xx and trailers.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  eventually,
  getOptions,
  RawUpstream,
  RecordingHandler,
  sha256,
} from '../../../test/support/upstream-raw-server.ts';
import { LeanPool } from './pool.ts';

const MIB = 1024 * 1024;
const big = randomBytes(3 * MIB + 123);
const bigHash = sha256(big);

let server: Server | null = null;
let raw: RawUpstream | null = null;
let pool: LeanPool | null = null;
const sockets = new Set<unknown>();

afterEach(async () => {
  await pool?.destroy();
  await raw?.close();
  if (server !== null) {
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
  }
  pool = null;
  raw = null;
  server = null;
  sockets.clear();
});

async function startServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  parserReadsSocket = true,
): Promise<LeanPool> {
  server = createServer(handle);
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  pool = new LeanPool('127.0.0.1', (server.address() as AddressInfo).port, { parserReadsSocket });
  return pool;
}

/** Answers with the sha256 and length of the request body. */
function hashBody(req: IncomingMessage, res: ServerResponse): void {
  const hash = createHash('sha256');
  let length = 0;
  req.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    length += chunk.length;
  });
  req.on('end', () =>
    res.end(JSON.stringify({ hash: hash.digest('hex'), length, te: req.headers['transfer-encoding'] ?? null })),
  );
}

function chunksOf(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) parts.push(data.subarray(offset, offset + size));
  return Readable.from(parts, { objectMode: false });
}

async function run(target: LeanPool, options: ReturnType<typeof getOptions> | object): Promise<RecordingHandler> {
  const handler = new RecordingHandler();
  target.dispatch({ ...getOptions(), ...options }, handler);
  await handler.done;
  return handler;
}

describe('lean client: keep-alive and bodies', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const target = await startServer((_req, res) => res.end('hello world'));
    for (let i = 0; i < 10; i++) {
      const handler = await run(target, {});
      expect(handler.body.toString()).toBe('hello world');
      expect(handler.headers['content-length']).toBe('11');
    }
    expect(sockets.size).toBe(1);
    expect(target.stats).toEqual({ connected: 1, free: 1, queued: 0, running: 0 });
  });

  it('a request sent from onResponseEnd takes the connection that just finished', async () => {
    const target = await startServer((_req, res) => res.end('again'));
    let left = 20;
    const finished = new Promise<void>((resolve) => {
      const chain = new RecordingHandler();
      chain.onResponseEnd = () => {
        if (--left === 0) resolve();
        else target.dispatch(getOptions(), chain);
      };
      target.dispatch(getOptions(), chain);
    });
    await finished;
    expect(sockets.size).toBe(1);
    expect(target.stats.connected).toBe(1);
  });

  it('receives a 3 MiB Content-Length body and a 3 MiB chunked body intact', async () => {
    const target = await startServer((req, res) => {
      if (req.url === '/length') res.setHeader('content-length', big.length);
      res.write(big);
      res.end();
    });
    const fixed = await run(target, { path: '/length' });
    expect(fixed.headers['transfer-encoding']).toBeUndefined();
    expect(fixed.bodyHash).toBe(bigHash);
    const chunked = await run(target, { path: '/chunked' });
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
    expect(chunked.bodyHash).toBe(bigHash);
    expect(sockets.size).toBe(1);
  });

  it('sends a 3 MiB stream body chunked, and with Content-Length when the headers declare one', async () => {
    const target = await startServer(hashBody);
    const chunked = await run(target, { method: 'POST', body: chunksOf(big, 64 * 1024) });
    expect(JSON.parse(chunked.body.toString())).toEqual({ hash: bigHash, length: big.length, te: 'chunked' });
    expect(chunked.events).toContain('sent');
    const declared = await run(target, {
      method: 'PUT',
      headers: ['content-length', String(big.length)],
      body: chunksOf(big, 50_000),
    });
    expect(JSON.parse(declared.body.toString())).toEqual({ hash: bigHash, length: big.length, te: null });
    const bytes = await run(target, { method: 'POST', body: big });
    expect(JSON.parse(bytes.body.toString())).toEqual({ hash: bigHash, length: big.length, te: null });
    expect(sockets.size).toBe(1);
  });

  it('a stream body longer than its Content-Length fails with undici code and the connection is dropped', async () => {
    const target = await startServer(hashBody);
    const handler = await run(target, { method: 'POST', headers: ['content-length', '10'], body: chunksOf(big, 8) });
    expect(handler.error?.code).toBe('UND_ERR_REQ_CONTENT_LENGTH_MISMATCH');
    await eventually(() => expect(target.stats.connected).toBe(0));
  });

  it('a stream body that fails before its first byte: nothing reaches the upstream, the connection is kept', async () => {
    raw = await RawUpstream.start((connection) =>
      connection.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
    );
    pool = new LeanPool('127.0.0.1', raw.port);
    await run(pool, {});
    const body = new Readable({ read() {} });
    const handler = new RecordingHandler();
    pool.dispatch({ ...getOptions(), method: 'POST', body }, handler);
    expect(handler.events).toEqual(['start']);
    body.destroy(Object.assign(new Error('bad chunk size from the client'), { code: 'HPE_INVALID_CHUNK_SIZE' }));
    await handler.done;
    expect(handler.events).toEqual(['start', 'error HPE_INVALID_CHUNK_SIZE']);
    expect(pool.stats).toEqual({ connected: 1, free: 1, queued: 0, running: 0 });
    await run(pool, {});
    expect(raw.connections.length).toBe(1);
    expect(raw.connections[0].heads.map((head) => head.split('\r\n')[0])).toEqual(['GET / HTTP/1.1', 'GET / HTTP/1.1']);
  });

  it('a response before the request body is sent is delivered whole, then that connection is closed', async () => {
    raw = await RawUpstream.start((connection) => {
      connection.socket.write(
        connection.id === 0
          ? 'HTTP/1.1 413 Too Large\r\nContent-Length: 4\r\n\r\nnope'
          : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      );
    });
    pool = new LeanPool('127.0.0.1', raw.port);
    const body = new Readable({ read() {} });
    body.push(Buffer.alloc(1000, 'a'));
    const early = new RecordingHandler();
    pool.dispatch({ ...getOptions(), method: 'POST', body }, early);
    await early.done;
    expect(early.statusCode).toBe(413);
    expect(early.body.toString()).toBe('nope');
    expect(early.events).not.toContain('sent');
    expect(body.listenerCount('data')).toBe(0);
    await eventually(() => expect(raw!.connections[0].closed).toBe(true));
    const next = await run(pool, {});
    expect(next.body.toString()).toBe('ok');
    expect(raw.connections.length).toBe(2);
  });

  it.each([
    { feed: 'parser reads the socket', parserReadsSocket: true },
    { feed: "'data' events", parserReadsSocket: false },
  ])(
    'pauses the upstream socket while the consumer is paused (response backpressure, $feed)',
    async ({ parserReadsSocket }) => {
      let serverResponse: ServerResponse | null = null;
      const large = randomBytes(16 * MIB);
      const target = await startServer((_req, res) => {
        serverResponse = res;
        res.end(large);
      }, parserReadsSocket);
      const handler = new RecordingHandler();
      handler.pauseOnData = true;
      target.dispatch(getOptions(), handler);
      await eventually(() => expect(handler.controller?.paused).toBe(true));
      const atPause = handler.body.length;
      expect(handler.controller!.connection!.socketPaused).toBe(true);
      // The upstream's socket backs up (kernel buffers full) and stays so: its unsent backlog stops changing.
      let last = -1;
      await eventually(() => {
        const backlog = serverResponse?.socket?.writableLength ?? 0;
        const stable = backlog > 0 && backlog === last;
        last = backlog;
        expect(stable).toBe(true);
      });
      // At most the rest of the read that carried the first chunk arrived after the pause.
      expect(handler.body.length - atPause).toBeLessThanOrEqual(64 * 1024);
      expect(handler.body.length).toBeLessThan(large.length / 2);
      handler.controller!.resume();
      await handler.done;
      expect(handler.bodyHash).toBe(sha256(large));
    },
  );

  it('pauses the request body while the upstream does not read (request backpressure)', async () => {
    let release: (() => void) | null = null;
    const target = await startServer((req, res) => {
      release = () => hashBody(req, res);
    });
    const total = 64 * MIB;
    const sent = createHash('sha256');
    let produced = 0;
    const body = new Readable({
      read() {
        if (produced >= total) {
          this.push(null);
          return;
        }
        const chunk = big.subarray(0, 64 * 1024);
        produced += chunk.length;
        sent.update(chunk);
        this.push(chunk);
      },
    });
    const handler = new RecordingHandler();
    target.dispatch({ ...getOptions(), method: 'POST', body }, handler);
    await eventually(() => expect(release).not.toBeNull());
    await eventually(() => expect(body.isPaused()).toBe(true));
    expect(produced).toBeLessThan(total / 2);
    release!();
    await handler.done;
    expect(JSON.parse(handler.body.toString())).toEqual({ hash: sent.digest('hex'), length: total, te: 'chunked' });
  });
});

describe('lean client: responses without a body, 1xx, trailers', () => {
  it('HEAD, 204 and 304 end at the head and keep the connection', async () => {
    const target = await startServer((req, res) => {
      if (req.url === '/204') res.writeHead(204).end();
      else if (req.url === '/304') res.writeHead(304, { etag: '"x"' }).end();
      else res.writeHead(200, { 'content-length': 1000 }).end(req.method === 'HEAD' ? undefined : 'x'.repeat(1000));
    });
    const head = await run(target, { method: 'HEAD' });
    expect(head.events).toEqual(['queued', 'start', 'sent', 'response 200', 'end']);
    expect(head.headers['content-length']).toBe('1000');
    expect(head.body.length).toBe(0);
    const noContent = await run(target, { path: '/204' });
    expect(noContent.statusCode).toBe(204);
    const notModified = await run(target, { path: '/304' });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.headers.etag).toBe('"x"');
    const after = await run(target, {});
    expect(after.body.length).toBe(1000);
    expect(sockets.size).toBe(1);
  });

  it('skips 100 Continue and 103 Early Hints and delivers the final response', async () => {
    raw = await RawUpstream.start((connection) => {
      connection.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      connection.socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n');
      connection.socket.write('HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone');
    });
    pool = new LeanPool('127.0.0.1', raw.port);
    const first = await run(pool, {});
    const second = await run(pool, {});
    for (const handler of [first, second]) {
      expect(handler.events.filter((event) => event.startsWith('response'))).toEqual(['response 201']);
      expect(handler.body.toString()).toBe('done');
      expect(handler.headers.link).toBeUndefined();
    }
    expect(raw.connections.length).toBe(1);
  });

  it('delivers chunked trailers and the raw header pairs', async () => {
    raw = await RawUpstream.start((connection) => {
      connection.socket.write(
        'HTTP/1.1 200 Fine\r\nX-One: 1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nTransfer-Encoding: chunked\r\n\r\n' +
          '3\r\nabc\r\n0\r\nX-Checksum: 42\r\n\r\n',
      );
    });
    pool = new LeanPool('127.0.0.1', raw.port);
    const handler = await run(pool, {});
    expect(handler.statusMessage).toBe('Fine');
    expect(handler.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(handler.controller!.rawHeaders).toEqual([
      'X-One',
      '1',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'Transfer-Encoding',
      'chunked',
    ]);
    expect(handler.trailers).toEqual({ 'x-checksum': '42' });
    expect(handler.body.toString()).toBe('abc');
  });

  it('writes the request head from raw pairs, adds Host when missing, Content-Length: 0 for an empty POST', async () => {
    raw = await RawUpstream.start((connection) =>
      connection.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
    );
    pool = new LeanPool('127.0.0.1', raw.port);
    await run(pool, { method: 'POST', path: '/a?b=c', headers: ['X-Mixed-Case', 'v1', 'x-dup', '1', 'x-dup', '2'] });
    await run(pool, { headers: ['Host', 'example.test'] });
    expect(raw.connections[0].heads).toEqual([
      `POST /a?b=c HTTP/1.1\r\nX-Mixed-Case: v1\r\nx-dup: 1\r\nx-dup: 2\r\nhost: 127.0.0.1:${raw.port}\r\ncontent-length: 0\r\n\r\n`,
      'GET / HTTP/1.1\r\nHost: example.test\r\n\r\n',
    ]);
  });
});
