/**
 * gRPC end to end through the real binary (@grpc/grpc-js as client and server): HTTPS port with ALPN h2 →
 * h2c (backend-protocol GRPC), h2 over TLS (GRPCS) and appProtocol kubernetes.io/h2c pods. Unary and
 * bidi-streaming calls, trailers passed through, a client cancel reaches the pod, streams outlive the HTTP idle
 * timeouts, and the edge's own errors are gRPC answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chat, echoClient, grpc, say, startGrpcEcho, type GrpcEchoServer } from '../test/support/grpc-echo.ts';
import { writeBackend } from './support/endpoint-slices.ts';
import { delay, ingress, pollUntil, type Scenario, selfSignedFor, startScenario, tlsSecret } from './fixtures.ts';

const NS = 'grpc';
const HOSTS = ['plain.grpc.example', 'secure.grpc.example', 'app.grpc.example', 'down.grpc.example'];
/** No TLS for it: served on the plain port (h2c prior knowledge from the client). */
const PLAINTEXT = 'h2c.grpc.example';
/** In the edge certificate, routed nowhere. */
const UNROUTED = 'nowhere.grpc.example';
/** Short HTTP timeouts: a gRPC stream must outlive them. */
const SHORT = '400ms';

let scenario: Scenario;
let plain: GrpcEchoServer;
let secure: GrpcEchoServer;
let app: GrpcEchoServer;
let edgeCa = '';
let httpsTarget = '';

function port(server: GrpcEchoServer, appProtocol?: string) {
  return [
    { name: 'grpc', port: 50051, targetPort: server.port, ...(appProtocol === undefined ? {} : { appProtocol }) },
  ];
}

function pod(name: string) {
  return [{ ip: '127.0.0.1', name, namespace: NS }];
}

function rule(host: string, service: string) {
  return {
    host,
    http: {
      paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: 50051 } } } }],
    },
  };
}

beforeAll(async () => {
  const edgePair = await selfSignedFor([...HOSTS, UNROUTED]);
  edgeCa = edgePair.certPem;
  plain = await startGrpcEcho('plain');
  secure = await startGrpcEcho('secure', await selfSignedFor(['secure-pod.grpc.svc']));
  app = await startGrpcEcho('app');
  scenario = await startScenario({
    namespace: NS,
    backends: {},
    objects: [tlsSecret(NS, 'edge-tls', edgePair)],
    args: ['--upstream-response-timeout', SHORT, '--upstream-idle-timeout', SHORT, '--client-body-timeout', SHORT],
  });
  const { api } = scenario;
  writeBackend(api, { namespace: NS, name: 'plain', ports: port(plain), endpoints: pod('plain-0') });
  writeBackend(api, { namespace: NS, name: 'secure', ports: port(secure), endpoints: pod('secure-0') });
  writeBackend(api, { namespace: NS, name: 'app', ports: port(app, 'kubernetes.io/h2c'), endpoints: pod('app-0') });
  writeBackend(api, { namespace: NS, name: 'down', ports: port(plain), endpoints: [] });
  const tls = [{ hosts: [...HOSTS, UNROUTED], secretName: 'edge-tls' }];
  api.apply(
    ingress(
      NS,
      'plain',
      { tls, rules: [rule(HOSTS[0], 'plain'), rule(HOSTS[3], 'down'), rule(PLAINTEXT, 'plain')] },
      {
        annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC' },
      },
    ),
  );
  api.apply(
    ingress(
      NS,
      'secure',
      { tls, rules: [rule(HOSTS[1], 'secure')] },
      {
        annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': 'grpcs' },
      },
    ),
  );
  api.apply(ingress(NS, 'app', { tls, rules: [rule(HOSTS[2], 'app')] }));
  httpsTarget = '127.0.0.1:' + scenario.controller.httpsPort;
  await pollUntil(
    'the gRPC routes',
    () => say(echoClient(httpsTarget, HOSTS[2], edgeCa), 'ping', 1000),
    (answer) => answer.reply === 'app:ping',
    { controller: scenario.controller },
  );
});

afterAll(async () => {
  await scenario?.close();
  await Promise.all([plain, secure, app].map((server) => server?.close()));
});

describe('gRPC through the HTTPS port (ALPN h2)', () => {
  it.each([
    [HOSTS[0], 'plain', 'GRPC → h2c'],
    [HOSTS[1], 'secure', 'GRPCS → h2 over TLS'],
    [HOSTS[2], 'app', 'appProtocol kubernetes.io/h2c'],
  ])('unary call to %s answers with the pod trailers (%s, %s)', async (host, name) => {
    const answer = await say(echoClient(httpsTarget, host, edgeCa), 'hello');
    expect(answer.error).toBeNull();
    expect(answer.reply).toBe(name + ':hello');
    expect(answer.trailers['x-served-by']).toBe(name);
  });

  it('passes a pod error status and message through (trailers-only answer)', async () => {
    const answer = await say(echoClient(httpsTarget, HOSTS[0], edgeCa), 'fail');
    expect(answer.error?.code).toBe(grpc.status.NOT_FOUND);
    expect(answer.error?.details).toBe('no such thing');
  });

  it('sends te: trailers and X-Forwarded-For to the pod', async () => {
    await say(echoClient(httpsTarget, HOSTS[0], edgeCa), 'headers');
    const seen = plain.calls.at(-1)!;
    expect(seen.metadata['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.metadata['x-forwarded-proto']).toBe('https');
  });

  it('streams both ways, and a stream silent longer than the HTTP idle timeouts stays open', async () => {
    const stream = chat(echoClient(httpsTarget, HOSTS[1], edgeCa));
    const replies: string[] = [];
    stream.on('data', (message: Buffer) => replies.push(message.toString()));
    const status = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    stream.on('error', () => {});
    stream.write(Buffer.from('one'));
    stream.write(Buffer.from('two'));
    await pollUntil(
      'two echoes',
      () => replies.length,
      (count) => count === 2,
    );
    await delay(1200); // three times the 400 ms timeouts the controller runs with
    stream.write(Buffer.from('three'));
    await pollUntil(
      'the third echo',
      () => replies.length,
      (count) => count === 3,
    );
    stream.end();
    expect((await status).code).toBe(grpc.status.OK);
    expect(replies).toEqual(['secure:one', 'secure:two', 'secure:three']);
    await pollUntil(
      'the pod to see the end',
      () => secure.calls.at(-1)?.ended,
      (ended) => ended === true,
    );
    expect(secure.calls.at(-1)).toMatchObject({ method: 'Chat', cancelled: false });
  });

  // undici resets the upstream stream with RST_STREAM NO_ERROR (not CANCEL): the pod's stream closes before
  // it answered, which grpc-js reports as cancelled.
  it('a client cancel reaches the pod as a cancelled stream', async () => {
    const stream = chat(echoClient(httpsTarget, HOSTS[0], edgeCa));
    const replies: string[] = [];
    stream.on('data', (message: Buffer) => replies.push(message.toString()));
    stream.on('error', () => {});
    stream.write(Buffer.from('hold'));
    await pollUntil(
      'the echo',
      () => replies.length,
      (count) => count === 1,
    );
    const call = plain.calls.at(-1)!;
    stream.cancel();
    await pollUntil(
      'the pod to see the cancel',
      () => call.cancelled,
      (cancelled) => cancelled,
    );
    expect(call).toMatchObject({ method: 'Chat', cancelled: true });
  });

  it('answers its own errors as gRPC: no endpoints → UNAVAILABLE with a message, never an HTML page', async () => {
    const answer = await say(echoClient(httpsTarget, HOSTS[3], edgeCa), 'hello');
    expect(answer.error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(answer.error?.details).toMatch(/^503 Service Unavailable: .*no ready endpoints|no endpoints/);
  });

  it('answers an unknown host as UNIMPLEMENTED', async () => {
    const answer = await say(echoClient(httpsTarget, UNROUTED, edgeCa), 'hello');
    expect(answer.error?.code).toBe(grpc.status.UNIMPLEMENTED);
  });
});

describe('gRPC through the plain port (h2c prior knowledge, as grpcurl -plaintext)', () => {
  it('answers a unary call with the pod trailers', async () => {
    const answer = await say(echoClient('127.0.0.1:' + scenario.controller.httpPort, PLAINTEXT), 'plain-port');
    expect(answer.error).toBeNull();
    expect(answer.reply).toBe('plain:plain-port');
    expect(answer.trailers['x-served-by']).toBe('plain');
    expect(plain.calls.at(-1)?.metadata['x-forwarded-proto']).toBe('http');
  });

  it('streams both ways', async () => {
    const stream = chat(echoClient('127.0.0.1:' + scenario.controller.httpPort, PLAINTEXT));
    const replies: string[] = [];
    stream.on('data', (message: Buffer) => replies.push(message.toString()));
    const status = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    stream.on('error', () => {});
    for (const word of ['a', 'b', 'c']) stream.write(Buffer.from(word));
    stream.end();
    expect((await status).code).toBe(grpc.status.OK);
    expect(replies).toEqual(['plain:a', 'plain:b', 'plain:c']);
  });
});
