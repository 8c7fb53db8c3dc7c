import { describe, expect, it } from 'vitest';
import { serviceStatusAddresses } from './gateway-service-addresses.ts';

const service = (status: unknown, clusterIP?: string) => ({ metadata: {}, spec: { clusterIP }, status });

describe('a provisioned Service as Gateway status.addresses', () => {
  it('lists the load balancer ingress IPs and hostnames in order', () => {
    const ingress = [{ ip: '203.0.113.7' }, { hostname: 'lb.example' }, { ip: '' }, {}];
    expect(serviceStatusAddresses(service({ loadBalancer: { ingress } }, '10.96.0.1'))).toEqual([
      { type: 'IPAddress', value: '203.0.113.7' },
      { type: 'Hostname', value: 'lb.example' },
    ]);
  });

  it('falls back to the clusterIP (LoadBalancer pending, ClusterIP, NodePort), never a headless None', () => {
    expect(serviceStatusAddresses(service({ loadBalancer: {} }, '10.96.0.1'))).toEqual([
      { type: 'IPAddress', value: '10.96.0.1' },
    ]);
    expect(serviceStatusAddresses(service(undefined, 'None'))).toEqual([]);
    expect(serviceStatusAddresses(service(undefined))).toEqual([]);
  });
});
