import { describe, expect, it } from 'vitest';
import { ListenerHosts } from './listener-hosts.ts';

// The listeners of the conformance base Gateway same-namespace-with-https-listener.
const hosts = new ListenerHosts(['', 'second-example.org', '*.wildcard.org', 'fourth-example.wildcard.org']);

describe('ListenerHosts: the listener a name belongs to, for 421 Misdirected Request', () => {
  it('chooses the exact hostname, then the most specific wildcard (one or more labels), then the catch-all', () => {
    expect(hosts.listenerFor('second-example.org')).toBe('second-example.org');
    expect(hosts.listenerFor('fourth-example.wildcard.org')).toBe('fourth-example.wildcard.org');
    expect(hosts.listenerFor('a.b.wildcard.org')).toBe('*.wildcard.org');
    expect(hosts.listenerFor('example.org')).toBe('');
    expect(new ListenerHosts(['a.example']).listenerFor('b.example')).toBeNull();
  });

  // upstream conformance/tests/httproute-https-listener-detect-misdirected-requests.go's table
  it.each([
    ['example.org', 'second-example.org', true],
    ['example.org', 'unknown-example.org', false],
    ['second-example.org', 'unknown-example.org', true],
    ['third-example.wildcard.org', 'fith-example.wildcard.org', false],
    ['third-example.wildcard.org', 'fourth-example.wildcard.org', true],
    ['fourth-example.wildcard.org', 'fith-example.wildcard.org', true],
    ['unknown-example.org', 'example.org', false],
  ])('SNI %s, Host %s: misdirected %s', (serverName, host, misdirected) => {
    expect(hosts.misdirected(serverName, host)).toBe(misdirected);
  });

  it('never calls a request misdirected when the SNI chose no listener', () => {
    expect(new ListenerHosts(['a.example']).misdirected('other.example', 'a.example')).toBe(false);
  });
});
