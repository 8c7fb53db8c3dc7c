/**
 * WebSocket through the real binary: the upgrade is proxied over HTTP and HTTPS (SNI) to the routed pod, messages
 * echo both ways (text and binary), and a routing-table change during an open WebSocket does not cut it.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiEmulator } from './support/api-emulator.ts';
import type { RunningController } from './support/controller.ts';
import {
  conformancePath as pathRule,
  ingress,
  selfSignedFor,
  startConformance,
  tableHosts,
  tlsSecret,
  waitRoutes,
  type Scenario,
} from './fixtures.ts';

const NS = 'conformance-websocket';

let scenario: Scenario;
let api: ApiEmulator;
let controller: RunningController;

beforeAll(async () => {
  scenario = await startConformance(NS, { chat: 2, other: 1 }, [
    tlsSecret(NS, 'chat-tls', await selfSignedFor(['chat-tls.example'])),
    ingress(NS, 'chat', {
      tls: [{ hosts: ['chat-tls.example'], secretName: 'chat-tls' }],
      rules: [
        { host: 'chat.example', http: { paths: [pathRule('/ws', 'Prefix', 'chat')] } },
        { host: 'chat-tls.example', http: { paths: [pathRule('/ws', 'Prefix', 'chat')] } },
      ],
    }),
  ]);
  ({ api, controller } = scenario);
});

afterAll(() => scenario?.close());

interface OpenSocket {
  socket: WebSocket;
  pod: string;
  /** Sends `data` and resolves with the next message. */
  roundTrip(data: string | Buffer): Promise<{ data: Buffer; isBinary: boolean }>;
}

function openWebSocket(url: string, host: string, servername?: string): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: { host },
      ...(servername === undefined ? {} : { servername, rejectUnauthorized: false }),
      handshakeTimeout: 5000,
    });
    let pod = '';
    socket.once('upgrade', (response: IncomingMessage) => {
      pod = String(response.headers['x-pod-name'] ?? '');
    });
    socket.once('unexpected-response', (_request, response: IncomingMessage) => {
      reject(new Error(`upgrade answered ${response.statusCode}`));
    });
    socket.once('error', reject);
    socket.once('open', () => {
      socket.off('error', reject);
      resolve({
        socket,
        pod,
        roundTrip(data) {
          return new Promise((done, fail) => {
            const timer = setTimeout(() => fail(new Error('no echo within 5 s')), 5000);
            socket.once('message', (message: Buffer, isBinary: boolean) => {
              clearTimeout(timer);
              done({ data: message, isBinary });
            });
            socket.send(data);
          });
        },
      });
    });
  });
}

function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) resolve(-1);
    else socket.once('close', (code: number) => resolve(code));
  });
}

describe('WebSocket through the edge', () => {
  it('ws:// upgrade reaches a chat pod and echoes text and binary messages', async () => {
    const ws = await openWebSocket(`ws://127.0.0.1:${controller.httpPort}/ws`, 'chat.example');
    expect(['chat-0', 'chat-1']).toContain(ws.pod);
    const text = await ws.roundTrip('hello through sluice');
    expect(text.isBinary).toBe(false);
    expect(text.data.toString()).toBe('hello through sluice');
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    const binary = await ws.roundTrip(bytes);
    expect(binary.isBinary).toBe(true);
    expect(Buffer.compare(binary.data, bytes)).toBe(0);
    ws.socket.close(1000, 'done');
    expect(await closed(ws.socket)).toBe(1000);
  });

  it('wss:// upgrade with SNI reaches a chat pod and echoes', async () => {
    const ws = await openWebSocket(
      `wss://127.0.0.1:${controller.httpsPort}/ws`,
      'chat-tls.example',
      'chat-tls.example',
    );
    expect(['chat-0', 'chat-1']).toContain(ws.pod);
    expect((await ws.roundTrip('secure hello')).data.toString()).toBe('secure hello');
    ws.socket.close(1000);
    expect(await closed(ws.socket)).toBe(1000);
  });

  it('an upgrade for a host with no route is refused with 404', async () => {
    await expect(openWebSocket(`ws://127.0.0.1:${controller.httpPort}/ws`, 'nobody.example')).rejects.toThrow(/404/);
  });

  it('a table change during an open WebSocket leaves it open', async () => {
    const ws = await openWebSocket(`ws://127.0.0.1:${controller.httpPort}/ws`, 'chat.example');
    expect((await ws.roundTrip('before')).data.toString()).toBe('before');
    const before = (await controller.status()).generation;
    api.apply(
      ingress(NS, 'another', {
        rules: [{ host: 'another.example', http: { paths: [pathRule('/', 'Prefix', 'other')] } }],
      }),
    );
    await waitRoutes(controller, (r) => tableHosts(r).includes('another.example'), 'another.example in the table');
    const after = (await controller.status()).generation;
    console.log(`websocket: table generation ${before} → ${after} while the socket stayed open`);
    expect(after).toBeGreaterThan(before);
    expect(ws.socket.readyState).toBe(WebSocket.OPEN);
    for (let i = 0; i < 20; i++) expect((await ws.roundTrip(`after ${i}`)).data.toString()).toBe(`after ${i}`);
    ws.socket.close(1000);
    expect(await closed(ws.socket)).toBe(1000);
  });
});
