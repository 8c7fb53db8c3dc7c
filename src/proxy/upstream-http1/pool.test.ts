// The lean client's pool: the connection cap and its queue, cancelling waiting requests, timeouts, connect
// errors with undici's codes, aborts, and closing.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, getOptions, RawUpstream, RecordingHandler } from '../../../test/support/upstream-raw-server.ts';
import { LeanPool } from './pool.ts';

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

let raw: RawUpstream | null = null;
let pool: LeanPool | null = null;

afterEach(async () => {
  await pool?.destroy();
  await raw?.close();
  pool = null;
  raw = null;
});

function dispatch(target: LeanPool, options: object = {}): RecordingHandler {
  const handler = new RecordingHandler();
  target.dispatch({ ...getOptions(), ...options }, handler);
  return handler;
}

/** A port on 127.0.0.1 nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('lean pool: cap and queue', () => {
  it('opens at most `connections` sockets; the rest wait in order and run as connections free up', async () => {
    const stalled: (() => void)[] = [];
    raw = await RawUpstream.start((connection) => stalled.push(() => connection.socket.write(OK)));
    pool = new LeanPool('127.0.0.1', raw.port, { connections: 2 });
    const handlers = [0, 1, 2, 3, 4].map((i) => dispatch(pool!, { path: '/' + i }));
    await eventually(() => expect(stalled.length).toBe(2));
    expect(pool.stats).toEqual({ connected: 2, free: 0, queued: 3, running: 2 });
    for (let answered = 0; answered < 5; answered++) {
      await eventually(() => expect(stalled.length).toBeGreaterThan(answered));
      stalled[answered]();
    }
    await Promise.all(handlers.map((handler) => handler.done));
    expect(handlers.every((handler) => handler.body.toString() === 'ok')).toBe(true);
    expect(raw.connections.length).toBe(2);
    const order = raw.connections.flatMap((connection) => connection.heads.map((head) => head.split(' ')[1]));
    expect(order.sort()).toEqual(['/0', '/1', '/2', '/3', '/4']);
    expect(pool.stats).toEqual({ connected: 2, free: 2, queued: 0, running: 0 });
  });

  it('a queued request cancelled with controller.abort never reaches the upstream', async () => {
    const stalled: (() => void)[] = [];
    raw = await RawUpstream.start((connection) => stalled.push(() => connection.socket.write(OK)));
    pool = new LeanPool('127.0.0.1', raw.port, { connections: 1 });
    const first = dispatch(pool, { path: '/first' });
    const cancelled = dispatch(pool, { path: '/cancelled' });
    const last = dispatch(pool, { path: '/last' });
    expect(cancelled.events).toEqual(['queued']);
    const reason = Object.assign(new Error('client went away'), { code: 'SLUICE_CLIENT_GONE' });
    cancelled.controller!.abort(reason);
    expect(cancelled.events).toEqual(['queued', 'error SLUICE_CLIENT_GONE']);
    expect(cancelled.controller!.aborted).toBe(true);
    expect(pool.stats.queued).toBe(1);
    await eventually(() => expect(stalled.length).toBe(1));
    stalled[0]();
    await eventually(() => expect(stalled.length).toBe(2));
    stalled[1]();
    await Promise.all([first.done, last.done]);
    expect(raw.connections[0].heads.map((head) => head.split(' ')[1])).toEqual(['/first', '/last']);
  });

  it('a request cancelled while its connection opens: the connection then serves the next request', async () => {
    raw = await RawUpstream.start((connection) => connection.socket.write(OK));
    pool = new LeanPool('127.0.0.1', raw.port);
    const cancelled = dispatch(pool);
    cancelled.controller!.abort(new Error('gone'));
    expect(cancelled.events).toEqual(['queued', 'error gone']);
    await eventually(() => expect(pool!.stats.free).toBe(1));
    const next = dispatch(pool);
    await next.done;
    expect(next.events).toEqual(['start', 'sent', 'response 200', 'end']);
    expect(raw.connections.length).toBe(1);
    expect(raw.connections[0].heads.length).toBe(1);
  });
});

describe('lean pool: errors and timeouts with undici codes', () => {
  it('a refused connection fails with ECONNREFUSED before onRequestStart (never reached: retryable)', async () => {
    pool = new LeanPool('127.0.0.1', await closedPort());
    const handler = dispatch(pool);
    await handler.done;
    expect(handler.events).toEqual(['queued', 'error ECONNREFUSED']);
    expect(pool.stats.connected).toBe(0);
  });

  it('no response head within headersTimeout: UND_ERR_HEADERS_TIMEOUT, connection closed', async () => {
    raw = await RawUpstream.start(() => {});
    pool = new LeanPool('127.0.0.1', raw.port);
    const handler = dispatch(pool, { headersTimeout: 50 });
    await handler.done;
    expect(handler.events).toEqual(['queued', 'start', 'sent', 'error UND_ERR_HEADERS_TIMEOUT']);
    await eventually(() => expect(raw!.connections[0].closed).toBe(true));
  });

  it('a response body idle for bodyTimeout: UND_ERR_BODY_TIMEOUT; not counted while the consumer pauses', async () => {
    raw = await RawUpstream.start((connection) =>
      connection.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'),
    );
    pool = new LeanPool('127.0.0.1', raw.port);
    const paused = new RecordingHandler();
    paused.pauseOnData = true;
    pool.dispatch({ ...getOptions(), bodyTimeout: 30 }, paused);
    await eventually(() => expect(paused.controller?.paused).toBe(true));
    // The body timer is disarmed while the consumer pauses (no sleeping in tests to show it).
    expect(paused.controller!.connection!.bodyTimer.armed).toBe(false);
    raw.connections[0].socket.write('defghij');
    paused.controller!.resume();
    expect(paused.controller!.connection!.bodyTimer.armed).toBe(true);
    await paused.done;
    expect(paused.body.toString()).toBe('abcdefghij');
    const stalled = dispatch(pool, { bodyTimeout: 50 });
    await stalled.done;
    expect(stalled.body.toString()).toBe('abc');
    expect(stalled.error?.code).toBe('UND_ERR_BODY_TIMEOUT');
  });

  it('idle keep-alive connections are closed after keepAliveTimeout', async () => {
    raw = await RawUpstream.start((connection) => connection.socket.write(OK));
    pool = new LeanPool('127.0.0.1', raw.port, { keepAliveTimeout: 50 });
    await dispatch(pool).done;
    expect(pool.stats.free).toBe(1);
    await eventually(() => expect(raw!.connections[0].closed).toBe(true));
    expect(pool.stats).toEqual({ connected: 0, free: 0, queued: 0, running: 0 });
  });

  it('an upstream closing an idle connection takes it out of the pool', async () => {
    raw = await RawUpstream.start((connection) => connection.socket.write(OK));
    pool = new LeanPool('127.0.0.1', raw.port);
    await dispatch(pool).done;
    raw.connections[0].socket.end();
    await eventually(() => expect(pool!.stats.connected).toBe(0));
    const next = dispatch(pool);
    await next.done;
    expect(next.body.toString()).toBe('ok');
    expect(raw.connections.length).toBe(2);
  });

  it('abort during the response closes the connection (never reused) and reports the reason', async () => {
    raw = await RawUpstream.start((connection) =>
      connection.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'),
    );
    pool = new LeanPool('127.0.0.1', raw.port);
    const handler = dispatch(pool);
    await eventually(() => expect(handler.body.length).toBe(7));
    handler.controller!.abort(Object.assign(new Error('stop'), { code: 'SLUICE_TEST' }));
    await handler.done;
    expect(handler.error?.code).toBe('SLUICE_TEST');
    await eventually(() => expect(raw!.connections[0].closed).toBe(true));
    expect(pool.stats.connected).toBe(0);
  });

  it('a head that cannot be written safely fails with UND_ERR_INVALID_ARG and sends nothing', async () => {
    raw = await RawUpstream.start((connection) => connection.socket.write(OK));
    pool = new LeanPool('127.0.0.1', raw.port);
    const injected = dispatch(pool, { headers: ['x-a', 'v\r\nx-evil: 1'] });
    const badName = dispatch(pool, { headers: ['x a', 'v'] });
    const badPath = dispatch(pool, { path: '/a b' });
    const upgrade = dispatch(pool, { headers: ['upgrade', 'websocket'] });
    const te = dispatch(pool, { method: 'POST', headers: ['transfer-encoding', 'chunked'], body: 'x' });
    for (const handler of [injected, badName, badPath, upgrade, te]) {
      await handler.done;
      expect(handler.events).toEqual(['error UND_ERR_INVALID_ARG']);
    }
    expect(raw.connections.length).toBe(0);
  });

  it('a handler that throws fails its own request and closes only that connection', async () => {
    raw = await RawUpstream.start((connection) => connection.socket.write(OK));
    pool = new LeanPool('127.0.0.1', raw.port);
    const handler = new RecordingHandler();
    handler.onResponseData = () => {
      throw new Error('consumer bug');
    };
    pool.dispatch(getOptions(), handler);
    await handler.done;
    expect(handler.error?.message).toBe('consumer bug');
    const next = dispatch(pool);
    await next.done;
    expect(next.body.toString()).toBe('ok');
    expect(raw.connections.length).toBe(2);
  });
});

describe('lean pool: closing', () => {
  it('close() fails queued requests, lets running ones finish, then refuses new ones', async () => {
    const stalled: (() => void)[] = [];
    raw = await RawUpstream.start((connection) => stalled.push(() => connection.socket.write(OK)));
    pool = new LeanPool('127.0.0.1', raw.port, { connections: 1 });
    const running = dispatch(pool);
    const queued = dispatch(pool);
    await eventually(() => expect(stalled.length).toBe(1));
    const closing = pool.close();
    expect(queued.events).toEqual(['queued', 'error UND_ERR_DESTROYED']);
    stalled[0]();
    await running.done;
    expect(running.body.toString()).toBe('ok');
    await closing;
    expect(pool.stats.connected).toBe(0);
    const late = new RecordingHandler();
    expect(pool.dispatch(getOptions(), late)).toBe(false);
    await late.done;
    expect(late.error?.code).toBe('UND_ERR_DESTROYED');
  });

  it('destroy() fails running requests at once', async () => {
    raw = await RawUpstream.start(() => {});
    pool = new LeanPool('127.0.0.1', raw.port);
    const running = dispatch(pool);
    await eventually(() => expect(running.events).toContain('sent'));
    await pool.destroy();
    expect(running.error?.code).toBe('UND_ERR_DESTROYED');
  });
});
