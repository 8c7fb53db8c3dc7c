import { describe, expect, it } from 'vitest';
import { accessLogLine, createAccessLog } from './access-log.ts';
import { requestRecord } from './request-record-fixture.ts';

describe('access log', () => {
  it('writes one JSON line per request with every field', () => {
    const lines: string[] = [];
    const log = createAccessLog((line) => lines.push(line));
    log(requestRecord({ retries: 2, upstreamConnectMs: 1.25 }));
    log(requestRecord({ requestId: 'req-2', status: 502, error: 'reset' }));
    expect(lines).toHaveLength(2);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(lines[0].indexOf('\n')).toBe(lines[0].length - 1);
    expect(JSON.parse(lines[0])).toEqual({
      level: 30,
      time: 1_700_000_000_000,
      log: 'access',
      msg: 'request',
      client: '127.0.0.1',
      method: 'GET',
      host: 'shop.example.com',
      path: '/cart',
      protocol: 'http/1.1',
      tls: false,
      status: 200,
      bytesIn: 120,
      bytesOut: 2048,
      durationMs: 12.5,
      upstream: '10.0.0.7:8080',
      upstreamStatus: 200,
      upstreamConnectMs: 1.25,
      requestId: 'req-1',
      namespace: 'shop',
      ingress: 'storefront',
      service: 'web',
      retries: 2,
      error: '',
    });
    expect(JSON.parse(lines[1])).toMatchObject({ requestId: 'req-2', status: 502, error: 'reset' });
  });

  it('keeps hostile strings inside their JSON field', () => {
    const hostile = 'evil"}\n{"level":60,"msg":"forged\u2028\u0000\\';
    const line = accessLogLine(requestRecord({ path: hostile, host: hostile, method: 'G"ET' }));
    expect(line.indexOf('\n')).toBe(line.length - 1);
    const parsed = JSON.parse(line);
    expect(parsed.path).toBe(hostile);
    expect(parsed.host).toBe(hostile);
    expect(parsed.method).toBe('G"ET');
    expect(parsed.level).toBe(30);
  });

  it('hands a pino-style logger one object per request', () => {
    const calls: [object, string | undefined][] = [];
    const log = createAccessLog({ info: (obj, msg) => calls.push([obj, msg]) });
    log(requestRecord());
    expect(calls).toHaveLength(1);
    expect(calls[0][1]).toBe('request');
    expect(calls[0][0]).toMatchObject({ client: '127.0.0.1', status: 200, service: 'web', upstream: '10.0.0.7:8080' });
  });
});
