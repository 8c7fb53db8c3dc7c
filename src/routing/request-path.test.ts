import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { hidesDotSegment, normalizeRequestPath, splitTarget } from './request-path.ts';

describe('normalizeRequestPath', () => {
  it.each([
    ['/', '/'],
    ['/foo', '/foo'],
    ['/foo/', '/foo/'],
    ['//foo//bar', '//foo//bar'],
    ['/a/./b', '/a/b'],
    ['/a/b/.', '/a/b/'],
    ['/a/b/..', '/a/'],
    ['/a/../b', '/b'],
    ['/a/../../b', '/b'],
    ['/..', '/'],
    ['/.', '/'],
    ['/../a', '/a'],
    ['/a/%2e%2e/b', '/b'],
    ['/a/%2E%2E/b', '/b'],
    ['/a/.%2e/b', '/b'],
    ['/%2E/', '/'],
    ['/a/%2e/b', '/a/b'],
    ['/a//../b', '/a/b'],
    ['/a/.../b', '/a/.../b'],
    ['/a/..b/c', '/a/..b/c'],
    ['/a.b/c.', '/a.b/c.'],
    ['/%41%42c', '/ABc'],
    ['/%7euser', '/~user'],
    ['/a%2Db%5Fc%2e', '/a-b_c.'],
    ['/a%2Fb', '/a%2Fb'],
    ['/a%2fb', '/a%2Fb'],
    ['/a/..%2F..%2Fetc', '/a/..%2F..%2Fetc'],
    ['/%2e%2e%2fetc', '/..%2Fetc'],
    ['/a%20b', '/a%20b'],
    ['/%c3%a9t%C3%A9', '/%C3%A9t%C3%A9'],
    ['/%25', '/%25'],
    ['/%252e%252e/x', '/%252e%252e/x'],
    ["/a:b@c!$&'()*+,;=", "/a:b@c!$&'()*+,;="],
    ['/a|b^c[d]', '/a|b^c[d]'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeRequestPath(raw)).toBe(expected);
  });

  it.each([
    [''],
    ['foo'],
    ['*'],
    ['http://x/'],
    ['/a b'],
    ['/a\tb'],
    ['/a\u0000'],
    ['/a"b'],
    ['/a<b>'],
    ['/a\\b'],
    ['/a{b}'],
    ['/a`b'],
    ['/a#frag'],
    ['/a?q'],
    ['/é'],
    ['/%'],
    ['/%4'],
    ['/%G1'],
    ['/%%41'],
    ['/a%2'],
  ])('%j is invalid', (raw) => {
    expect(normalizeRequestPath(raw)).toBeNull();
  });

  it('returns the input string itself when nothing needs changing', () => {
    const raw = '/api/v1/users/42/.profile/..x';
    expect(normalizeRequestPath(raw)).toBe(raw);
  });

  const pathChar = fc.constantFrom('/', '.', 'a', 'B', '%', '2', 'e', 'E', 'F', '4', '1', '~', '-');
  const anyPath = fc.string({ unit: pathChar, maxLength: 24 }).map((s) => '/' + s);

  it('is idempotent', () => {
    fc.assert(
      fc.property(anyPath, (raw) => {
        const once = normalizeRequestPath(raw);
        expect(once === null ? null : normalizeRequestPath(once)).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('never leaves a dot segment or an escaped unreserved character', () => {
    fc.assert(
      fc.property(anyPath, (raw) => {
        const once = normalizeRequestPath(raw);
        if (once === null) return;
        const segments = once.split('/');
        expect(segments.includes('.') || segments.includes('..')).toBe(false);
        expect(/%(?:[46][1-9A-F]|[57][0-9A]|3[0-9]|2[DE]|5F|7E)/.test(once)).toBe(false);
        expect(once.startsWith('/')).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the WHATWG URL parser on dot segments for plain paths', () => {
    const plainChar = fc.constantFrom('/', '.', 'a', 'b');
    fc.assert(
      fc.property(fc.string({ unit: plainChar, maxLength: 16 }), (rest) => {
        const raw = '/' + rest;
        expect(normalizeRequestPath(raw)).toBe(new URL('http://x' + raw).pathname);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('splitTarget', () => {
  it.each([
    ['/', '/', ''],
    ['/foo?x=1', '/foo', '?x=1'],
    ['/foo?', '/foo', '?'],
    ['/a?b?c', '/a', '?b?c'],
    ['/a/%2F?q=/..', '/a/%2F', '?q=/..'],
  ])('%s → %s + %s', (url, path, query) => {
    expect(splitTarget(url)).toEqual({ path, query });
  });

  it('keeps the path string itself when there is no query', () => {
    const url = '/no/query/here';
    expect(splitTarget(url)?.path).toBe(url);
  });

  it.each([[''], ['*'], ['http://example.com/'], ['example.com:443']])('%j is not origin-form', (url) => {
    expect(splitTarget(url)).toBeNull();
  });
});

function normalised(raw: string): string {
  return normalizeRequestPath(raw)!;
}

/** A backend that decodes %2F and %5C, then resolves dot segments (WHATWG URL): the segments it serves. */
function decodingBackend(path: string): string[] {
  return new URL('http://x' + path.replaceAll(/%2F|%5C/gi, '/')).pathname.split('/').filter((s) => s !== '');
}

describe('hidesDotSegment (docs/routing-semantics-path-security.md)', () => {
  it.each([
    '/public/..%2fadmin',
    '/public/..%2Fadmin',
    '/public/%2e%2e%2fadmin',
    '/public/.%2e%2Fadmin',
    '/public/..%5cadmin',
    '/public/..%5Cadmin',
    '/public/a%2F..%2Fadmin',
    '/public/a%2F.',
    '/public/x%2F..',
    '/%2F..%2Fadmin',
    '/public/.%2Fadmin',
  ])('finds the dot segment an encoded separator hides in %s', (raw) => {
    expect(hidesDotSegment(normalised(raw))).toBe(true);
  });

  it.each([
    '/public/a%2Fb',
    '/public/...%2Fadmin',
    '/public/.a%2Fb',
    '/public/a..%2Fb',
    '/files/%2F',
    '/a%20b',
    '/',
    '/public',
  ])('lets %s through: no piece is "." or ".."', (raw) => {
    expect(hidesDotSegment(normalised(raw))).toBe(false);
  });

  it('matches what a backend that decodes %2F and %5C then resolves dot segments would see', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', '.', '..', '%2F', '%5C', '%2E', '/', 'b'), { maxLength: 8 }),
        (parts) => {
          const path = normalizeRequestPath('/p/' + parts.join(''));
          if (path === null || hidesDotSegment(path)) return;
          // Not refused: decoding the separators resolves no dot segment, the backend sees the segments we matched.
          expect(decodingBackend(path)).toEqual(path.split(/\/|%2F|%5C/).filter((s) => s !== ''));
        },
      ),
    );
  });
});
