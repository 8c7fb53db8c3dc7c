import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';

function errorsOf(argv: string[]): string[] {
  const result = parseConfig(argv, {});
  return result.ok === false ? result.errors : [];
}

describe('Gateway API flags', () => {
  it('refuses a controller name without a domain and a path', () => {
    expect(errorsOf(['--gateway-controller-name', 'sluice'])).toEqual([
      '--gateway-controller-name: "sluice" is not a controller name (DOMAIN/PATH, e.g. sluice.dev/gateway-controller)',
    ]);
    expect(errorsOf(['--gateway-controller-name', 'Sluice.dev/x'])).toHaveLength(1);
    expect(errorsOf(['--gateway-controller-name', 'sluice.dev/a/b-c'])).toEqual([]);
  });

  it('takes only an IPv4 pool of /8 to /32; a bare address is a /32', () => {
    expect(errorsOf(['--gateway-address-pool', 'fd00::/64'])).toEqual([
      '--gateway-address-pool: "fd00::/64" is not an IPv4 CIDR (only IPv4 pools are supported)',
    ]);
    expect(errorsOf(['--gateway-address-pool', '10.0.0.0/4'])).toEqual([
      '--gateway-address-pool: "10.0.0.0/4" is too large (prefix /8 to /32)',
    ]);
    expect(errorsOf(['--gateway-address-pool', 'nope'])).toHaveLength(1);
    const result = parseConfig(['--gateway-address-pool', '127.0.20.9'], {});
    expect(result.ok === true && result.config.gatewayAddressPool).toBe('127.0.20.9/32');
  });

  it('refuses a recheck interval under 100 ms', () => {
    expect(errorsOf(['--gateway-api-recheck', '10ms'])).toEqual([
      '--gateway-api-recheck: "10ms" is too short (at least 100ms)',
    ]);
  });

  it('takes a container port range FIRST-LAST and a Service type', () => {
    const result = parseConfig(['--gateway-container-ports', '30000-30009', '--gateway-service-type', 'NodePort'], {});
    expect(result.ok === true && result.config.gatewayContainerPorts).toEqual({ first: 30000, last: 30009 });
    expect(result.ok === true && result.config.gatewayServiceType).toBe('NodePort');
    const defaults = parseConfig([], {});
    expect(defaults.ok === true && defaults.config.gatewayContainerPorts).toEqual({ first: 20000, last: 20999 });
    expect(defaults.ok === true && defaults.config.gatewayServiceType).toBe('LoadBalancer');
    for (const bad of ['20-10', '0-10', '1-70000', '100', 'a-b']) {
      expect(errorsOf(['--gateway-container-ports', bad])).toEqual([
        `--gateway-container-ports: "${bad}" is not a port range FIRST-LAST (1 to 65535, FIRST <= LAST)`,
      ]);
    }
    expect(errorsOf(['--gateway-service-type', 'ExternalName'])).toHaveLength(1);
  });

  it('refuses a container port range that holds one of the edge or admin ports', () => {
    expect(errorsOf(['--gateway-container-ports', '8000-8100'])).toEqual([
      '--http-port (default) 8080 lies in --gateway-container-ports 8000-8100: Gateway listeners would take it',
    ]);
    expect(errorsOf(['--gateway-container-ports', '9000-9001', '--admin-port', '9001'])).toHaveLength(1);
    expect(errorsOf(['--gateway-container-ports', '9000-9001', '--admin-port', '9002'])).toEqual([]);
    // A pool or a manifest directory never uses the range.
    expect(errorsOf(['--http-port', '20080', '--gateway-address-pool', '127.0.20.0/24'])).toEqual([]);
    expect(errorsOf(['--http-port', '20080', '--manifests', '.'])).toEqual([]);
  });
});
