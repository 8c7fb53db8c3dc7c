import http, { type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  echoUpstream,
  json,
  send,
  singleRouteState,
  startEdge,
  startUpstream,
  type Edge,
  type Upstream,
} from '../../test/support/proxy-handler-fixtures.ts';
import { waitFor } from '../../test/support/wait-for.ts';

/** The backend of singleRouteState. */
const KEY = 'default/app:80';

describe('edge request path: balancing, retries, passive health', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const track = <T extends Upstream | Edge>(thing: T): T => {
    cleanups.push(() => thing.close());
    return thing;
  };

  it('round robin: 100 requests over 10 endpoints reach all 10, evenly', async () => {
    const upstreams: Upstream[] = [];
    for (let i = 0; i < 10; i++) upstreams.push(track(await echoUpstream(`127.0.0.${10 + i}`, `pod-${i}`)));
    const edge = track(await startEdge(singleRouteState(upstreams)));
    const seen = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      const name = json(await send(edge.port)).name;
      seen.set(name, (seen.get(name) ?? 0) + 1);
    }
    expect(seen.size).toBe(10);
    for (const count of seen.values()) expect(count).toBe(10);
  });

  it('keeps its rotation across table generations and follows endpoint changes', async () => {
    const upstreams: Upstream[] = [];
    for (let i = 0; i < 4; i++) upstreams.push(track(await echoUpstream(`127.0.0.${30 + i}`, `pod-${i}`)));
    const edge = track(await startEdge(singleRouteState(upstreams.slice(0, 3))));
    const names: string[] = [];
    for (let i = 0; i < 2; i++) names.push(json(await send(edge.port)).name);
    // A new generation with the same three endpoints: the rotation continues where it was.
    edge.state = singleRouteState(upstreams.slice(0, 3));
    names.push(json(await send(edge.port)).name);
    expect(names).toEqual(['pod-0', 'pod-1', 'pod-2']);
    // A fourth endpoint appears: it receives traffic within one rotation.
    edge.state = singleRouteState(upstreams);
    const after = new Set<string>();
    for (let i = 0; i < 4; i++) after.add(json(await send(edge.port)).name);
    expect(after).toEqual(new Set(['pod-0', 'pod-1', 'pod-2', 'pod-3']));
    // An endpoint removed from the table gets nothing more.
    edge.state = singleRouteState(upstreams.slice(1));
    const before = upstreams[0].count;
    for (let i = 0; i < 6; i++) await send(edge.port);
    expect(upstreams[0].count).toBe(before);
  });

  it('least-request sends new requests away from an endpoint holding many in flight', async () => {
    const held: ServerResponse[] = [];
    const slow = track(
      await startUpstream('127.0.0.40', (req, res) => {
        req.resume();
        held.push(res);
      }),
    );
    const fast = track(await echoUpstream('127.0.0.41', 'fast'));
    const edge = track(await startEdge(singleRouteState([slow, fast]), { balancer: 'least-request' }));
    // Requests that park on the slow endpoint keep their in-flight count up.
    const parked: http.ClientRequest[] = [];
    for (let i = 0; i < 20; i++) {
      const req = http.request({
        host: '127.0.0.1',
        port: edge.port,
        path: '/',
        headers: { host: 'app.test' },
        agent: false,
      });
      req.on('error', () => undefined);
      req.on('response', (res) => res.resume());
      req.end();
      parked.push(req);
      await waitFor(() => slow.count + fast.count === i + 1);
    }
    // With two endpoints both choices are always compared: at most the first tie lands on slow.
    expect(slow.count).toBeLessThanOrEqual(1);
    expect(fast.count).toBeGreaterThanOrEqual(19);
    const stats = edge.handler.stats();
    expect(stats.balancer).toBe('least-request');
    const slowStats = stats.backends[KEY].find((e) => e.address === '127.0.0.40')!;
    expect(slowStats.inFlight).toBe(slow.count);
    for (const res of held) res.end('late');
    for (const req of parked) req.destroy();
  });

  it('retries a request that never reached an upstream on another endpoint, POST with a body too', async () => {
    const live = [track(await echoUpstream('127.0.0.50', 'a')), track(await echoUpstream('127.0.0.51', 'b'))];
    const dead = { address: '127.0.0.52', port: await closedPort('127.0.0.52') };
    const edge = track(
      await startEdge(singleRouteState([live[0], dead, live[1]]), {
        passiveHealth: { baseEjectMs: 60_000, maxEjectMs: 60_000 },
      }),
    );
    for (let i = 0; i < 9; i++) {
      const reply = await send(edge.port, {
        method: 'POST',
        body: `payload-${i}`,
        headers: { host: 'app.test', 'content-type': 'text/plain' },
      });
      expect(reply.status).toBe(200);
      expect(json(reply).body).toBe(`payload-${i}`);
    }
    await waitFor(() => edge.records.length === 9);
    const retried = edge.records.filter((r) => r.retries > 0);
    expect(retried).toHaveLength(1);
    expect(retried[0].error).toBe('');
    // Ejected after refusing: it is skipped without further retries and shows in the stats.
    const deadStats = edge.handler.stats().backends[KEY].find((e) => e.address === '127.0.0.52')!;
    expect(deadStats.failures).toBe(1);
    expect(deadStats.ejectedUntil).not.toBeNull();
  });

  it('bounds retries by maxTries and answers 502 when every endpoint refuses', async () => {
    const dead = [];
    for (let i = 0; i < 3; i++)
      dead.push({ address: `127.0.0.${60 + i}`, port: await closedPort(`127.0.0.${60 + i}`) });
    const edge = track(await startEdge(singleRouteState(dead), { retry: { maxTries: 2, budgetMs: 5_000 } }));
    const reply = await send(edge.port, { method: 'POST', body: 'x' });
    expect(reply.status).toBe(502);
    await waitFor(() => edge.records.length === 1);
    expect(edge.records[0]).toMatchObject({ retries: 1, error: 'connect-refused', status: 502 });
  });

  it('ejects a refusing endpoint with backoff and takes it back once it answers again', async () => {
    const live = track(await echoUpstream('127.0.0.70', 'live'));
    const deadAddress = '127.0.0.71';
    const deadPort = await closedPort(deadAddress);
    const edge = track(
      await startEdge(singleRouteState([live, { address: deadAddress, port: deadPort }]), {
        passiveHealth: { baseEjectMs: 150, maxEjectMs: 1_000 },
      }),
    );
    await send(edge.port);
    await send(edge.port);
    const ejected = edge.handler.stats().backends[KEY].find((e) => e.address === deadAddress)!;
    expect(ejected.failures).toBeGreaterThanOrEqual(1);
    expect(ejected.ejectedUntil).not.toBeNull();

    // The pod comes back on the same address: real traffic probes it after the backoff.
    const revived = track(await reviveOn(deadAddress, deadPort));
    const deadline = Date.now() + 10_000;
    while (revived.count === 0 && Date.now() < deadline) expect((await send(edge.port)).status).toBe(200);
    expect(revived.count).toBe(1);
    const recovered = edge.handler.stats().backends[KEY].find((e) => e.address === deadAddress)!;
    expect(recovered.failures).toBe(0);
    expect(recovered.ejectedUntil).toBeNull();
  });

  it('still tries an endpoint when every one is ejected', async () => {
    const address = '127.0.0.80';
    const port = await closedPort(address);
    const edge = track(
      await startEdge(singleRouteState([{ address, port }]), {
        passiveHealth: { baseEjectMs: 60_000, maxEjectMs: 60_000 },
        retry: { maxTries: 1, budgetMs: 1_000 },
      }),
    );
    expect((await send(edge.port)).status).toBe(502);
    const revived = track(await reviveOn(address, port));
    const reply = await send(edge.port);
    expect(reply.status).toBe(200);
    expect(revived.count).toBe(1);
  });

  it('retries an idempotent request reset before any response byte, but not a POST with a body', async () => {
    let resets = 0;
    const flaky = track(
      await startUpstream('127.0.0.90', (req, res) => {
        if (req.headers['x-reset'] === 'always' || resets === 0) {
          resets++;
          req.socket.destroy();
          return;
        }
        req.resume();
        res.end('recovered');
      }),
    );
    const edge = track(await startEdge(singleRouteState([flaky])));
    const get = await send(edge.port);
    expect(get.status).toBe(200);
    expect(get.body.toString()).toBe('recovered');
    expect(resets).toBe(1);
    const post = await send(edge.port, {
      method: 'POST',
      body: 'not twice',
      headers: { host: 'app.test', 'x-reset': 'always' },
    });
    expect(post.status).toBe(502);
    expect(resets).toBe(2);
    await waitFor(() => edge.records.length === 2);
    expect(edge.records[0].retries).toBe(1);
    expect(edge.records[1]).toMatchObject({ retries: 0, error: 'reset' });
  });
});

async function reviveOn(address: string, port: number): Promise<Upstream> {
  const server = http.createServer();
  const upstream = {
    server,
    address,
    port,
    count: 0,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  server.on('request', (req, res) => {
    upstream.count++;
    req.resume();
    res.end(JSON.stringify({ name: 'revived' }));
  });
  await new Promise<void>((resolve) => server.listen(port, address, resolve));
  return upstream;
}
