// The proxy benchmark's own parts (bench/): wrk's report parser, the .cpuprofile summary, the config templates.
import { describe, expect, it } from 'vitest';
import { parseWrk } from '../bench/peers/wrk.ts';
import { areaOf, shortFile, summarizeProfile, type CpuProfile } from '../bench/profile-summary.ts';
import { renderTemplate } from '../bench/peers/servers.ts';

const WRK_OUTPUT = `Running 10s test @ http://127.1.2.1:8080/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.02ms  40.11ms   91.20%
    Req/Sec    23.81k     1.10k   25.90k    71.00%
  Latency Distribution
     50%    1.95ms
     75%    2.31ms
     90%    2.80ms
     99%    7.53ms
  236958 requests in 10.01s, 45.42MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:  23672.51
Transfer/sec:      4.54MB
`;

describe('parseWrk', () => {
  it('reads req/s, percentiles in ms, totals and errors', () => {
    const result = parseWrk(WRK_OUTPUT);
    expect(result.requestsPerSec).toBe(23672.51);
    expect(result.requests).toBe(236958);
    expect(result.p50).toBeCloseTo(1.95);
    expect(result.p99).toBeCloseTo(7.53);
    expect(result.socketErrors).toBe(5);
    expect(result.non2xx).toBe(4);
  });

  it('converts µs and s units, and leaves missing figures NaN', () => {
    const result = parseWrk(WRK_OUTPUT.replace('1.95ms', '950.00us').replace('7.53ms', '1.20s'));
    expect(result.p50).toBeCloseTo(0.95);
    expect(result.p99).toBe(1200);
    const empty = parseWrk('unable to connect to 127.0.0.1:1 Connection refused');
    expect(empty.requestsPerSec).toBeNaN();
    expect(empty.p99).toBeNaN();
  });
});

function frame(functionName: string, url: string, lineNumber = 0) {
  return { functionName, url, lineNumber, columnNumber: 0 };
}

describe('summarizeProfile', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 3, 4, 5] },
      { id: 2, callFrame: frame('(idle)', '') },
      { id: 3, callFrame: frame('serve', 'file:///repo/src/proxy/handler.ts', 120) },
      { id: 4, callFrame: frame('writev', '') },
      { id: 5, callFrame: frame('onHeaders', 'file:///repo/node_modules/undici/lib/dispatcher/client-h1.js', 9) },
    ],
    startTime: 1_000_000,
    endTime: 1_009_000,
    // At 1,001,000 (idle), 1,003,000 (serve), 1,004,000 (writev), 1,007,000 (undici), 1,009,000 (serve).
    samples: [2, 3, 4, 5, 3],
    timeDeltas: [1000, 2000, 1000, 3000, 2000],
  };

  it('adds self time by function, file and area, leaving idle out of the busy share', () => {
    const summary = summarizeProfile(profile);
    expect(summary.idleMs).toBe(1);
    expect(summary.busyMs).toBe(8);
    expect(summary.functions[0]).toEqual({ name: 'serve src/proxy/handler.ts:121', selfMs: 4, percent: 50 });
    expect(summary.files.map((row) => row.name)).toEqual([
      'src/proxy/handler.ts',
      'undici/lib/dispatcher/client-h1.js',
      '(native builtins)',
    ]);
    expect(summary.areas.map((row) => row.name)).toEqual(['sluice src/proxy/', 'package undici', 'native builtins']);
    expect(summary.functions.some((row) => row.name === '(idle)')).toBe(false);
  });

  it('keeps only samples inside the window', () => {
    const summary = summarizeProfile(profile, { fromUs: 1_003_500, toUs: 1_007_000 });
    expect(summary.busyMs).toBe(4);
    expect(summary.functions.map((row) => row.name)).toEqual([
      'onHeaders undici/lib/dispatcher/client-h1.js:10',
      'writev',
    ]);
    expect(summary.wallMs).toBe(4);
  });

  it('names files and areas briefly', () => {
    expect(shortFile('file:///work/main/src/proxy/forward.ts')).toBe('src/proxy/forward.ts');
    expect(shortFile('node:_http_server')).toBe('node:_http_server');
    expect(areaOf('parserOnIncoming', 'node:_http_server')).toBe('node: http');
    expect(areaOf('(garbage collector)', '')).toBe('GC');
    expect(areaOf('x', 'file:///a/node_modules/@kubernetes/client-node/dist/x.js')).toBe(
      'package @kubernetes/client-node',
    );
  });
});

describe('peer config templates', () => {
  const values = {
    DIR: '/tmp/x',
    PREFIX: 'nginx',
    ACCESS_LOG: 'off',
    LISTEN: '127.1.1.1:1',
    BACKEND: '127.2.2.1:2',
    ADDRESS: '127.1.1.1',
    PORT: 1,
    BACKEND_ADDRESS: '127.2.2.1',
    BACKEND_PORT: 2,
  };
  it.each(['nginx-backend.conf', 'nginx-proxy.conf', 'haproxy.cfg', 'Caddyfile', 'sluice-manifests.yaml'])(
    '%s fills every placeholder',
    (file) => {
      const text = renderTemplate(file, values);
      expect(text).not.toContain('{{');
      expect(text.length).toBeGreaterThan(100);
    },
  );

  it('refuses a template with a placeholder left unfilled', () => {
    expect(() => renderTemplate('haproxy.cfg', { LISTEN: 'x' })).toThrow(/BACKEND/);
  });

  it('gives nginx one worker, HAProxy one thread and connection reuse', () => {
    expect(renderTemplate('nginx-proxy.conf', values)).toMatch(/worker_processes 1;[\s\S]*keepalive 256;/);
    expect(renderTemplate('haproxy.cfg', values)).toMatch(/nbthread 1[\s\S]*http-reuse always/);
  });
});
