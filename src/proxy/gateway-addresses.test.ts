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

  it('honours spec.addresses inside the pool and says why when it cannot', () => {
    const pool = new GatewayAddressPool('127.0.20.0/24', '0.0.0.0');
    const given = pool.assign([
      request('ns/a', ['127.0.20.77']),
      request('ns/b', ['127.0.20.77']),
      request('ns/c', ['10.1.1.1']),
    ]);
    expect(given.get('ns/a')).toEqual({ address: '127.0.20.77', problem: null });
    expect(given.get('ns/b')?.problem).toBe('127.0.20.77 is already used by Gateway ns/a');
    expect(given.get('ns/b')?.address).toMatch(/^127\.0\.20\./);
    expect(given.get('ns/c')?.problem).toBe('none of 10.1.1.1 is in the address pool');
  });

  it('without a pool every Gateway shares the bind address', () => {
    const pool = new GatewayAddressPool(null, '127.0.0.1');
    expect([...pool.assign([request('a/x'), request('b/y')]).values()]).toEqual([
      { address: '127.0.0.1', problem: null },
      { address: '127.0.0.1', problem: null },
    ]);
  });
});
