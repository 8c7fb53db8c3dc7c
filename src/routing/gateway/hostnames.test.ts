// Gateway API hostnames: wildcards cover one or more labels, intersection keeps the more specific name
// (conformance/tests/httproute-hostname-intersection.go, httproute-listener-hostname-matching.go).

import { describe, expect, it } from 'vitest';
import {
  effectiveHostnames,
  hostnameCovers,
  intersectHostname,
  isGatewayHostname,
  reachableThrough,
} from './hostnames.ts';
import { parseGatewayDuration, selectorMatches } from './values.ts';

describe('Gateway hostnames', () => {
  it('a wildcard covers one or more labels, never the bare suffix', () => {
    expect(hostnameCovers('*.example.com', 'a.example.com')).toBe(true);
    expect(hostnameCovers('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostnameCovers('*.example.com', 'example.com')).toBe(false);
    expect(hostnameCovers('*.example.com', 'aexample.com')).toBe(false);
    expect(hostnameCovers('*.example.com', '*.a.example.com')).toBe(true);
    expect(hostnameCovers('a.example.com', 'a.example.com')).toBe(true);
  });

  it('intersection keeps the more specific hostname, or nothing', () => {
    expect(intersectHostname(null, 'foo.com')).toBe('foo.com');
    expect(intersectHostname('*.wildcard.io', 'foo.bar.wildcard.io')).toBe('foo.bar.wildcard.io');
    expect(intersectHostname('very.specific.com', '*.specific.com')).toBe('very.specific.com');
    expect(intersectHostname('*.wildcard.io', '*.a.wildcard.io')).toBe('*.a.wildcard.io');
    expect(intersectHostname('*.wildcard.io', 'wildcard.io')).toBeNull();
    expect(intersectHostname('very.specific.com', 'non.matching.com')).toBeNull();
  });

  it('a route without hostnames takes the listener hostname ("" for any)', () => {
    expect(effectiveHostnames(null, [])).toEqual(['']);
    expect(effectiveHostnames('*.a.com', [])).toEqual(['*.a.com']);
    expect(effectiveHostnames('*.a.com', ['x.a.com', 'x.a.com', 'b.com'])).toEqual(['x.a.com']);
  });

  it('listener isolation: a host reached through a listener is dropped when a more specific sibling covers it', () => {
    const siblings = [null, '*.example.com', '*.foo.example.com', 'abc.foo.example.com'];
    expect(reachableThrough('*.example.com', 'abc.foo.example.com', siblings)).toBe(false);
    expect(reachableThrough('*.foo.example.com', 'x.foo.example.com', siblings)).toBe(true);
    expect(reachableThrough('*.example.com', 'x.foo.example.com', siblings)).toBe(false);
    expect(reachableThrough(null, 'bar.com', siblings)).toBe(true);
  });

  it('rejects IP addresses, upper case and empty labels', () => {
    expect(isGatewayHostname('foo.example.com')).toBe(true);
    expect(isGatewayHostname('*.example.com')).toBe(true);
    expect(isGatewayHostname('10.0.0.1')).toBe(false);
    expect(isGatewayHostname('Foo.com')).toBe(false);
    expect(isGatewayHostname('a..com')).toBe(false);
    expect(isGatewayHostname('')).toBe(false);
  });
});

describe('Gateway API values', () => {
  it('durations per GEP-2257: up to four parts of up to five digits', () => {
    expect(parseGatewayDuration('10s')).toBe(10_000);
    expect(parseGatewayDuration('1h30m')).toBe(5_400_000);
    expect(parseGatewayDuration('500ms')).toBe(500);
    expect(parseGatewayDuration('1h1m1s1ms')).toBe(3_661_001);
    expect(parseGatewayDuration('0s')).toBe(0);
    expect(parseGatewayDuration('1h1m1s1ms1h')).toBeNull();
    expect(parseGatewayDuration('123456s')).toBeNull();
    expect(parseGatewayDuration('1.5s')).toBeNull();
    expect(parseGatewayDuration('')).toBeNull();
  });

  it('label selectors: matchLabels and matchExpressions', () => {
    const labels = { tier: 'web', zone: 'a' };
    expect(selectorMatches({ matchLabels: { tier: 'web' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { tier: 'app' } }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'x'] }] }, labels)).toBe(
      true,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, labels)).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key: 'gone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'Bogus' }] }, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(true);
  });
});
