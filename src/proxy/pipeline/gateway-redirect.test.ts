import { describe, expect, it } from 'vitest';
import type { RedirectParts } from '../../routing/gateway/route-data.ts';
import { gatewayRedirectLocation } from './gateway-redirect.ts';

const field = { kind: 'HTTPRoute', namespace: 'infra', name: 'r', field: 'spec.rules[0].filters[0]' };
const parts = (over: Partial<RedirectParts>): RedirectParts =>
  ({ scheme: null, hostname: null, port: null, path: null, status: 302, field, ...over }) as RedirectParts;

// Upstream conformance: httproute-redirect-host-and-status, -scheme, -port, -path (v1.6.1).
describe('gatewayRedirectLocation', () => {
  it('replaces the hostname and keeps the path, query and the listener port (left out when well known)', () => {
    expect(gatewayRedirectLocation(parts({ hostname: 'example.org' }), 'a.test', '/x', 'q=1', false, 80)).toBe(
      'http://example.org/x?q=1',
    );
    expect(gatewayRedirectLocation(parts({ hostname: 'example.org' }), 'a.test', '/x', '', false, 8080)).toBe(
      'http://example.org:8080/x',
    );
  });

  it('takes the new scheme with its well-known port unless a port is given', () => {
    expect(gatewayRedirectLocation(parts({ scheme: 'https' }), 'a.test', '/', '', false, 8080)).toBe('https://a.test/');
    expect(gatewayRedirectLocation(parts({ scheme: 'https', port: 8443 }), 'a.test', '/', '', false, 80)).toBe(
      'https://a.test:8443/',
    );
  });

  it('replaces the full path or the matched prefix', () => {
    const full = parts({ path: { kind: 'full', value: '/new' } });
    expect(gatewayRedirectLocation(full, 'a.test', '/old/x', '', false, 80)).toBe('http://a.test/new');
    const prefix = parts({ path: { kind: 'prefix', value: '/v2', matched: '/v1' } });
    expect(gatewayRedirectLocation(prefix, 'a.test', '/v1/x', '', false, 80)).toBe('http://a.test/v2/x');
    expect(gatewayRedirectLocation(prefix, 'a.test', '/v1', '', false, 80)).toBe('http://a.test/v2');
    const root = parts({ path: { kind: 'prefix', value: '/', matched: '/v1' } });
    expect(gatewayRedirectLocation(root, 'a.test', '/v1/x', '', false, 80)).toBe('http://a.test/x');
  });
});
