import type { RequestRecord } from '../../src/proxy/request-record.ts';

/** A finished request as the edge reports it, for tests: override what the test is about. */
export function requestRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    startTime: 1_700_000_000_000,
    durationMs: 12.5,
    clientAddress: '127.0.0.1',
    method: 'GET',
    host: 'shop.example.com',
    path: '/cart',
    protocol: 'http/1.1',
    tls: false,
    status: 200,
    bytesIn: 120,
    bytesOut: 2048,
    requestId: 'req-1',
    namespace: 'shop',
    ingress: 'storefront',
    service: 'web',
    ruleHost: 'shop.example.com',
    rulePath: '/cart',
    backend: 'shop/web:80',
    upstreamAddress: '10.0.0.7:8080',
    upstreamStatus: 200,
    upstreamConnectMs: 0,
    upstreamHeaderMs: 9.5,
    upstreamResponseMs: 11,
    retries: 0,
    error: '',
    ...overrides,
  };
}
