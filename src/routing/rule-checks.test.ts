// Unit tests of the small pure pieces: rule host and path checks, base64, natural order, deep freeze.

import { describe, expect, it } from 'vitest';
import { decodeBase64 } from './base64.ts';
import { compareNatural } from './compare.ts';
import { deepFreeze } from './deep-freeze.ts';
import { checkRuleHost, hostCovers } from './rule-host.ts';
import { checkRulePath, prefixKey, segmentCount } from './rule-path.ts';

describe('checkRuleHost', () => {
  it.each([
    ['', '', 'any'],
    ['foo.example.com', 'foo.example.com', 'exact'],
    ['FOO.Example.com', 'foo.example.com', 'exact'],
    ['*.example.com', '*.example.com', 'wildcard'],
    ['localhost', 'localhost', 'exact'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', 'exact'],
    ['a1-b2.c3', 'a1-b2.c3', 'exact'],
  ])('accepts %j as %j (%s)', (raw, host, kind) => {
    expect(checkRuleHost(raw)).toEqual({ ok: true, host, kind });
  });

  it.each([
    ['*', 'HostWildcardAlone'],
    ['bücher.de', 'HostNotAscii'],
    ['10.0.0.1', 'HostIsIpAddress'],
    ['::1', 'HostIsIpAddress'],
    ['[fe80::1]', 'HostIsIpAddress'],
    ['a..b', 'HostInvalid'],
    ['.a.b', 'HostInvalid'],
    ['a.b.', 'HostInvalid'],
    ['a.*.b', 'HostInvalid'],
    ['*a.b', 'HostInvalid'],
    ['**.b', 'HostInvalid'],
    ['-a.b', 'HostInvalid'],
    ['a-.b', 'HostInvalid'],
    ['a_b.c', 'HostInvalid'],
    ['a.b:80', 'HostInvalid'],
    [`${'a'.repeat(64)}.com`, 'HostInvalid'],
    [Array.from({ length: 130 }, () => 'ab').join('.'), 'HostInvalid'],
    ['*.', 'HostInvalid'],
  ])('rejects %j with %s', (raw, code) => {
    expect(checkRuleHost(raw)).toMatchObject({ ok: false, code });
  });

  it('knows which hosts a wildcard covers: exactly one extra label', () => {
    expect(hostCovers('*.foo.com', 'bar.foo.com')).toBe(true);
    expect(hostCovers('*.foo.com', 'foo.com')).toBe(false);
    expect(hostCovers('*.foo.com', 'baz.bar.foo.com')).toBe(false);
    expect(hostCovers('bar.foo.com', 'bar.foo.com')).toBe(true);
    expect(hostCovers('bar.foo.com', 'baz.foo.com')).toBe(false);
  });
});

describe('checkRulePath', () => {
  it.each([
    '/',
    '/a',
    '/a/',
    '/a/b.c',
    '/a//b',
    '/~user',
    '/a%20b',
    '/a-b_c',
    '/a;b=c',
    "/it's",
    '/a@b',
    '/..a',
    '/a.',
  ])('accepts %j', (path) => {
    expect(checkRulePath(path)).toEqual({ ok: true });
  });

  it.each([
    ['', 'PathInvalid'],
    ['a', 'PathInvalid'],
    ['/a/./b', 'PathInvalid'],
    ['/a/..', 'PathInvalid'],
    ['/.', 'PathInvalid'],
    ['/a%2fb', 'PathInvalid'],
    ['/a%zz', 'PathInvalid'],
    ['/a%2', 'PathInvalid'],
    ['/a#b', 'PathInvalid'],
    ['/a\tb', 'PathInvalid'],
    ['/é', 'PathInvalid'],
    ['/a*', 'PathRegexLike'],
    ['/a?b', 'PathRegexLike'],
    ['/(a)', 'PathRegexLike'],
    ['/a|b', 'PathRegexLike'],
    ['/a{2}', 'PathRegexLike'],
    ['/a\\d', 'PathRegexLike'],
    ['/$', 'PathRegexLike'],
    [`/${'a'.repeat(2048)}`, 'PathTooLong'],
  ])('rejects %j with %s', (path, code) => {
    expect(checkRulePath(path)).toMatchObject({ ok: false, code });
  });

  it('counts segments and ignores trailing slashes for Prefix keys', () => {
    expect(segmentCount('/')).toBe(0);
    expect(segmentCount('/a/b/')).toBe(2);
    expect(segmentCount('/a//b')).toBe(2);
    expect(prefixKey('/a/')).toBe('/a');
    expect(prefixKey('/a//')).toBe('/a');
    expect(prefixKey('/')).toBe('/');
  });
});

describe('decodeBase64', () => {
  const samples = [
    '',
    'f',
    'fo',
    'foo',
    'foob',
    'fooba',
    'foobar',
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  ];

  it.each(samples)('round-trips %j against btoa', (text) => {
    expect(decodeBase64(btoa(text))).toBe(text);
    expect(decodeBase64(btoa(text).replace(/=+$/, ''))).toBe(text);
  });

  it('decodes every byte value and ignores line breaks', () => {
    const bytes = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    const encoded = btoa(bytes).replace(/(.{76})/g, '$1\n');
    expect(decodeBase64(encoded)).toBe(bytes);
  });

  it.each(['!!!!', 'Zg=a', 'Z', 'Zg===', 'ä', 'Zm9v-', 'Zm9v_'])('rejects %j', (text) => {
    expect(decodeBase64(text)).toBeNull();
  });

  it('decodes a large input', () => {
    const big = 'x'.repeat(300_000);
    expect(decodeBase64(btoa(big))).toBe(big);
  });
});

describe('compareNatural', () => {
  it('orders digit runs by value', () => {
    const fields = ['paths[10]', 'paths[2]', 'paths[1].b', 'paths[1]', 'rules[0]'];
    expect([...fields].sort(compareNatural)).toEqual(['paths[1]', 'paths[1].b', 'paths[2]', 'paths[10]', 'rules[0]']);
    expect(compareNatural('a01', 'a1')).toBeGreaterThan(0);
    expect(compareNatural('a', 'a')).toBe(0);
  });
});

describe('deepFreeze', () => {
  it('freezes nested objects, arrays and Map contents and blocks Map mutation', () => {
    const value = deepFreeze({ list: [{ a: 1 }], map: new Map([['k', { b: 2 }]]) });
    expect(Object.isFrozen(value.list[0])).toBe(true);
    expect(Object.isFrozen(value.map.get('k'))).toBe(true);
    expect(() => value.map.set('x', { b: 3 })).toThrow(TypeError);
    expect(() => value.map.delete('k')).toThrow(TypeError);
    expect(() => {
      (value.list as { a: number }[]).push({ a: 2 });
    }).toThrow(TypeError);
    expect(value.map.get('k')).toEqual({ b: 2 });
  });
});
