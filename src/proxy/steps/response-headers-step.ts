import type { HeaderEdits } from '../../routing/policy-types.ts';
import type { ResponseHead, ResponseStep, StepExchange } from '../pipeline/steps.ts';
import { headerValue, removeHeader, setHeader } from './header-list.ts';

/**
 * Response header edits: Gateway API ResponseHeaderModifier (conformance/tests/httproute-response-header-
 * modifier.go); the more_set_headers / add_header / more_clear_headers lines of snippets (never executed: read
 * as data), and proxy-redirect-from/-to on the Location header (ingress-nginx proxy_redirect).
 */
export class ResponseHeadersStep implements ResponseStep {
  readonly name = 'response-headers';
  readonly set: readonly (readonly [string, string])[];
  readonly remove: readonly string[];
  /** Gateway API `add`: another line of that header, after any the upstream sent (a list header, RFC 9110 5.3). */
  readonly add: readonly (readonly [string, string])[];
  readonly locationFrom: string | null;
  readonly locationTo: string;

  constructor(edits: HeaderEdits | null, location: { readonly from: string; readonly to: string } | null) {
    this.set = edits === null ? [] : edits.set;
    this.remove = edits === null ? [] : edits.remove;
    this.add = edits?.add ?? [];
    this.locationFrom = location === null ? null : location.from;
    this.locationTo = location === null ? '' : location.to;
  }

  apply(_exchange: StepExchange, head: ResponseHead): void {
    const headers = head.headers;
    for (let i = 0; i < this.remove.length; i++) removeHeader(headers, this.remove[i]);
    for (let i = 0; i < this.set.length; i++) setHeader(headers, this.set[i][0], this.set[i][1]);
    for (let i = 0; i < this.add.length; i++) headers.push(this.add[i][0], this.add[i][1]);
    if (this.locationFrom === null) return;
    const location = headerValue(headers, 'location');
    if (location !== null && location.startsWith(this.locationFrom))
      setHeader(headers, 'location', this.locationTo + location.slice(this.locationFrom.length));
  }
}
