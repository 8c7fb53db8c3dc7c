import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHandler, makeState, okBackend, recordInto } from '../../test/support/proxy-handler-fixtures.ts';
import type { RequestRecord } from './request-record.ts';
import { chat, echoClient, grpc, say, startGrpcEcho, type GrpcEchoServer } from '../../test/support/grpc-echo.ts';
import { NO_TRAFFIC } from '../routing/no-traffic.ts';
import type { TrafficPolicy } from '../routing/policy-types.ts';
import type { ProxyHandler } from './handler.ts';

function grpcPolicy(): { traffic: TrafficPolicy } {
  const upstream = { protocol: 'grpc', verify: false, serverName: null, sendServerName: false, field: 'test' } as const;
  return { traffic: { ...NO_TRAFFIC, upstream } as TrafficPolicy };
}

describe('edge request path: gRPC (HTTP/2 both hops)', () => {
  let pod: GrpcEchoServer;
  let handler: ProxyHandler;
  let server: http2.Http2Server;
  let target = '';
  const records: RequestRecord[] = [];

  beforeAll(async () => {
    pod = await startGrpcEcho('pod');
    const key = 'default/grpc:50051';
    const state = makeState(
      [
        { host: 'grpc.test', path: '/', backend: key, policy: grpcPolicy() },
        { host: 'down.test', path: '/', backend: 'default/down:1', policy: grpcPolicy() },
      ],
      [okBackend(key, [{ address: '127.0.0.1', port: pod.port }]), okBackend('default/down:1', [])],
    );
    handler = createTestHandler(() => state, {
      timeouts: { connectMs: 1_000, responseHeadersMs: 300, bodyIdleMs: 300, clientBodyMs: 300 },
      onRequestDone: recordInto(records),
    });
    server = http2.createServer((req, res) => handler.handle(req, res, false));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    target = '127.0.0.1:' + (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.close();
    await handler.close();
    await pod.close();
  });

  it('relays a unary call with its trailers', async () => {
    const answer = await say(echoClient(target, 'grpc.test'), 'hi');
    expect(answer.error).toBeNull();
    expect(answer.reply).toBe('pod:hi');
    expect(answer.trailers['x-served-by']).toBe('pod');
    await expect.poll(() => records.at(-1)?.upstreamProtocol).toBe('grpc');
    expect(records.at(-1)).toMatchObject({ protocol: 'h2', status: 200, upstreamStatus: 200 });
  });

  it('relays a pod error (trailers-only answer)', async () => {
    const answer = await say(echoClient(target, 'grpc.test'), 'fail');
    expect(answer.error?.code).toBe(grpc.status.NOT_FOUND);
    expect(answer.error?.details).toBe('no such thing');
  });

  it('answers UNAVAILABLE itself when the backend has no endpoints', async () => {
    const answer = await say(echoClient(target, 'down.test'), 'hi');
    expect(answer.error?.code).toBe(grpc.status.UNAVAILABLE);
  });

  it('keeps a bidi stream open past the HTTP idle timeouts', async () => {
    const stream = chat(echoClient(target, 'grpc.test'));
    const replies: string[] = [];
    stream.on('data', (message: Buffer) => replies.push(message.toString()));
    stream.on('error', () => {});
    const status = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    stream.write(Buffer.from('a'));
    await expect.poll(() => replies.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 900)); // three times the 300 ms timeouts
    stream.write(Buffer.from('b'));
    await expect.poll(() => replies.length).toBe(2);
    stream.end();
    expect((await status).code).toBe(grpc.status.OK);
    expect(replies).toEqual(['pod:a', 'pod:b']);
    await expect.poll(() => pod.calls.at(-1)).toMatchObject({ method: 'Chat', ended: true, cancelled: false });
  });
});
