import { describe, expect, it } from 'vitest';
import { GatewayAddressPool } from './gateway-addresses.ts';

const request = (gateway: string, requested: string[] = []) => ({ gateway, requested });

describe('GatewayAddressPool', () => {
  it('gives each Gateway its own address in the pool, the same one on every rebuild and in a new process', () => {
    const pool = new GatewayAddressPool('127.0.20.0/24', '0.0.0.0');
    const first = pool.assign([request('a/one'), request('b/two')]);
    const one = first.get('a/one')?.address;
    const two = first.get('b/two')?.address;
    expect(one).toMatch(/^127\.0\.20\.(\d+)$/);
    expect(two).not.toBe(one);
    expect(pool.assign([request('b/two'), request('a/one')]).get('a/one')?.address).toBe(one);
    expect(new GatewayAddressPool('127.0.20.0/24', '0.0.0.0').assign([request('a/one')]).get('a/one')?.address).toBe(
      one,
    );
    for (const address of [one, two]) expect(['127.0.20.0', '127.0.20.255']).not.toContain(address);
  });

  it('keeps an address while its Gateway exists, even when a newcomer hashes onto it', () => {
    const pool = new GatewayAddressPool('127.0.20.0/30', '0.0.0.0'); // two usable: .1 and .2
    const a = pool.assign([request('ns/a')]).get('ns/a')?.address;
    const both = pool.assign([request('ns/a'), request('ns/b')]);
    expect(both.get('ns/a')?.address).toBe(a);
    expect(both.get('ns/b')?.address).not.toBe(a);
    const third = pool.assign([request('ns/a'), request('ns/b'), request('ns/c')]);
    expect(third.get('ns/c')).toEqual({ address: null, problem: 'the address pool is exhausted' });
  });

  // conformance/tests/gateway-static-addresses.go: a requested address that cannot be used is told, never replaced.
  it('honours spec.addresses inside the pool, and gives no other address when it cannot', () => {
    const pool = new GatewayAddressPool('127.0.20.0/24', '0.0.0.0');
    const given = pool.assign([
      request('ns/a', ['127.0.20.77']),
      request('ns/b', ['127.0.20.77']),
      request('ns/c', ['10.1.1.1']),
      request('ns/d', ['10.1.1.1', '127.0.20.78']),
    ]);
    expect(given.get('ns/a')).toEqual({ address: '127.0.20.77', problem: null });
    expect(given.get('ns/b')).toEqual({
      address: null,
      problem: '127.0.20.77 is already used by Gateway ns/a',
      unusable: true,
    });
    expect(given.get('ns/c')).toEqual({
      address: null,
      problem: '10.1.1.1 is not in the address pool',
      unusable: true,
    });
    expect(given.get('ns/d')?.problem).toBe('sluice serves a Gateway on one address; 10.1.1.1, 127.0.20.78 requested');
    // Once only the usable address is asked for, it is given.
    expect(pool.assign([request('ns/d', ['127.0.20.78'])]).get('ns/d')).toEqual({
      address: '127.0.20.78',
      problem: null,
    });
  });

  it('without a pool every Gateway shares the bind address', () => {
    const pool = new GatewayAddressPool(null, '127.0.0.1');
    expect([...pool.assign([request('a/x'), request('b/y')]).values()]).toEqual([
      { address: '127.0.0.1', problem: null },
      { address: '127.0.0.1', problem: null },
    ]);
  });
});
