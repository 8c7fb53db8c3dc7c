// Path replacement, redirect Location and weighted choice, checked against the upstream conformance cases.

import { describe, expect, it } from 'vitest';
import type { GatewayRouteData, RedirectParts } from './route-data.ts';
import { pickBackend, redirectLocation, replacePath } from './request-rewrites.ts';

const prefix = (matched: string, value: string) => ({ kind: 'prefix' as const, matched, value });

describe('replacePath', () => {
  it('HTTPRouteRewritePath: ReplacePrefixMatch and ReplaceFullPath', () => {
    expect(replacePath('/prefix/one/two', prefix('/prefix/one', '/one'))).toBe('/one/two');
    expect(replacePath('/strip-prefix/three', prefix('/strip-prefix', '/'))).toBe('/three');
    expect(replacePath('/strip-prefix', prefix('/strip-prefix', '/'))).toBe('/');
    expect(replacePath('/full/one/two', { kind: 'full', value: '/one' })).toBe('/one');
    expect(
      replacePath(
        '/prefix/rewrite-path-and-modify-headers/one',
        prefix('/prefix/rewrite-path-and-modify-headers', '/prefix'),
      ),
    ).toBe('/prefix/one');
  });

  it('a trailing slash on the matched prefix is ignored; one on the request is kept', () => {
    expect(replacePath('/foo/bar', prefix('/foo/', '/xyz'))).toBe('/xyz/bar');
    expect(replacePath('/foo/', prefix('/foo', '/xyz'))).toBe('/xyz/');
    expect(replacePath('/foo', prefix('/foo', '/xyz/'))).toBe('/xyz');
  });

  // apis/v1/httproute_types.go HTTPPathModifier: the table of ReplacePrefixMatch results, row by row.
  it('follows the spec table of ReplacePrefixMatch results', () => {
    const rows: [string, string, string, string][] = [
      ['/foo/bar', '/foo', '/xyz', '/xyz/bar'],
      ['/foo/bar', '/foo', '/xyz/', '/xyz/bar'],
      ['/foo/bar', '/foo/', '/xyz', '/xyz/bar'],
      ['/foo/bar', '/foo/', '/xyz/', '/xyz/bar'],
      ['/foo', '/foo', '/xyz', '/xyz'],
      ['/foo/', '/foo', '/xyz', '/xyz/'],
      ['/foo/bar', '/foo', '', '/bar'],
      ['/foo/', '/foo', '', '/'],
      ['/foo', '/foo', '', '/'],
      ['/foo/', '/foo', '/', '/'],
      ['/foo', '/foo', '/', '/'],
      // A match of "/" (every path): the value goes in front.
      ['/anything', '/', '/xyz', '/xyz/anything'],
      ['/', '/', '/xyz', '/xyz'],
      ['/', '/', '/', '/'],
    ];
    for (const [path, matched, value, wanted] of rows)
      expect(replacePath(path, prefix(matched, value)), `${path} ${matched} ${value}`).toBe(wanted);
  });
});

const parts = (over: Partial<RedirectParts>): RedirectParts => ({
  scheme: null,
  hostname: null,
  port: null,
  path: null,
  status: 302,
  field: 'f',
  ...over,
});
const request = { scheme: 'http' as const, host: 'example.org', listenerPort: 80, path: '/p', query: '' };

describe('redirectLocation', () => {
  it('HTTPRouteRedirectPortAndScheme: ports follow the scheme, well-known ports are left out', () => {
    expect(redirectLocation(parts({}), request)).toBe('http://example.org/p');
    expect(redirectLocation(parts({}), { ...request, listenerPort: 8080 })).toBe('http://example.org:8080/p');
    expect(redirectLocation(parts({ port: 80 }), request)).toBe('http://example.org/p');
    expect(redirectLocation(parts({ port: 8080 }), request)).toBe('http://example.org:8080/p');
    expect(redirectLocation(parts({ scheme: 'https' }), { ...request, listenerPort: 8080 })).toBe(
      'https://example.org/p',
    );
    expect(redirectLocation(parts({ scheme: 'https', port: 443 }), request)).toBe('https://example.org/p');
    expect(redirectLocation(parts({ scheme: 'https', port: 8443 }), request)).toBe('https://example.org:8443/p');
  });

  it('HTTPRouteRedirectPath / HTTPRouteRedirectHostAndStatus / HTTPRouteRedirectPort: path, host and port parts', () => {
    const prefixed = parts({ path: prefix('/original-prefix', '/replacement-prefix') });
    expect(redirectLocation(prefixed, { ...request, path: '/original-prefix/lemon' })).toBe(
      'http://example.org/replacement-prefix/lemon',
    );
    expect(
      redirectLocation(
        parts({ hostname: 'example.net', path: { kind: 'full', value: '/full-path-replacement' } }),
        request,
      ),
    ).toBe('http://example.net/full-path-replacement');
    expect(redirectLocation(parts({ port: 8083 }), { ...request, query: '?a=1' })).toBe(
      'http://example.org:8083/p?a=1',
    );
  });
});

function data(backends: [string | null, number][]): GatewayRouteData {
  const list = backends.map(([backend, weight]) => ({ backend, weight, field: 'f' }));
  return {
    rule: 'r',
    backends: list,
    totalWeight: list.reduce((sum, b) => sum + b.weight, 0),
    redirect: null,
    rewritePath: null,
    mirrors: [],
    requestTimeoutMs: null,
    grpc: false,
  };
}

describe('pickBackend', () => {
  it('HTTPRouteWeight: 70/30/0 split by the roll, weight 0 never chosen', () => {
    const split = data([
      ['a', 70],
      ['b', 30],
      ['c', 0],
    ]);
    const counts = new Map<string | null, number>();
    for (let i = 0; i < 1000; i++) {
      const chosen = pickBackend(split, i / 1000);
      counts.set(chosen, (counts.get(chosen) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ a: 700, b: 300 });
    expect(pickBackend(split, 0.999_999_999_999)).toBe('b');
  });

  it('an invalid backendRef answers 500 for its share; no weight at all is 500', () => {
    expect(
      pickBackend(
        data([
          ['a', 1],
          [null, 1],
        ]),
        0.75,
      ),
    ).toBeNull();
    expect(
      pickBackend(
        data([
          ['a', 1],
          [null, 1],
        ]),
        0.25,
      ),
    ).toBe('a');
    expect(pickBackend(data([['a', 0]]), 0.5)).toBeNull();
    expect(pickBackend(data([]), 0.5)).toBeNull();
  });
});
