// Fault scenario (docs/reliability.md fault 7): SIGTERM under load with a long request and a WebSocket in flight. Both
// complete, no connection is refused before /readyz went 503, and the process exits 0.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import type { RunningController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';
import type { Pod } from './support/pods.ts';
import { delay, hostIngress, startScenario, timeUntil, type Scenario } from './fixtures.ts';
import { describeLoad, startLoad, watchReadyz } from './load-support.ts';

let scenario: Scenario;
let pods: Pod[];
let controller: RunningController;

beforeAll(async () => {
  scenario = await startScenario({
    objects: [hostIngress('shop', 'web', 'shop.example', 'web')],
    args: ['--shutdown-grace', '15s'],
  });
  ({ pods, controller } = scenario);
});

afterAll(() => scenario?.close('kill'));

/** Opens a WebSocket through the edge and resolves once it is open. */
function openWebSocket(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${controller.httpPort}/ws`, {
      headers: { host: 'shop.example' },
      handshakeTimeout: 5000,
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function echo(ws: WebSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no echo of ${text} in 5 s`)), 5000);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve(String(data));
    });
    ws.send(text);
  });
}

test('SIGTERM under load: the long request and the WebSocket complete, no refusal before /readyz 503, exit 0', async () => {
  const LONG_MS = 2500;
  const keepAlive = startLoad({
    baseUrl: controller.httpUrl,
    target: { host: 'shop.example' },
    concurrency: 3,
    pauseMs: 2,
    pauseAfterFailureMs: 20,
    timeoutMs: 3000,
  });
  const fresh = startLoad({
    baseUrl: controller.httpUrl,
    target: { host: 'shop.example' },
    concurrency: 2,
    pauseMs: 2,
    pauseAfterFailureMs: 20,
    timeoutMs: 3000,
    newConnectionEachRequest: true,
  });
  const readyz = watchReadyz(controller.adminUrl, 10);
  let ws: WebSocket | null = null;
  try {
    await Promise.all([keepAlive.waitRequests(100), fresh.waitRequests(50)]);
    ws = await openWebSocket();
    expect(await echo(ws, 'before')).toBe('before');
    const longStarted = Date.now();
    const long = edgeRequest(controller.httpUrl, {
      host: 'shop.example',
      path: `/slow?ms=${LONG_MS}`,
      timeoutMs: 10_000,
    });
    // The long request has reached a pod before the signal.
    const podRequests = pods[0].requestCount + pods[1].requestCount;
    await timeUntil('the long request at a pod', async () => pods[0].requestCount + pods[1].requestCount > podRequests);
    await delay(200);

    const signalledAt = Date.now();
    controller.signal('SIGTERM');
    // Half-way through the drain the WebSocket still carries messages both ways, then the client closes it.
    await delay(1000);
    const during = await echo(ws, 'during drain');
    const closed = new Promise<number>((resolve) => ws!.once('close', (code) => resolve(code)));
    ws.close(1000, 'done');
    const closeCode = await closed;
    const longReply = await long;
    const longMs = Date.now() - longStarted;
    const exit = await Promise.race([
      controller.exited,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no exit within 20 s\n${controller.outputTail()}`)), 20_000),
      ),
    ]);
    const exitMs = Date.now() - signalledAt;
    const keepAliveReport = await keepAlive.stop();
    const freshReport = await fresh.stop();
    const samples = await readyz.stop();

    // The controller answered the last 200 after that request was sent: a refusal recorded before then came
    // while it still said ready.
    const last200 = samples.filter((s) => s.status === 200).at(-1)?.sentAt ?? 0;
    const first503 = samples.find((s) => s.status === 503)?.at ?? null;
    console.log(describeLoad('sigterm keep-alive clients', keepAliveReport));
    console.log(describeLoad('sigterm new-connection clients', freshReport));
    console.log(
      `[sigterm] /readyz 503 ${first503 === null ? 'never seen' : `${first503 - signalledAt} ms`} after the signal; first refused request ${
        freshReport.firstFailureAt === null ? 'none' : `${freshReport.firstFailureAt - signalledAt} ms`
      } after; long request ${longReply.status} in ${longMs} ms; WebSocket echoed "${during}" during the drain, closed ${closeCode}; exit code ${exit.code} ${exitMs} ms after the signal`,
    );

    expect(longReply.status).toBe(200);
    expect(longReply.json().path).toBe('/slow');
    expect(during).toBe('during drain');
    expect(closeCode).toBe(1000);
    expect(exit.code).toBe(0);
    expect(exitMs).toBeLessThan(15_000);
    expect(first503).not.toBeNull();
    // Everything before the readiness flip succeeded, on fresh connections and on kept-alive ones.
    for (const report of [freshReport, keepAliveReport]) {
      expect(report.succeeded).toBeGreaterThan(40);
      expect(
        report.firstFailureAt ?? Number.POSITIVE_INFINITY,
        JSON.stringify(report.firstFailures),
      ).toBeGreaterThanOrEqual(last200);
    }
    expect(last200).toBeGreaterThanOrEqual(signalledAt - 100);
  } finally {
    ws?.terminate();
    await keepAlive.stop();
    await fresh.stop();
    await readyz.stop();
  }
}, 40_000);
