import { describe, expect, it } from 'vitest';
import { okBackend } from '../../test/support/proxy-handler-fixtures.ts';
import type { TrafficPolicy } from '../routing/policy-types.ts';
import type { Target } from '../routing/types.ts';
import { deliveryText } from './delivery-text.ts';

function target(traffic?: Partial<TrafficPolicy>): Target {
  return {
    backend: 'shop/api:80',
    source: { kind: 'Ingress', namespace: 'shop', name: 'api' },
    policy: {
      sslRedirect: false,
      requestTimeoutMs: null,
      maxBodyBytes: null,
      ...(traffic ? { traffic: traffic as TrafficPolicy } : {}),
    },
  };
}

const backend = okBackend('shop/api:80', [{ address: '127.0.0.1', port: 1 }]);
const upstream = (protocol: string, verify = false) =>
  ({
    upstream: { protocol, verify, serverName: null, sendServerName: false, secret: null, secretField: '', field: '' },
  }) as Partial<TrafficPolicy>;

describe('deliveryText', () => {
  it('says plain HTTP as before', () => {
    expect(deliveryText(target(), backend, 'shop/api')).toBe('proxied to shop/api');
  });

  it('names the auth, then the protocol, and whether the pod certificate is verified', () => {
    const traffic = {
      ...upstream('grpcs'),
      externalAuth: { url: 'http://oauth2-proxy.auth/oauth2/auth' },
    } as unknown as Partial<TrafficPolicy>;
    expect(deliveryText(target(traffic), backend, 'shop/api')).toBe(
      'auth via http://oauth2-proxy.auth/oauth2/auth, then proxied over grpcs to shop/api (pod certificate not verified)',
    );
    expect(deliveryText(target(upstream('https', true)), backend, 'shop/api')).toBe(
      'proxied over https to shop/api (pod certificate verified)',
    );
  });

  it('takes the protocol from appProtocol, and says basic auth and passthrough', () => {
    expect(deliveryText(target(), { ...backend, appProtocol: 'kubernetes.io/h2c' }, 'shop/api')).toBe(
      'proxied over h2c to shop/api',
    );
    const basic = { basicAuth: { realm: 'Team' } } as unknown as Partial<TrafficPolicy>;
    expect(deliveryText(target(basic), backend, 'shop/api')).toBe(
      'basic auth (realm "Team"), then proxied to shop/api',
    );
    const pass = { sslPassthrough: true } as Partial<TrafficPolicy>;
    expect(deliveryText(target(pass), backend, 'shop/api')).toBe('TLS passthrough (raw TCP by SNI) to shop/api');
  });
});
