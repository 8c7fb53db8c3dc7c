import { describe, expect, it } from 'vitest';
import {
  ingress,
  service,
  slice,
  sluiceClass,
  snapshotOf,
  testOptions,
} from '../../test/support/routing-build-fixtures.ts';
import { build } from './build.ts';
import type { BuildResult } from './types.ts';
import { protocolOfAppProtocol, upstreamProtocolOf } from './upstream-policy.ts';

function buildWith(annotations: Record<string, string>, appProtocol?: string): BuildResult {
  const port = { port: 80, name: 'http', ...(appProtocol === undefined ? {} : { appProtocol }) };
  return build(
    snapshotOf([
      sluiceClass,
      service('api', [port]),
      slice('api', ['10.0.0.1']),
      ingress({ name: 'api', host: 'api.example', paths: [{ path: '/', service: 'api' }], annotations }),
    ]),
    testOptions,
  );
}

function routeOf(result: BuildResult) {
  const route = result.table.hosts[0].routes[0];
  return { policy: route.policy.traffic?.upstream, backend: result.endpoints.get(route.backend)! };
}

describe('upstream protocol', () => {
  // ingress-nginx backendprotocol/main.go: HTTP, HTTPS, AUTO_HTTP, GRPC, GRPCS, FCGI, case-insensitive.
  it.each([
    ['GRPC', 'grpc'],
    ['grpcs', 'grpcs'],
    ['HTTPS', 'https'],
    ['H2C', 'h2c'],
    ['AUTO_HTTP', 'http'],
    ['HTTP', 'http'],
  ])('backend-protocol %s → %s', (value, expected) => {
    const result = buildWith({ 'nginx.ingress.kubernetes.io/backend-protocol': value });
    const { policy, backend } = routeOf(result);
    expect(upstreamProtocolOf(policy, backend)).toBe(expected);
    expect(result.problems).toEqual([]);
  });

  it('reports FCGI as unsupported and an unknown value as invalid, and uses HTTP', () => {
    for (const [value, code] of [
      ['FCGI', 'AnnotationUnsupported'],
      ['SPDY', 'AnnotationValueInvalid'],
    ]) {
      const result = buildWith({ 'nginx.ingress.kubernetes.io/backend-protocol': value });
      expect(result.problems.map((problem) => problem.code)).toEqual([code]);
      const { policy, backend } = routeOf(result);
      expect(upstreamProtocolOf(policy, backend)).toBe('http');
    }
  });

  it('sluice.dev/backend-protocol decides over the nginx name, and knows H2', () => {
    const result = buildWith({
      'nginx.ingress.kubernetes.io/backend-protocol': 'GRPC',
      'sluice.dev/backend-protocol': 'H2',
    });
    const { policy, backend } = routeOf(result);
    expect(upstreamProtocolOf(policy, backend)).toBe('h2');
  });

  it('takes the Service port appProtocol when no annotation says, the annotation when one does', () => {
    const byPort = routeOf(buildWith({}, 'kubernetes.io/h2c'));
    expect(byPort.backend.appProtocol).toBe('kubernetes.io/h2c');
    expect(upstreamProtocolOf(byPort.policy, byPort.backend)).toBe('h2c');
    const both = routeOf(buildWith({ 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' }, 'kubernetes.io/h2c'));
    expect(upstreamProtocolOf(both.policy, both.backend)).toBe('https');
  });

  it('maps the standard appProtocol names and leaves unknown ones to HTTP', () => {
    expect(protocolOfAppProtocol('kubernetes.io/ws')).toBe('http');
    expect(protocolOfAppProtocol('kubernetes.io/wss')).toBe('https');
    expect(protocolOfAppProtocol('HTTPS')).toBe('https');
    expect(protocolOfAppProtocol('grpc')).toBe('grpc');
    expect(protocolOfAppProtocol('example.com/custom')).toBeNull();
    expect(protocolOfAppProtocol(undefined)).toBeNull();
  });

  it('reads proxy-ssl-verify, proxy-ssl-name and proxy-ssl-server-name (off by default)', () => {
    const plain = routeOf(buildWith({ 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' }));
    expect(plain.policy).toMatchObject({ verify: false, sendServerName: false, serverName: null });
    const result = buildWith({
      'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
      'nginx.ingress.kubernetes.io/proxy-ssl-verify': 'on',
      'nginx.ingress.kubernetes.io/proxy-ssl-name': 'API.internal',
      'nginx.ingress.kubernetes.io/proxy-ssl-server-name': 'on',
    });
    expect(result.problems).toEqual([]);
    expect(routeOf(result).policy).toMatchObject({ verify: true, sendServerName: true, serverName: 'api.internal' });
    const bad = buildWith({ 'nginx.ingress.kubernetes.io/proxy-ssl-name': '$host' });
    expect(bad.problems.map((problem) => problem.code)).toEqual(['AnnotationValueInvalid']);
  });
});

describe('auth-url', () => {
  it('refuses what is not an http(s) URL, nginx variables, and URLs that do not parse', () => {
    for (const url of ['ftp://auth/x', 'http://auth/$host', 'http://[::1', '/oauth2/auth']) {
      const result = buildWith({ 'nginx.ingress.kubernetes.io/auth-url': url });
      expect(
        result.problems.map((problem) => problem.code),
        url,
      ).toEqual(['AnnotationValueInvalid']);
      expect(routeOf(result).policy).toBeUndefined();
    }
    const ok = buildWith({ 'nginx.ingress.kubernetes.io/auth-url': 'http://oauth2-proxy.auth.svc:4180/oauth2/auth' });
    expect(ok.problems).toEqual([]);
    expect(ok.table.hosts[0].routes[0].policy.traffic?.externalAuth?.url).toBe(
      'http://oauth2-proxy.auth.svc:4180/oauth2/auth',
    );
  });
});
