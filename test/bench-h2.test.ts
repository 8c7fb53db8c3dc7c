// The HTTP/2 and gRPC bench scenarios' own parts (bench/h2-scenarios.ts): h2load's report parser, its command
// line, the gRPC request message, the config templates.
import { describe, expect, it } from 'vitest';
import { grpcMessage } from '../bench/h2-scenarios.ts';
import { h2loadArgs, parseH2load } from '../bench/peers/h2load.ts';
import { renderTemplate } from '../bench/peers/servers.ts';

const H2LOAD_OUTPUT = `starting benchmark...
spawning thread #0: 1 total client(s). Timing-based test with 0s of warm-up time and 10s of main duration for measurements.
Main benchmark duration is started for client #0.

finished in 10.00s, 14043.20 req/s, 1.02MB/s
requests: 140432 total, 140532 started, 140432 done, 140400 succeeded, 30 failed, 1 errored, 1 timeout
status codes: 140400 2xx, 0 3xx, 2 4xx, 28 5xx
traffic: 10.21MB (10706432) total, 1.07MB (1122816) headers (space savings 91.21%), 2.55MB (2668208) data
                     min         max         mean         sd        +/- sd
time for request:      512us     39.10ms      6.72ms      2.10ms    80.12%
time for connect:     1.20ms      1.20ms      1.20ms         0us   100.00%
time to 1st byte:     5.10ms      5.10ms      5.10ms         0us   100.00%
req/s           :   14043.20    14043.20    14043.20        0.00   100.00%
`;

describe('parseH2load', () => {
  it('reads req/s, done and succeeded requests, errors with non-2xx answers, mean and max time', () => {
    const result = parseH2load(H2LOAD_OUTPUT);
    expect(result.requestsPerSec).toBe(14043.2);
    expect(result.requests).toBe(140432);
    expect(result.succeeded).toBe(140400);
    expect(result.errors).toBe(30 + 1 + 1 + 2 + 28);
    expect(result.meanMs).toBeCloseTo(6.72);
    expect(result.maxMs).toBeCloseTo(39.1);
  });

  it('converts µs and s, and leaves what is missing NaN', () => {
    const result = parseH2load(H2LOAD_OUTPUT.replace('6.72ms', '950us').replace('39.10ms', '1.50s'));
    expect(result.meanMs).toBeCloseTo(0.95);
    expect(result.maxMs).toBe(1500);
    const failed = parseH2load('connect to 127.0.0.1:1 failed');
    expect(failed.requestsPerSec).toBeNaN();
    expect(failed.requests).toBeNaN();
  });
});

describe('h2load command line', () => {
  it('gives one thread, the clients and streams, the duration, headers and body', () => {
    const args = h2loadArgs({
      url: 'http://h:1/bench.Echo/Unary',
      clients: 1,
      streams: 100,
      seconds: 10,
      warmupSeconds: 0,
      headers: ['content-type: application/grpc'],
      dataFile: '/tmp/body',
    });
    expect(args).toEqual([
      '-t1',
      '-c1',
      '-m100',
      '-D',
      '10',
      '-H',
      'content-type: application/grpc',
      '-d',
      '/tmp/body',
      'http://h:1/bench.Echo/Unary',
    ]);
  });
});

describe('gRPC request message', () => {
  it('is one uncompressed, length-prefixed message', () => {
    const message = grpcMessage();
    expect(message[0]).toBe(0);
    expect(message.readUInt32BE(1)).toBe(message.length - 5);
    expect(message.subarray(7).toString()).toBe('hello sluice');
  });
});

describe('h2 and gRPC peer templates', () => {
  const values = {
    DIR: '/tmp/x',
    PREFIX: 'nginx-h2',
    LISTEN: '127.1.1.1:1',
    BACKEND: '127.2.2.1:2',
    ADDRESS: '127.1.1.1',
    PORT: 1,
    CERT: '/tmp/c.pem',
    KEY: '/tmp/k.pem',
    PEM: '/tmp/ck.pem',
    BACKEND_ADDRESS: '127.2.2.1',
    BACKEND_PORT: 2,
  };
  it.each([
    'nginx-h2.conf',
    'nginx-grpc.conf',
    'haproxy-h2.cfg',
    'haproxy-grpc.cfg',
    'Caddyfile-h2',
    'Caddyfile-grpc',
    'sluice-grpc-manifests.yaml',
  ])('%s fills every placeholder', (file) => {
    const text = renderTemplate(file, values);
    expect(text).not.toContain('{{');
    expect(text.length).toBeGreaterThan(100);
  });

  it('serves h2 over TLS and gRPC with grpc_pass / h2 on both sides', () => {
    expect(renderTemplate('nginx-h2.conf', values)).toMatch(/listen 127\.1\.1\.1:1 ssl http2/);
    expect(renderTemplate('nginx-grpc.conf', values)).toMatch(/grpc_pass grpc:\/\/grpc_backend;/);
    expect(renderTemplate('haproxy-grpc.cfg', values)).toMatch(/bind 127\.1\.1\.1:1 proto h2[\s\S]*proto h2/);
    expect(renderTemplate('sluice-grpc-manifests.yaml', values)).toContain('backend-protocol: GRPC');
  });
});
