import { describe, expect, it } from 'vitest';
import { plainClientAddress } from './client-address.ts';
import { errorBody, proxyErrors } from './errors.ts';
import { httpsRedirectLocation } from './redirect.ts';
import { isSaneRequestId, RequestIdGenerator } from './request-id.ts';
import { parseTrustedProxies } from './trusted-proxies.ts';

describe('plainClientAddress', () => {
  it('unwraps IPv4-mapped IPv6 and keeps everything else', () => {
    expect(plainClientAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(plainClientAddress('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(plainClientAddress('10.1.2.3')).toBe('10.1.2.3');
    expect(plainClientAddress('::1')).toBe('::1');
    expect(plainClientAddress('::ffff:abcd:1')).toBe('::ffff:abcd:1');
    expect(plainClientAddress(undefined)).toBe('');
  });
});

describe('request ids', () => {
  it('accepts 1–128 chars of [A-Za-z0-9._-] only', () => {
    expect(isSaneRequestId('a')).toBe(true);
    expect(isSaneRequestId('Az09._-')).toBe(true);
    expect(isSaneRequestId('x'.repeat(128))).toBe(true);
    expect(isSaneRequestId('x'.repeat(129))).toBe(false);
    expect(isSaneRequestId('')).toBe(false);
    expect(isSaneRequestId(undefined)).toBe(false);
    for (const bad of ['a b', 'a/b', 'a\nb', 'é', 'a"b', '<script>']) expect(isSaneRequestId(bad)).toBe(false);
  });

  it('generates distinct sane ids with a per-generator random prefix', () => {
    const a = new RequestIdGenerator();
    const b = new RequestIdGenerator();
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) ids.add(a.next());
    ids.add(b.next());
    expect(ids.size).toBe(1001);
    for (const id of ids) expect(isSaneRequestId(id)).toBe(true);
  });
});

describe('trusted proxies', () => {
  it('matches IPv4 and IPv6 CIDRs and bare addresses, and reports bad entries', () => {
    const { trusted, errors } = parseTrustedProxies([
      '10.0.0.0/8',
      '192.168.1.5',
      'fd00::/8',
      'nonsense',
      '1.2.3.4/33',
      '1.2.3.4/',
    ]);
    expect(errors).toHaveLength(3);
    expect(trusted.isTrusted('10.200.3.4')).toBe(true);
    expect(trusted.isTrusted('11.0.0.1')).toBe(false);
    expect(trusted.isTrusted('192.168.1.5')).toBe(true);
    expect(trusted.isTrusted('192.168.1.6')).toBe(false);
    expect(trusted.isTrusted('fd12::1')).toBe(true);
    expect(trusted.isTrusted('fe80::1')).toBe(false);
    expect(trusted.isTrusted('')).toBe(false);
  });

  it('trusts nobody by default', () => {
    expect(parseTrustedProxies([]).trusted.isTrusted('127.0.0.1')).toBe(false);
  });
});

describe('https redirect location', () => {
  it('omits port 443, keeps other ports, brackets IPv6', () => {
    expect(httpsRedirectLocation('a.test', 443, '/p', '?q=1')).toBe('https://a.test/p?q=1');
    expect(httpsRedirectLocation('a.test', 8443, '/', '')).toBe('https://a.test:8443/');
    expect(httpsRedirectLocation('[::1]', 8443, '/', '')).toBe('https://[::1]:8443/');
    expect(httpsRedirectLocation('::1', 443, '/', '')).toBe('https://[::1]/');
  });
});

describe('error bodies', () => {
  it('name the status and the request id, with the reason kept to one line', () => {
    expect(errorBody(proxyErrors.noEndpoint, 'r1', 'no pods\nsecond line')).toBe(
      '503 Service Unavailable\nno pods second line\nrequest-id: r1\n',
    );
    expect(errorBody(proxyErrors.upstreamTimeout, 'r2', null)).toBe('504 Gateway Timeout\nrequest-id: r2\n');
  });
});
