// proxy-connect-timeout, proxy-send-timeout, proxy-request-buffering, custom-http-errors and default-backend
// through the real edge, under ingress-nginx's class. Cases after ingress-nginx test/e2e/annotations/proxy.go
// (timeouts, request buffering), customhttperrors.go and default_backend.go, and its custom-errors guide
// (docs/user-guide/custom-errors.md: the headers sent, the error backend's answer unchanged). Runs with both
// upstream clients (vitest.config.ts lists it for the undici project too).
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startBlackHole, type BlackHole } from '../test/support/upstream-black-hole.ts';
import { rawHttp, rawStatus } from './support/http-client.ts';
import { NAMESPACE, nginxIngress, startNginxSite, type NginxSite } from './support/ingress-nginx-site.ts';
import type { EchoReply } from './support/pods.ts';

const base = `127.200.${process.pid % 256}`;
let site: NginxSite;
let blackHole: BlackHole;
let stall: NetServer;
const stalled: Socket[] = [];
let recorder: HttpServer;
/** Requests the recorder saw: when their head arrived, and what they carried. */
const recorded: { at: number; headers: Record<string, string | string[] | undefined>; body: string }[] = [];

function service(name: string, ip: string | null, port: number): object[] {
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NAMESPACE }, spec: { ports: [{ port: 80 }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-abcde`, namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ port, protocol: 'TCP' }],
      endpoints: ip === null ? [] : [{ addresses: [ip], conditions: { ready: true } }],
    },
  ];
}

function web(name: string): { path: string; service: string }[] {
  return [{ path: '/', service: name }];
}

function chunkedHead(host: string): string {
  return `POST /up HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n`;
}

function listen(server: NetServer | HttpServer, ip: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, ip, () => resolve((server.address() as { port: number }).port)));
}

beforeAll(async () => {
  blackHole = await startBlackHole(`${base}.1`);
  // Takes connections and never reads from them: the edge's writes back up.
  stall = createNetServer((socket) => {
    socket.pause();
    stalled.push(socket);
  });
  const stallPort = await listen(stall, `${base}.2`);
  recorder = createHttpServer((request, response) => {
    const entry = { at: performance.now(), headers: request.headers, body: '' };
    recorded.push(entry);
    request.setEncoding('latin1');
    request.on('data', (text: string) => (entry.body += text));
    request.on('end', () => response.end('recorded'));
  });
  const recorderPort = await listen(recorder, `${base}.3`);
  site = await startNginxSite(
    { web: 1, errors: 1 },
    [
      ...service('blackhole', blackHole.ip, blackHole.port),
      ...service('stall', `${base}.2`, stallPort),
      ...service('recorder', `${base}.3`, recorderPort),
      ...service('empty', null, 80),
      nginxIngress('connect', 'connect.example.com', web('blackhole'), { 'proxy-connect-timeout': '1' }),
      nginxIngress('send', 'send.example.com', web('stall'), { 'proxy-send-timeout': '1', 'proxy-body-size': '0' }),
      nginxIngress('slow-client', 'slow-client.example.com', web('web'), { 'proxy-send-timeout': '1' }),
      nginxIngress('buffered', 'buffered.example.com', web('recorder'), {
        'proxy-request-buffering': 'on',
        'proxy-body-size': '1k',
      }),
      nginxIngress('streamed', 'streamed.example.com', web('recorder'), { 'proxy-request-buffering': 'off' }),
      nginxIngress('pages', 'pages.example.com', web('web'), {
        'custom-http-errors': '404,503',
        'default-backend': 'errors',
      }),
      nginxIngress('fallback', 'fallback.example.com', web('empty'), { 'default-backend': 'errors' }),
      nginxIngress('default-backend', 'missing.example.com', web('invalid'), { 'default-backend': 'errors' }),
    ],
    // Without the annotation a connect to the black hole would wait this long.
    ['--upstream-connect-timeout', '30s'],
  );
}, 90_000);

afterAll(async () => {
  await site?.close();
  blackHole?.close();
  for (const socket of stalled) socket.destroy();
  stall?.close();
  recorder?.closeAllConnections();
  recorder?.close();
});

function edgePort(): number {
  return site.controller.httpPort;
}

/** A request written in parts (strings, or pauses in ms); resolves with the raw answer once the edge sends one. */
function sendInParts(parts: readonly (string | number)[], marks: number[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(edgePort(), '127.0.0.1');
    let received = '';
    const done = (): void => {
      socket.destroy();
      resolve(received);
    };
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      received += text;
      if (/\r\n\r\n/.test(received) && complete(received)) done();
    });
    socket.on('close', done);
    socket.on('error', (error) => (received === '' ? reject(error) : done()));
    socket.once('connect', async () => {
      for (const part of parts) {
        if (typeof part === 'number') await new Promise((wake) => setTimeout(wake, part));
        else {
          marks.push(performance.now());
          socket.write(part);
        }
      }
    });
  });
}

function complete(raw: string): boolean {
  const headEnd = raw.indexOf('\r\n\r\n');
  const length = /\r\ncontent-length: (\d+)/i.exec(raw.slice(0, headEnd));
  return length !== null && raw.length - headEnd - 4 >= Number(length[1]);
}

describe('proxy-connect-timeout (ingress-nginx proxy.go "should set valid proxy timeouts")', () => {
  test('an endpoint that never completes the handshake answers 504 after the annotation, not the controller, timeout', async () => {
    const started = performance.now();
    const reply = await site.request('connect.example.com', { timeoutMs: 25_000 });
    const elapsed = performance.now() - started;
    expect(reply.status).toBe(504);
    expect(reply.body).toContain('Gateway Timeout');
    // One second per attempt (the first and its retries on the only endpoint), far below the 30 s flag.
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(15_000);
  }, 30_000);
});

describe('proxy-send-timeout (ingress-nginx proxy.go "should set valid proxy timeouts")', () => {
  test('an upstream that takes none of the body for the timeout gets the request cut: 504', async () => {
    const size = 256 * 1024 * 1024;
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(edgePort(), '127.0.0.1');
      let received = '';
      let stopped = false;
      const chunk = Buffer.alloc(256 * 1024, 0x61);
      const finish = (): void => {
        stopped = true;
        socket.destroy();
        resolve(received);
      };
      const pump = (): void => {
        if (stopped) return;
        while (socket.write(chunk)) {
          // until the socket is full; 'drain' pumps again
        }
      };
      socket.setEncoding('latin1');
      socket.on('data', (text: string) => {
        received += text;
        if (complete(received)) finish();
      });
      socket.on('drain', pump);
      socket.on('close', finish);
      socket.on('error', finish);
      socket.once('connect', () => {
        socket.write(`POST /upload HTTP/1.1\r\nHost: send.example.com\r\nContent-Length: ${size}\r\n\r\n`);
        pump();
      });
    });
    expect(rawStatus(answer)).toBe(504);
  }, 30_000);

  test('a client slower than the timeout is not cut: only the upstream side counts', async () => {
    const head = 'POST /echo HTTP/1.1\r\nHost: slow-client.example.com\r\nTransfer-Encoding: chunked\r\n\r\n';
    const answer = await sendInParts([head, '3\r\nabc\r\n', 1500, '3\r\ndef\r\n', 1500, '0\r\n\r\n']);
    expect(rawStatus(answer)).toBe(200);
    const echo = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as EchoReply;
    expect(echo.bodyLength).toBe(6);
  }, 30_000);
});

describe('proxy-request-buffering (ingress-nginx proxy.go "should turn off proxy-request-buffering")', () => {
  test('"on": the pod gets the request only once the slow client sent all of it, with a Content-Length', async () => {
    const before = recorded.length;
    const marks: number[] = [];
    const answer = await sendInParts(
      [chunkedHead('buffered.example.com'), '5\r\nhello\r\n', 500, '5\r\nworld\r\n0\r\n\r\n'],
      marks,
    );
    expect(rawStatus(answer)).toBe(200);
    expect(recorded.length).toBe(before + 1);
    const seen = recorded[before];
    expect(seen.at).toBeGreaterThanOrEqual(marks[2]);
    expect(seen.body).toBe('helloworld');
    expect(seen.headers['content-length']).toBe('10');
    expect(seen.headers['transfer-encoding']).toBeUndefined();
  });

  test('"off": the pod gets the request while the body is still coming', async () => {
    const before = recorded.length;
    const marks: number[] = [];
    const answer = await sendInParts(
      [chunkedHead('streamed.example.com'), '5\r\nhello\r\n', 500, '5\r\nworld\r\n0\r\n\r\n'],
      marks,
    );
    expect(rawStatus(answer)).toBe(200);
    expect(recorded[before].at).toBeLessThan(marks[2]);
    expect(recorded[before].body).toBe('helloworld');
  });

  test('"on": a chunked body over proxy-body-size gets 413 and the pod never sees it', async () => {
    const before = recorded.length;
    const body = 'x'.repeat(2048);
    const answer = await rawHttp(
      '127.0.0.1',
      edgePort(),
      `${chunkedHead('buffered.example.com')}${(2048).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      { until: complete, timeoutMs: 5000 },
    );
    expect(rawStatus(answer)).toBe(413);
    expect(recorded.length).toBe(before);
  });
});

describe('custom-http-errors + default-backend (customhttperrors.go "configures Nginx correctly when enabled", custom-errors.md)', () => {
  test('a listed status is answered by the default backend, asked on / with the ingress-nginx headers', async () => {
    const reply = await site.request('pages.example.com', {
      path: '/status/404?from=test',
      headers: { accept: 'application/json' },
    });
    // The error backend's own answer reaches the client unchanged (the echo answers 200).
    expect(reply.status).toBe(200);
    const echo = reply.json<EchoReply>();
    expect(echo.service).toBe('errors');
    expect(echo.method).toBe('GET');
    expect(echo.path).toBe('/');
    expect(echo.host).toBe('pages.example.com');
    expect(echo.headers['x-code']).toEqual(['404']);
    expect(echo.headers['x-format']).toEqual(['application/json']);
    expect(echo.headers['x-original-uri']).toEqual(['/status/404?from=test']);
    expect(echo.headers['x-namespace']).toEqual([NAMESPACE]);
    expect(echo.headers['x-ingress-name']).toEqual(['pages']);
    expect(echo.headers['x-service-name']).toEqual(['web']);
    expect(echo.headers['x-service-port']).toEqual(['80']);
    expect(echo.headers['x-request-id']).toEqual([reply.headers['x-request-id']]);
  });

  test('the request method is kept, its body is not sent; an unlisted status passes through', async () => {
    const posted = await site.request('pages.example.com', { method: 'POST', path: '/status/503', body: 'payload' });
    expect(posted.status).toBe(200);
    const echo = posted.json<EchoReply>();
    expect(echo.method).toBe('POST');
    expect(echo.bodyLength).toBe(0);
    expect(echo.headers['x-code']).toEqual(['503']);
    expect(echo.headers['x-format']).toBeUndefined();
    expect((await site.request('pages.example.com', { path: '/status/500' })).status).toBe(500);
    expect((await site.request('pages.example.com', { path: '/fine' })).json<EchoReply>().service).toBe('web');
  });

  test('default-backend answers, as they are, the requests of a route whose Service has no ready endpoints (controller.go)', async () => {
    const reply = await site.request('fallback.example.com', { path: '/some/path?q=1' });
    expect(reply.status).toBe(200);
    const echo = reply.json<EchoReply>();
    expect(echo.service).toBe('errors');
    expect(echo.url).toBe('/some/path?q=1');
    expect(echo.headers['x-code']).toBeUndefined();
  });

  test('default_backend.go "should use a custom default backend as upstream": a missing Service, X-Code 503', async () => {
    const reply = await site.request('missing.example.com', {
      path: '/alma/armud',
      headers: { 'x-request-id': 'something-unique' },
    });
    expect(reply.status).toBe(200);
    const echo = reply.json<EchoReply>();
    expect(echo.service).toBe('errors');
    expect(echo.headers['x-code']).toEqual(['503']);
    expect(echo.headers['x-ingress-name']).toEqual(['default-backend']);
    expect(echo.headers['x-service-name']).toEqual(['invalid']);
    expect(echo.headers['x-original-uri']).toEqual(['/alma/armud']);
    expect(echo.headers['x-request-id']).toEqual(['something-unique']);
  });
});
