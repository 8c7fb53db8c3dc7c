// Upstream responses that break HTTP/1 framing (response smuggling / desync): each must fail the request it
// answers, close that connection, and leave nothing for the next request, which gets a fresh, clean connection.
import { afterEach, describe, expect, it } from 'vitest';
import {
  eventually,
  getOptions,
  RawUpstream,
  RecordingHandler,
  type RawResponder,
} from '../../../test/support/upstream-raw-server.ts';
import { LeanPool } from './pool.ts';

const CLEAN = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nclean';

let upstream: RawUpstream | null = null;
let pool: LeanPool | null = null;

afterEach(async () => {
  await pool?.destroy();
  await upstream?.close();
  pool = null;
  upstream = null;
});

/** The first connection answers with `attack`; every later connection answers cleanly. */
function attackFirst(attack: string): RawResponder {
  return (connection) => {
    connection.socket.write(connection.id === 0 ? attack : CLEAN, 'latin1');
  };
}

async function send(target: LeanPool, method = 'GET'): Promise<RecordingHandler> {
  const handler = new RecordingHandler();
  target.dispatch(getOptions('/', method), handler);
  await handler.done;
  return handler;
}

/** The attacked connection is closed, the next request runs on a new one and sees only its own answer. */
async function expectCleanAfter(target: LeanPool, raw: RawUpstream): Promise<void> {
  await eventually(() => expect(raw.connections[0].closed).toBe(true));
  const next = await send(target);
  expect(next.error).toBeNull();
  expect(next.statusCode).toBe(200);
  expect(next.body.toString()).toBe('clean');
  expect(raw.connections.length).toBe(2);
  expect(raw.connections[1].heads.length).toBe(1);
  expect(target.stats.connected).toBe(1);
}

const attacks: { name: string; response: string; method?: string; code: string }[] = [
  {
    name: 'a second response pipelined after a complete one (junk in the same packet)',
    response: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!',
    code: 'SLUICE_UPSTREAM_EXTRA_BYTES',
  },
  {
    name: 'stray bytes after a complete Content-Length body',
    response: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEVIL',
    code: 'SLUICE_UPSTREAM_EXTRA_BYTES',
  },
  {
    name: 'both Content-Length and Transfer-Encoding: chunked',
    response: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    code: 'HPE_INVALID_TRANSFER_ENCODING',
  },
  {
    name: 'two different Content-Length values',
    response: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\nokEVIL!',
    code: 'HPE_UNEXPECTED_CONTENT_LENGTH',
  },
  {
    name: 'a chunk size that is not hex',
    response: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nEVIL\r\n0\r\n\r\n',
    code: 'HPE_INVALID_CHUNK_SIZE',
  },
  {
    name: 'an oversized chunk size (overflow)',
    response: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nEVIL\r\n0\r\n\r\n',
    code: 'HPE_INVALID_CHUNK_SIZE',
  },
  {
    name: 'a chunk longer than its size',
    response: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nEVIL\r\n0\r\n\r\n',
    code: 'HPE_STRICT',
  },
  {
    name: 'a body answering HEAD',
    response: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!',
    method: 'HEAD',
    code: 'SLUICE_UPSTREAM_EXTRA_BYTES',
  },
  {
    name: 'a body after 304 Not Modified',
    response: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nEVIL!',
    code: 'SLUICE_UPSTREAM_EXTRA_BYTES',
  },
  {
    name: 'an unsolicited 101 Switching Protocols',
    response: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: evil\r\nConnection: upgrade\r\n\r\nEVIL!',
    code: 'SLUICE_UPSTREAM_UPGRADE',
  },
  {
    name: 'a response head over 16 KiB',
    response: 'HTTP/1.1 200 OK\r\nX-Big: ' + 'a'.repeat(17 * 1024) + '\r\nContent-Length: 2\r\n\r\nok',
    code: 'HPE_HEADER_OVERFLOW',
  },
  {
    name: 'a malformed status line',
    response: 'HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok',
    code: 'HPE_INVALID_STATUS',
  },
];

describe('lean client: framing attacks close the connection and never reach another request', () => {
  // Both ways of feeding llhttp: it reads the socket itself (the default), or 'data' events.
  describe.each([
    { feed: 'parser reads the socket', parserReadsSocket: true },
    { feed: "'data' events", parserReadsSocket: false },
  ])('$feed', ({ parserReadsSocket }) => {
    it.each(attacks)('$name', async (attack) => {
      upstream = await RawUpstream.start(attackFirst(attack.response));
      pool = new LeanPool('127.0.0.1', upstream.port, { parserReadsSocket });
      const first = await send(pool, attack.method);
      expect(first.error?.code).toBe(attack.code);
      expect(first.events).not.toContain('end');
      await expectCleanAfter(pool, upstream);
    });
  });

  it('an early close mid-body (Content-Length) fails the request as a reset (undici: UND_ERR_SOCKET)', async () => {
    upstream = await RawUpstream.start((connection) => {
      if (connection.id === 0) connection.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
      else connection.socket.write(CLEAN);
    });
    pool = new LeanPool('127.0.0.1', upstream.port);
    const first = await send(pool);
    expect(first.statusCode).toBe(200);
    expect(first.body.toString()).toBe('abc');
    expect(first.error?.code).toBe('UND_ERR_SOCKET');
    await expectCleanAfter(pool, upstream);
  });

  it('an early close mid-chunk fails the request', async () => {
    upstream = await RawUpstream.start((connection) => {
      if (connection.id === 0) connection.socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nabc');
      else connection.socket.write(CLEAN);
    });
    pool = new LeanPool('127.0.0.1', upstream.port);
    const first = await send(pool);
    expect(first.error?.code).toBe('UND_ERR_SOCKET');
    await expectCleanAfter(pool, upstream);
  });

  it('a close before any response fails the request as a reset', async () => {
    upstream = await RawUpstream.start((connection) => {
      if (connection.id === 0) connection.socket.end();
      else connection.socket.write(CLEAN);
    });
    pool = new LeanPool('127.0.0.1', upstream.port);
    const first = await send(pool);
    expect(first.events).toEqual(['queued', 'start', 'sent', 'error UND_ERR_SOCKET']);
    await expectCleanAfter(pool, upstream);
  });

  it('junk arriving after the response ended, on the idle connection, closes it unused', async () => {
    upstream = await RawUpstream.start(attackFirst('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    pool = new LeanPool('127.0.0.1', upstream.port);
    const first = await send(pool);
    expect(first.body.toString()).toBe('ok');
    expect(pool.stats.free).toBe(1);
    upstream.connections[0].socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!');
    await eventually(() => expect(pool!.stats.connected).toBe(0));
    await expectCleanAfter(pool, upstream);
  });

  it('a close-delimited body (no length, Connection: close) is read to the end and never reused', async () => {
    upstream = await RawUpstream.start((connection) => {
      if (connection.id === 0) connection.socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end');
      else connection.socket.write(CLEAN);
    });
    pool = new LeanPool('127.0.0.1', upstream.port);
    const first = await send(pool);
    expect(first.error).toBeNull();
    expect(first.body.toString()).toBe('until the end');
    await expectCleanAfter(pool, upstream);
  });

  it('Connection: close on a framed response: delivered whole, then the connection is closed', async () => {
    upstream = await RawUpstream.start(
      attackFirst('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'),
    );
    pool = new LeanPool('127.0.0.1', upstream.port);
    const first = await send(pool);
    expect(first.error).toBeNull();
    expect(first.body.toString()).toBe('ok');
    await expectCleanAfter(pool, upstream);
  });

  it('an HTTP/1.0 response without keep-alive is not reused', async () => {
    upstream = await RawUpstream.start(attackFirst('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    pool = new LeanPool('127.0.0.1', upstream.port);
    const first = await send(pool);
    expect(first.body.toString()).toBe('ok');
    await expectCleanAfter(pool, upstream);
  });

  it('a head limit set on the pool is enforced (maxHeaderSize)', async () => {
    upstream = await RawUpstream.start(
      attackFirst('HTTP/1.1 200 OK\r\nX-Pad: ' + 'a'.repeat(2000) + '\r\nContent-Length: 2\r\n\r\nok'),
    );
    pool = new LeanPool('127.0.0.1', upstream.port, { maxHeaderSize: 1024 });
    const first = await send(pool);
    expect(first.error?.code).toBe('HPE_HEADER_OVERFLOW');
    await expectCleanAfter(pool, upstream);
  });
});
