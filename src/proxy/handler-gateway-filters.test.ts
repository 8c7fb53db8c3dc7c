// Gateway API filters the edge executes, through the real handler on loopback sockets with either upstream
// client: URLRewrite path, ResponseHeaderModifier add, RequestMirror, timeouts.request. The e2e ports of the
// upstream conformance tests (e2e/gateway-conformance.test.ts) check the same against the binary.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  echoUpstream,
  json,
  makeState,
  okBackend,
  send,
  startEdge,
  startUpstream,
  type Edge,
  type Upstream,
} from '../../test/support/proxy-handler-fixtures.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import type { GatewayRouteData, Mirror } from '../routing/gateway/route-data.ts';
import { NO_TRAFFIC } from '../routing/no-traffic.ts';
import type { PathRewrite } from '../routing/policy-types.ts';
import { MIRROR_LAG_MAX_BYTES } from './pipeline/mirror.ts';

const MAIN = 'infra/main:8080';
const COPY = 'infra/copy:8080';
const DEAD = 'infra/dead:8080';

function gateway(extra: Partial<GatewayRouteData>): GatewayRouteData {
  return {
    rule: 'HTTPRoute infra/r spec.rules[0]',
    backends: [{ backend: MAIN, weight: 1, field: 'spec.rules[0].backendRefs[0]' }],
    totalWeight: 1,
    redirect: null,
    rewritePath: null,
    mirrors: [],
    requestTimeoutMs: null,
    grpc: false,
    ...extra,
  };
}

const upstreamPathOf = async (edge: Edge, path: string) =>
  json(await send(edge.port, { path, headers: { host: 'rw.test' } })).url;
const mirrorTo = (backend: string): Mirror => ({ backend, percent: 100, field: 'spec.rules[0].filters[0]' });
const rewrite = (target: string, replace: PathRewrite['replace']) => ({
  traffic: { ...NO_TRAFFIC, rewrite: { target, replace, field: 'spec.rules[0].filters[0].urlRewrite.path' } },
});

interface Seen {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('Gateway API filters at the edge', () => {
  let main: Upstream;
  let copy: Upstream;
  const copies: Seen[] = [];
  const held: import('node:http').ServerResponse[] = [];
  const release = () => {
    for (const res of held.splice(0)) res.writeHead(500).end('mirror answer');
  };
  let edge: Edge;

  beforeAll(async () => {
    main = await echoUpstream('127.0.0.2', 'main');
    copy = await startUpstream('127.0.0.3', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        copies.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        // Answered (with a 500) only when the test releases it: the main request must not wait for it.
        held.push(res);
      });
    });
    const dead = await closedPort('127.0.0.4');
    edge = await startEdge(
      makeState(
        [
          {
            host: 'rw.test',
            path: '/prefix/one',
            backend: MAIN,
            policy: rewrite('/one', { kind: 'prefix', matched: '/prefix/one' }),
          },
          {
            host: 'rw.test',
            path: '/strip',
            backend: MAIN,
            policy: rewrite('/', { kind: 'prefix', matched: '/strip' }),
          },
          { host: 'rw.test', path: '/full', backend: MAIN, policy: rewrite('/one', { kind: 'full' }) },
          {
            host: 'add.test',
            path: '/',
            backend: MAIN,
            policy: {
              traffic: {
                ...NO_TRAFFIC,
                responseHeaders: { set: [], remove: [], add: [['x-header-add', 'added']], field: 'f' },
              },
            },
          },
          {
            host: 'mirror.test',
            path: '/',
            backend: MAIN,
            gateway: gateway({ mirrors: [mirrorTo(COPY), mirrorTo(DEAD)] }),
          },
        ],
        [okBackend(MAIN, [main]), okBackend(COPY, [copy]), okBackend(DEAD, [{ address: '127.0.0.4', port: dead }])],
      ),
    );
  });

  afterAll(async () => {
    release();
    await edge.close();
    await main.close();
    await copy.close();
  });

  // conformance/tests/httproute-rewrite-path.go
  it('replaces the matched prefix or the full path, keeping the query', async () => {
    expect(await upstreamPathOf(edge, '/prefix/one/two?a=b')).toBe('/one/two?a=b');
    expect(await upstreamPathOf(edge, '/prefix/one')).toBe('/one');
    expect(await upstreamPathOf(edge, '/strip/three')).toBe('/three');
    expect(await upstreamPathOf(edge, '/strip')).toBe('/');
    expect(await upstreamPathOf(edge, '/strip/')).toBe('/');
    expect(await upstreamPathOf(edge, '/full/any/thing?x=1')).toBe('/one?x=1');
  });

  // conformance/tests/httproute-response-header-modifier.go: add appends a line to the upstream's own.
  it('adds a response header line after the one the upstream sent', async () => {
    const reply = await send(edge.port, { headers: { host: 'add.test' } });
    expect(reply.headers['x-header-add']).toBe('added');
    const both = await startUpstream('127.0.0.5', (_req, res) => {
      res.setHeader('X-Header-Add', 'original');
      res.end('ok');
    });
    const before = edge.state;
    try {
      edge.state = makeState(
        [
          {
            host: 'add.test',
            path: '/',
            backend: MAIN,
            policy: {
              traffic: {
                ...NO_TRAFFIC,
                responseHeaders: { set: [], remove: [], add: [['x-header-add', 'added']], field: 'f' },
              },
            },
          },
        ],
        [okBackend(MAIN, [both])],
      );
      const appended = await send(edge.port, { headers: { host: 'add.test' } });
      const lines = appended.rawHeaders.filter(
        (_v, i) => i % 2 === 1 && appended.rawHeaders[i - 1].toLowerCase() === 'x-header-add',
      );
      expect(lines).toEqual(['original', 'added']);
    } finally {
      edge.state = before;
      await both.close();
    }
  });

  // conformance/tests/httproute-request-mirror.go, -multiple-mirrors.go: the copy goes out, its answer is
  // discarded, a failing mirror (refused connection, an unanswered then 500 one) changes nothing for the client.
  it('mirrors a request as forwarded, without waiting for or failing with the mirror', async () => {
    copies.length = 0;
    const reply = await send(edge.port, { path: '/m?id=1', headers: { host: 'mirror.test', 'x-trace': 't1' } });
    // The mirror has not answered yet (it answers on release()), the client has its answer.
    expect(reply.status).toBe(200);
    expect(json(reply).name).toBe('main');
    await waitFor(() => copies.length === 1);
    release();
    expect(copies[0].url).toBe('/m?id=1');
    expect(copies[0].headers['x-trace']).toBe('t1');
    expect(copies[0].headers.host).toBe('mirror.test');
  });

  it('mirrors the body as the main request sends it, declared or chunked', async () => {
    copies.length = 0;
    const posted = await send(edge.port, {
      method: 'POST',
      path: '/declared',
      body: 'hello',
      headers: { host: 'mirror.test', 'content-length': '5' },
    });
    expect(json(posted).body).toBe('hello');
    await waitFor(() => copies.length === 1);
    release();
    expect(copies[0].body).toBe('hello');
    const chunked = await send(edge.port, {
      method: 'POST',
      path: '/chunked',
      body: 'abc',
      headers: { host: 'mirror.test', 'transfer-encoding': 'chunked' },
    });
    expect(json(chunked).body).toBe('abc');
    await waitFor(() => copies.length === 2);
    release();
    expect(copies[1]).toMatchObject({ url: '/chunked', body: 'abc' });
  });

  it('never holds the main request back for a mirror that does not read the body', async () => {
    const stuck = await startUpstream('127.0.0.7', (req) => {
      req.pause(); // never reads the body, never answers
    });
    const before = edge.state;
    try {
      edge.state = makeState(
        [{ host: 'mirror.test', path: '/', backend: MAIN, gateway: gateway({ mirrors: [mirrorTo(COPY)] }) }],
        [okBackend(MAIN, [main]), okBackend(COPY, [stuck])],
      );
      // Far more than the lag bound plus what the sockets buffer.
      const body = 'y'.repeat(32 * MIRROR_LAG_MAX_BYTES * 4);
      const reply = await send(edge.port, {
        method: 'POST',
        path: '/big',
        body,
        headers: { host: 'mirror.test', 'content-length': String(body.length) },
      });
      expect(reply.status).toBe(200);
      expect(json(reply).body.length).toBe(body.length);
    } finally {
      edge.state = before;
      await stuck.close();
    }
  });

  // conformance/tests/httproute-request-header-modifier-backend-weights.go, with a single backendRef.
  it("applies a lone backendRef's own header edits", async () => {
    const before = edge.state;
    try {
      const edits = { set: [['backend', 'main']] as [string, string][], remove: [], field: 'f' };
      edge.state = makeState(
        [
          {
            host: 'share.test',
            path: '/',
            backend: MAIN,
            gateway: gateway({ backends: [{ backend: MAIN, weight: 1, field: 'b', requestHeaders: edits }] }),
          },
        ],
        [okBackend(MAIN, [main])],
      );
      const reply = await send(edge.port, { headers: { host: 'share.test' } });
      expect(json(reply).headers.backend).toBe('main');
    } finally {
      edge.state = before;
    }
  });

  // conformance/tests/httproute-timeout-request.go: the whole request within timeouts.request, else 504.
  it('answers 504 when the whole request outlives timeouts.request, and the answer when it does not', async () => {
    const slow = await startUpstream('127.0.0.6', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const ms = Number(url.searchParams.get('ms') ?? '0');
      // ?stall: the head and a first chunk at once, the rest never.
      if (url.searchParams.has('stall')) res.write('first');
      else setTimeout(() => res.end('done'), ms);
    });
    const before = edge.state;
    try {
      edge.state = makeState(
        [{ host: 'deadline.test', path: '/', backend: MAIN, gateway: gateway({ requestTimeoutMs: 300 }) }],
        [okBackend(MAIN, [slow])],
      );
      const late = await send(edge.port, { path: '/?ms=1000', headers: { host: 'deadline.test' } });
      expect(late.status).toBe(504);
      // Once the answer has started, the deadline can only cut it short.
      await expect(send(edge.port, { path: '/?stall', headers: { host: 'deadline.test' } })).rejects.toThrow();
      const timely = await send(edge.port, { path: '/?ms=0', headers: { host: 'deadline.test' } });
      expect(timely.status).toBe(200);
      expect(timely.body.toString()).toBe('done');
    } finally {
      edge.state = before;
      await slow.close();
    }
  });
});
