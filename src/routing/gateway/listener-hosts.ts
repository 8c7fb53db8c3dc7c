// Which of one HTTPS port's listeners a name belongs to, for detecting misdirected requests (GEP-3567;
// upstream conformance/tests/httproute-https-listener-detect-misdirected-requests.go). HTTP/2 clients reuse a
// connection for every name its certificate covers, so a request can arrive on a connection whose SNI chose
// another listener; it gets 421 Misdirected Request (RFC 9110 §15.5.20) and the client retries on a new one.

import { compareSpecificity, hostnameCovers } from './hostnames.ts';

export class ListenerHosts {
  readonly exact: ReadonlySet<string>;
  /** `*.` hostnames, most specific first. */
  readonly wildcards: readonly string[];
  readonly catchAll: boolean;

  /** `hostnames`: the port's listeners' hostnames, '' for a listener without one. */
  constructor(hostnames: readonly string[]) {
    this.exact = new Set(hostnames.filter((h) => h !== '' && !h.startsWith('*.')));
    this.wildcards = hostnames.filter((h) => h.startsWith('*.')).sort(compareSpecificity);
    this.catchAll = hostnames.includes('');
    Object.freeze(this);
  }

  /** The hostname of the listener serving `name` (exact, then the most specific wildcard, then '': none); null: no listener. */
  listenerFor(name: string): string | null {
    if (this.exact.has(name)) return name;
    for (const wildcard of this.wildcards) if (hostnameCovers(wildcard, name)) return wildcard;
    return this.catchAll ? '' : null;
  }

  /** Whether a request for `host` on a connection whose SNI was `serverName` belongs to another listener. */
  misdirected(serverName: string, host: string): boolean {
    const chosen = this.listenerFor(serverName);
    return chosen !== null && chosen !== this.listenerFor(host);
  }
}
