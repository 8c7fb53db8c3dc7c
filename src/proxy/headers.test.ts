import { describe, expect, it } from 'vitest';
import {
  appendForwardedHeaders,
  filterRequestHeaders,
  filterResponseHeaders,
  RequestHeadScan,
  ResponseHeadScan,
} from './headers.ts';

function names(list: readonly string[]): string[] {
  return list.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
}

describe('filterRequestHeaders', () => {
  it('keeps ordinary headers in order and case, Host as sent, and notes length and id', () => {
    const scan = new RequestHeadScan();
    const out = filterRequestHeaders(
      ['Host', 'App.Test:80', 'Accept', '*/*', 'Content-Length', '3', 'X-Request-Id', 'id-1', 'Accept', 'text/html'],
      scan,
      false,
      false,
    );
    expect(out).toEqual(['Host', 'App.Test:80', 'Accept', '*/*', 'Content-Length', '3', 'Accept', 'text/html']);
    expect(scan).toMatchObject({ host: 'App.Test:80', contentLength: '3', requestId: 'id-1', transferEncoding: false });
  });

  it('drops hop-by-hop, Proxy-*, Expect and every header the Connection header names', () => {
    const scan = new RequestHeadScan();
    const out = filterRequestHeaders(
      [
        'Connection',
        'keep-alive, X-A',
        'Connection',
        'x-b',
        'X-A',
        '1',
        'X-B',
        '2',
        'Keep-Alive',
        't',
        'TE',
        'trailers',
        'Trailer',
        'x',
        'Transfer-Encoding',
        'chunked',
        'Upgrade',
        'h2c',
        'Expect',
        '100-continue',
        'Proxy-Authorization',
        'p',
        'X-C',
        '3',
        'Host',
        'h',
      ],
      scan,
      false,
      false,
    );
    expect(names(out)).toEqual(['x-c', 'host']);
    expect(scan.transferEncoding).toBe(true);
  });

  it('keeps Connection and Upgrade for an upgrade request', () => {
    const out = filterRequestHeaders(
      ['Connection', 'Upgrade', 'Upgrade', 'websocket', 'Host', 'h'],
      new RequestHeadScan(),
      false,
      true,
    );
    expect(out).toEqual(['Connection', 'Upgrade', 'Upgrade', 'websocket', 'Host', 'h']);
  });

  it('turns :authority into Host for HTTP/2 and drops pseudo-headers', () => {
    const scan = new RequestHeadScan();
    const out = filterRequestHeaders(
      [':method', 'GET', ':path', '/', ':authority', 'a.test', ':scheme', 'https', 'accept', '*/*'],
      scan,
      false,
      false,
    );
    expect(out).toEqual(['accept', '*/*', 'host', 'a.test']);
    expect(scan.host).toBe('a.test');
  });

  it('replaces forwarding headers from untrusted peers and appends for trusted ones', () => {
    const raw = [
      'X-Forwarded-For',
      '1.1.1.1',
      'X-Forwarded-For',
      '2.2.2.2',
      'X-Forwarded-Proto',
      'https',
      'X-Real-IP',
      '1.1.1.1',
      'Host',
      'h:81',
    ];
    const untrusted = new RequestHeadScan();
    const a = filterRequestHeaders(raw, untrusted, false, false);
    appendForwardedHeaders(a, untrusted, '10.0.0.1', false, 8080, 'rid');
    expect(a).toEqual([
      'Host',
      'h:81',
      'x-forwarded-for',
      '10.0.0.1',
      'x-forwarded-proto',
      'http',
      'x-forwarded-host',
      'h:81',
      'x-forwarded-port',
      '8080',
      'x-real-ip',
      '10.0.0.1',
      'x-request-id',
      'rid',
    ]);
    const trusted = new RequestHeadScan();
    const b = filterRequestHeaders(raw, trusted, true, false);
    appendForwardedHeaders(b, trusted, '10.0.0.1', true, 8443, 'rid');
    expect(b).toEqual([
      'X-Forwarded-Proto',
      'https',
      'X-Real-IP',
      '1.1.1.1',
      'Host',
      'h:81',
      'x-forwarded-for',
      '1.1.1.1, 2.2.2.2, 10.0.0.1',
      'x-forwarded-host',
      'h:81',
      'x-forwarded-port',
      '8443',
      'x-request-id',
      'rid',
    ]);
  });
});

function lengthOf(...values: string[]): number {
  const scan = new ResponseHeadScan();
  filterResponseHeaders(
    values.flatMap((value) => ['Content-Length', value]),
    'id',
    scan,
  );
  return scan.contentLength;
}

describe('filterResponseHeaders', () => {
  it('keeps repeated Set-Cookie, Date and Content-Length; replaces Server and X-Request-Id; drops hop-by-hop', () => {
    const raw = [
      'Date',
      'd',
      'Server',
      'nginx',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'Content-Length',
      '5',
      'Connection',
      'X-Hop',
      'X-Hop',
      'x',
      'Transfer-Encoding',
      'chunked',
      'Keep-Alive',
      'k',
      'X-Request-Id',
      'theirs',
    ].map((s) => Buffer.from(s, 'latin1'));
    expect(filterResponseHeaders(raw, 'ours')).toEqual([
      'Date',
      'd',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'Content-Length',
      '5',
      'server',
      'sluice',
      'x-request-id',
      'ours',
    ]);
  });

  it('reads one plain Content-Length into the scan, and none when repeated or malformed', () => {
    expect(lengthOf()).toBe(-1);
    expect(lengthOf('19')).toBe(19);
    expect(lengthOf('0')).toBe(0);
    expect(lengthOf('19', '19')).toBe(-1);
    expect(lengthOf('1x')).toBe(-1);
    expect(lengthOf('')).toBe(-1);
    expect(lengthOf('-1')).toBe(-1);
    expect(lengthOf('9'.repeat(16))).toBe(-1);
  });
});
