import { describe, expect, it } from 'vitest';
import { build } from './build.ts';
import {
  fakeTlsSecret,
  ingress,
  service,
  slice,
  sluiceClass,
  snapshotOf,
  testOptions,
} from '../../test/support/routing-build-fixtures.ts';
import { dumpBuild, policyText } from './dump.ts';

describe('dumpBuild', () => {
  const result = build(
    snapshotOf([
      sluiceClass,
      ingress({
        name: 'shop',
        host: 'shop.example.com',
        paths: [
          { path: '/', service: 'web' },
          { path: '/cart', pathType: 'Exact', service: 'web' },
        ],
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      }),
      service('web'),
      slice('web', ['10.0.0.2', '10.0.0.1']),
      fakeTlsSecret('shop-tls', ['shop.example.com']),
    ]),
    testOptions,
  );
  const text = dumpBuild(result);

  it('lists hosts, routes with type, backend, source and the policy flags that are on', () => {
    expect(text).toContain('  shop.example.com  tls default/shop-tls\n');
    expect(text).toMatch(
      / {4}Exact {4}\/cart {2}→ default\/web:80 {2}from default\/shop spec\.rules\[0\]\.http\.paths\[1\] {2}\[sslRedirect\]\n/,
    );
    expect(text.indexOf('Exact')).toBeLessThan(text.indexOf('Prefix'));
  });

  it('lists TLS hosts and certificates without any key material', () => {
    expect(text).toContain('  shop.example.com → default/shop-tls\n');
    expect(text).toContain('certificate default/shop-tls: subject "CN=shop.example.com"');
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain('BEGIN');
  });

  it('lists endpoints sorted with usable ones marked', () => {
    expect(text).toContain(
      '  default/web:80  ok  2/2 usable\n    * 10.0.0.1:8080  ready\n    * 10.0.0.2:8080  ready\n',
    );
  });

  it('ends sections with problems and owned Ingresses', () => {
    expect(text).toMatch(/\nproblems\n {2}\(none\)\n\nowned ingresses\n {2}default\/shop\n$/);
  });

  it('shows only policy fields that are on', () => {
    expect(policyText({ sslRedirect: false, requestTimeoutMs: null, maxBodyBytes: null })).toBe('');
    expect(policyText({ sslRedirect: true, requestTimeoutMs: 5000, maxBodyBytes: null })).toBe(
      '  [requestTimeoutMs=5000 sslRedirect]',
    );
  });
});
