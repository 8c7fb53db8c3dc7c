import type { CookieSession, HashSession } from '../../routing/policy-types.ts';
import type { BackendEndpoints } from '../../routing/types.ts';
import { CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';
import { HashRing, hash32 } from './hash-ring.ts';
import { cookieOf, requestKey } from './request-key.ts';

/** The ids the balancer gives the backend's endpoints ("address:port", "[v6]:port"). */
export function endpointIds(backend: BackendEndpoints): string[] {
  if (backend.externalName !== null) return [`${backend.externalName.host}:${backend.externalName.port}`];
  return backend.usable.map(
    (each) => `${each.address.includes(':') ? `[${each.address}]` : each.address}:${each.port}`,
  );
}

/**
 * upstream-hash-by, after ingress-nginx internal/ingress/annotations/upstreamhashby and its chash
 * balancer: the request's key (nginx variables) picks the endpoint on a consistent-hash ring, so the
 * same key keeps its endpoint and only ~1/N keys move when an endpoint comes or goes.
 */
export class HashSessionStep implements RequestStep {
  readonly name = 'hash-session';
  readonly ring: HashRing;
  readonly key: HashSession['key'];

  constructor(session: HashSession, backend: BackendEndpoints) {
    this.ring = new HashRing(endpointIds(backend));
    this.key = session.key;
  }

  apply(exchange: StepExchange): StepOutcome {
    const id = this.ring.lookup(requestKey(this.key, exchange));
    if (id !== null) exchange.pinEndpoint(id);
    return CONTINUE;
  }
}

/**
 * affinity: cookie, after ingress-nginx internal/ingress/annotations/sessionaffinity and its sticky
 * balancer (test/e2e/annotations/affinity.go): a client without a valid cookie gets an endpoint and a
 * cookie naming it (a hash, never the address); with the cookie it keeps that endpoint while it exists.
 */
export class CookieSessionStep implements RequestStep {
  readonly name = 'cookie-session';
  readonly cookie: string;
  readonly byValue: ReadonlyMap<string, string>;
  readonly ring: HashRing;
  /** Set-Cookie attributes after the value. */
  readonly attributes: string;
  readonly expiresSeconds: number | null;

  constructor(session: CookieSession, backend: BackendEndpoints, routePath: string) {
    this.cookie = session.cookie;
    const ids = endpointIds(backend);
    this.byValue = new Map(ids.map((id) => [hash32(id).toString(16).padStart(8, '0'), id]));
    this.ring = new HashRing(ids);
    let attributes = `; Path=${session.path ?? routePath}`;
    if (session.maxAgeSeconds !== null) attributes += `; Max-Age=${session.maxAgeSeconds}`;
    if (session.secure) attributes += '; Secure';
    if (session.sameSite !== null) attributes += `; SameSite=${session.sameSite}`;
    this.attributes = attributes + '; HttpOnly';
    this.expiresSeconds = session.expiresSeconds;
  }

  apply(exchange: StepExchange): StepOutcome {
    const pinned = this.byValue.get(cookieOf(exchange.header('cookie'), this.cookie));
    if (pinned !== undefined) {
      exchange.pinEndpoint(pinned);
      return CONTINUE;
    }
    const id = this.ring.lookup(exchange.requestId + Math.random());
    if (id === null) return CONTINUE;
    exchange.pinEndpoint(id);
    const expires =
      this.expiresSeconds === null
        ? ''
        : `; Expires=${new Date(Date.now() + this.expiresSeconds * 1000).toUTCString()}`;
    exchange.addResponseHeader(
      'set-cookie',
      `${this.cookie}=${hash32(id).toString(16).padStart(8, '0')}${this.attributes}${expires}`,
    );
    return CONTINUE;
  }
}
