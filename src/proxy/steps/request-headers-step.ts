import type { HeaderEdits } from '../../routing/policy-types.ts';
import { CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';
import { removeHeader, setHeader } from './header-list.ts';

/**
 * Headers sent upstream: x-forwarded-prefix, upstream-vhost (the Host) and the proxy_set_header lines of
 * snippets (never executed: read as data), after ingress-nginx xforwardedprefix, upstreamvhost.
 */
export class RequestHeadersStep implements RequestStep {
  readonly name = 'request-headers';
  readonly set: readonly (readonly [string, string])[];
  readonly remove: readonly string[];
  /** Gateway API `add`: another line of that header, after any the request has. */
  readonly add: readonly (readonly [string, string])[];
  readonly host: string | null;

  constructor(edits: HeaderEdits | null, forwardedPrefix: string | null, upstreamHost: string | null) {
    const set = edits === null ? [] : [...edits.set];
    if (forwardedPrefix !== null) set.push(['x-forwarded-prefix', forwardedPrefix]);
    this.set = Object.freeze(set);
    this.remove = edits === null ? [] : edits.remove;
    this.add = edits?.add ?? [];
    this.host = upstreamHost;
  }

  apply(exchange: StepExchange): StepOutcome {
    const headers = exchange.headers;
    for (let i = 0; i < this.remove.length; i++) removeHeader(headers, this.remove[i]);
    for (let i = 0; i < this.set.length; i++) setHeader(headers, this.set[i][0], this.set[i][1]);
    for (let i = 0; i < this.add.length; i++) headers.push(this.add[i][0], this.add[i][1]);
    if (this.host !== null) exchange.setUpstreamHost(this.host);
    return CONTINUE;
  }
}
