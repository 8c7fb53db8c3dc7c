import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  echoUpstream,
  json,
  makeState,
  okBackend,
  send,
  upstreamClientFromEnv,
  type Upstream,
} from '../../../test/support/proxy-handler-fixtures.ts';
import type { BackendEndpoints } from '../../routing/types.ts';
import { silentLogger } from '../../util/logger.ts';
import { createEdgeContext } from '../handler.ts';
import type { RequestRecord } from '../request-record.ts';
import { watchClient } from './client-side.ts';
import { Exchange } from './exchange.ts';
import { prepare } from './prepare.ts';
import {
  ANSWERED,
  CONTINUE,
  type RequestStep,
  type ResponseHead,
  type ResponseStep,
  type StepExchange,
  type StepOutcome,
} from './steps.ts';
import { startForward } from './upstream-attempt.ts';

// The step contract (steps.ts) as a policy would use it: test steps run between the preparation and the
// upstream attempt, as compiled route steps do, over real loopback sockets.

class DenyStep implements RequestStep {
  readonly name = 'deny';
  apply(exchange: StepExchange): StepOutcome {
    if (exchange.header('x-let-me-in') !== null) return CONTINUE;
    exchange.addResponseHeader('www-authenticate', 'Basic realm="t"');
    exchange.answerError(401, 'no credentials');
    return ANSWERED;
  }
}

class MovedStep implements RequestStep {
  readonly name = 'moved';
  apply(exchange: StepExchange): StepOutcome {
    if (exchange.path !== '/old') return CONTINUE;
    exchange.answer(301, ['location', '/new' + exchange.query], null);
    return ANSWERED;
  }
}

class RewriteStep implements RequestStep {
  readonly name = 'rewrite';
  apply(exchange: StepExchange): StepOutcome {
    exchange.setUpstreamPath('/v2' + exchange.path + exchange.query);
    exchange.setUpstreamHost('internal.test');
    exchange.headers.push('x-client', exchange.clientAddress + (exchange.tls ? ' tls' : ' plain'));
    exchange.addResponseHeader('x-rewritten', '1');
    return CONTINUE;
  }
}

class CanaryStep implements RequestStep {
  readonly name = 'canary';
  readonly backend: BackendEndpoints;
  constructor(backend: BackendEndpoints) {
    this.backend = backend;
  }
  apply(exchange: StepExchange): StepOutcome {
    if (exchange.header('x-canary') === 'always') exchange.useBackend(this.backend);
    return CONTINUE;
  }
}

class StampResponse implements ResponseStep {
  readonly name = 'stamp';
  apply(exchange: StepExchange, head: ResponseHead): void {
    head.headers.push('x-stamp', exchange.method + ' ' + exchange.path);
    if (head.status === 200 && exchange.header('x-make-it') === '203') head.status = 203;
  }
}

let stable: Upstream;
let canary: Upstream;
let server: http.Server;
let port: number;
const records: RequestRecord[] = [];

beforeAll(async () => {
  stable = await echoUpstream('127.0.0.1', 'stable');
  canary = await echoUpstream('127.0.0.1', 'canary');
  const canaryBackend = okBackend('default/canary:80', [canary]);
  const state = makeState(
    [{ host: 'app.test', path: '/', backend: 'default/app:80' }],
    [okBackend('default/app:80', [stable]), canaryBackend],
  );
  const context = createEdgeContext({
    getState: () => state,
    trustedProxies: [],
    balancer: 'round-robin',
    timeouts: { connectMs: 2_000, responseHeadersMs: 5_000, bodyIdleMs: 5_000 },
    retry: { maxTries: 2, budgetMs: 5_000 },
    maxBodyBytes: null,
    httpsPort: 443,
    onRequestDone: (record) => records.push({ ...record }),
    log: silentLogger,
    upstreamClient: upstreamClientFromEnv(),
  });
  const steps: RequestStep[] = [new DenyStep(), new MovedStep(), new RewriteStep(), new CanaryStep(canaryBackend)];
  const responseSteps: ResponseStep[] = [new StampResponse()];
  server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const exchange = new Exchange(context, req, res, false);
    watchClient(exchange, res);
    if (!prepare(exchange)) return;
    for (const step of steps) if (step.apply(exchange) === ANSWERED) return;
    const decision = exchange.route;
    exchange.route = { ...decision, route: { ...decision.route, responseSteps } };
    startForward(exchange);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await stable.close();
  await canary.close();
});

describe('request steps', () => {
  it('a step answering with an edge error ends the chain: nothing goes upstream, its response header stays', async () => {
    const before = stable.count + canary.count;
    const reply = await send(port, { headers: { host: 'app.test' } });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Basic realm="t"');
    expect(reply.body.toString()).toContain('no credentials');
    expect(reply.body.toString()).toContain('request-id: ' + reply.headers['x-request-id']);
    expect(stable.count + canary.count).toBe(before);
  });

  it('a step answering with its own response: status, headers, empty body', async () => {
    const reply = await send(port, { path: '/old?a=1', headers: { host: 'app.test', 'x-let-me-in': '1' } });
    expect(reply.status).toBe(301);
    expect(reply.headers.location).toBe('/new?a=1');
    expect(reply.headers['content-length']).toBe('0');
    expect(reply.headers.server).toBe('sluice');
  });

  it('rewrites path, host and headers sent upstream; adds response headers; response steps edit the head', async () => {
    const reply = await send(port, {
      path: '/p?q=2',
      headers: { host: 'app.test', 'x-let-me-in': '1', 'x-make-it': '203' },
    });
    expect(reply.status).toBe(203);
    const seen = json(reply);
    expect(seen.name).toBe('stable');
    expect(seen.url).toBe('/v2/p?q=2');
    expect(seen.headers.host).toBe('internal.test');
    expect(seen.headers['x-client']).toBe('127.0.0.1 plain');
    expect(reply.headers['x-rewritten']).toBe('1');
    expect(reply.headers['x-stamp']).toBe('GET /p');
  });

  it('useBackend sends the request to another backend, and the record says so', async () => {
    const reply = await send(port, { headers: { host: 'app.test', 'x-let-me-in': '1', 'x-canary': 'always' } });
    expect(json(reply).name).toBe('canary');
    await expect.poll(() => records.at(-1)?.backend).toBe('default/canary:80');
  });
});
