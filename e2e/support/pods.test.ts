import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { WebSocket } from 'ws';
import { pollUntil } from '../fixtures.ts';
import { edgeRequest, rawHttp, rawStatus, type EdgeResponse } from './http-client.ts';
import { startPod, startPods, type EchoReply, type Pod } from './pods.ts';

describe('loopback pods', () => {
  const started: Pod[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.kill()));
  });

  it('each pod has its own 127.1.x.y address; a group shares one port', async () => {
    const pods = await startPods(3, { namePrefix: 'web', namespace: 'shop', service: 'web' });
    started.push(...pods);
    expect(new Set(pods.map((p) => p.ip)).size).toBe(3);
    expect(new Set(pods.map((p) => p.port)).size).toBe(1);
    for (const pod of pods) expect(pod.ip).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(pods[0].ip).not.toBe('127.0.0.1');
    const replies = await Promise.all(pods.map((p) => edgeRequest(p.url, { path: '/who' })));
    expect(replies.map((r) => r.json<EchoReply>().pod)).toEqual(['web-0', 'web-1', 'web-2']);
  });

  it('echoes method, path, host, headers and body length as JSON', async () => {
    const pod = await startPod({ name: 'echo', namespace: 'ns', service: 'svc' });
    started.push(pod);
    const reply = await edgeRequest(pod.url, {
      method: 'POST',
      path: '/a/b?x=1',
      host: 'app.example',
      headers: { 'x-test': ['one', 'two'] },
      body: 'hello',
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-pod-name']).toBe('echo');
    const echo = reply.json<EchoReply>();
    expect(echo).toMatchObject({
      pod: 'echo',
      namespace: 'ns',
      service: 'svc',
      method: 'POST',
      url: '/a/b?x=1',
      path: '/a/b',
      host: 'app.example',
      proto: 'HTTP/1.1',
      bodyLength: 5,
    });
    expect(echo.headers['x-test']).toEqual(['one', 'two']);
    expect(pod.requestCount).toBe(1);
  });

  it('serves /status/CODE, /bytes/N and /slow', async () => {
    const pod = await startPod();
    started.push(pod);
    expect((await edgeRequest(pod.url, { path: '/status/503' })).status).toBe(503);
    expect((await edgeRequest(pod.url, { path: '/status/204' })).status).toBe(204);
    const bytes = await edgeRequest(pod.url, { path: '/bytes/200000' });
    expect(bytes.body.length).toBe(200_000);
    const started_at = performance.now();
    const slow = await edgeRequest(pod.url, { path: '/slow?ms=100' });
    expect(slow.status).toBe(200);
    expect(performance.now() - started_at).toBeGreaterThanOrEqual(95);
  });

  it('echoes WebSocket messages on /ws', async () => {
    const pod = await startPod({ name: 'ws-pod' });
    started.push(pod);
    const socket = new WebSocket(`ws://${pod.ip}:${pod.port}/ws`);
    let podName: string | undefined;
    socket.on('upgrade', (response) => {
      podName = response.headers['x-pod-name'] as string | undefined;
    });
    await new Promise((resolve, reject) => {
      socket.on('open', resolve);
      socket.on('error', reject);
    });
    expect(podName).toBe('ws-pod');
    const echoed = new Promise<string>((resolve) => socket.on('message', (data) => resolve(String(data))));
    socket.send('ping-1');
    expect(await echoed).toBe('ping-1');
    socket.close();
  });

  it('refuses connections after stop(), and accepts again after restart()', async () => {
    const pod = await startPod();
    started.push(pod);
    expect((await edgeRequest(pod.url)).status).toBe(200);
    await pod.stop();
    await expect(rawHttp(pod.ip, pod.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await pod.restart();
    const text = await rawHttp(pod.ip, pod.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(rawStatus(text)).toBe(200);
  });

  it('stop() closes a kept-alive connection after the answer in flight, even while a client keeps using it', async () => {
    // Node's server.close() leaves a busy keep-alive connection serving (and close() unresolved) as long as requests
    // keep coming on it: a "stopped" pod under load answered for ever (the refusing-endpoint fault test hung).
    const pod = await startPod();
    started.push(pod);
    const agent = new Agent({ connections: 1, pipelining: 1 });
    try {
      const inFlight = request(`${pod.url}/slow?ms=300`, { dispatcher: agent });
      await pollUntil(
        'the slow request in flight',
        () => pod.requestCount,
        (count) => count === 1,
      );
      const stopped = pod.stop();
      const answer = await inFlight;
      expect(answer.statusCode).toBe(200);
      expect(answer.headers.connection).toBe('close');
      await answer.body.text();
      const next = await request(pod.url, { dispatcher: agent }).catch((error: Error & { code?: string }) => error);
      expect(next).toMatchObject({ code: 'ECONNREFUSED' });
      await stopped;
      expect(pod.requestCount).toBe(1);
    } finally {
      await agent.close();
    }
  });

  it('kill() drops requests in flight', async () => {
    const pod = await startPod();
    started.push(pod);
    const inFlight: Promise<EdgeResponse | Error> = edgeRequest(pod.url, { path: '/slow?ms=5000' }).catch(
      (e: Error) => e,
    );
    const deadline = Date.now() + 2000;
    while (pod.requestCount === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await pod.kill();
    expect(await inFlight).toBeInstanceOf(Error);
  });
});
