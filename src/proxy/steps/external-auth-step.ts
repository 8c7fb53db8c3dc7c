import { Agent, request } from 'undici';
import type { ExternalAuthPolicy } from '../../routing/policy-types.ts';
import {
  ANSWERED,
  CONTINUE,
  type RequestStep,
  type StepExchange,
  type StepOutcome,
  SUSPENDED,
} from '../pipeline/steps.ts';
import { type AuthAnswerCache, authCacheFor } from './auth-answer-cache.ts';
import {
  isTimeout,
  OUTCOME_ALLOWED,
  OUTCOME_CACHED,
  OUTCOME_DENIED,
  OUTCOME_ERROR,
  OUTCOME_TIMEOUT,
  outcomeCounters,
} from './external-auth-outcomes.ts';

/** The wait for the auth service's answer (ingress-nginx uses the location's proxy timeouts). */
export const AUTH_TIMEOUT_MS = 5_000;

/** One connection pool for every auth service: keep-alive connections are reused across requests and routes. */
const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000, connectTimeout: AUTH_TIMEOUT_MS });

/** Request headers never sent to the auth service (the subrequest has no body; ingress-nginx: Content-Length ""). */
// nginx's proxy module does not pass hop-by-hop Connection/Upgrade to the auth location (nginx.tmpl sets
// neither there), so a WebSocket handshake is checked as a plain GET.
const DROPPED = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'expect',
  'x-real-ip',
  'connection',
  'upgrade',
]);

/**
 * auth-url, as ingress-nginx's auth_request (nginx.tmpl `location = /_external-auth-…`): the request's headers
 * without its body go to the auth service with Host set to the service's, X-Original-URL, X-Original-Method,
 * X-Sent-From, X-Real-IP, X-Forwarded-For, X-Auth-Request-Redirect (and X-Original-URI, X-Scheme with
 * auth-method). 2xx: the request goes on with the auth-response-headers copied onto it (the client's own
 * copies removed) and the auth service's Set-Cookie on the answer; 401: the sign-in redirect, or the 401;
 * 403: 403; anything else, or no answer: 500.
 */
export class ExternalAuthStep implements RequestStep {
  readonly name = 'external-auth';
  readonly policy: ExternalAuthPolicy;
  readonly host: string;
  /** auth-cache-key's answers (auth-answer-cache.ts); null when not cached. */
  readonly cache: AuthAnswerCache | null;
  /** Decisions by outcome (external-auth-outcomes.ts), for metrics. */
  readonly outcomes: Float64Array;

  /** `scope`: names the route, so its cache outlives table generations (route-steps.ts). */
  constructor(policy: ExternalAuthPolicy, scope = '') {
    this.policy = policy;
    this.host = new URL(policy.url).host;
    this.cache = policy.cache === undefined ? null : authCacheFor(scope + '\0' + JSON.stringify(policy), policy.cache);
    this.outcomes = outcomeCounters(this.host);
  }

  apply(exchange: StepExchange): StepOutcome {
    const key = this.cache === null ? '' : this.cache.keyOf(exchange);
    const kept = this.cache === null ? null : this.cache.get(key);
    if (kept !== null) {
      this.outcomes[OUTCOME_CACHED]++;
      return this.verdict(exchange, kept.status, kept.headers) ? CONTINUE : ANSWERED;
    }
    request(this.policy.url, {
      method: (this.policy.method ?? exchange.method) as 'GET',
      headers: this.subrequestHeaders(exchange),
      dispatcher: agent,
      headersTimeout: AUTH_TIMEOUT_MS,
      bodyTimeout: AUTH_TIMEOUT_MS,
    }).then(
      (answer) => {
        answer.body.dump().catch(ignore);
        this.cache?.remember(key, answer.statusCode, answer.headers, this.policy.responseHeaders);
        this.decided(exchange, answer.statusCode, answer.headers);
      },
      (error: unknown) => {
        this.outcomes[isTimeout(error) ? OUTCOME_TIMEOUT : OUTCOME_ERROR]++;
        this.decided(exchange, 0, null);
      },
    );
    return SUSPENDED;
  }

  subrequestHeaders(exchange: StepExchange): string[] {
    const out: string[] = [];
    const headers = exchange.headers;
    for (let i = 0; i < headers.length; i += 2) {
      if (!DROPPED.has(headers[i].toLowerCase())) out.push(headers[i], headers[i + 1]);
    }
    const uri = exchange.path + exchange.query;
    const scheme = exchange.tls ? 'https' : 'http';
    out.push(
      'host',
      this.host,
      'x-original-url',
      scheme + '://' + exchange.host + uri,
      'x-original-method',
      exchange.method,
      'x-sent-from',
      'nginx-ingress-controller',
      'x-real-ip',
      exchange.clientAddress,
      'x-auth-request-redirect',
      this.policy.requestRedirect ?? uri,
    );
    if (this.policy.method !== null) out.push('x-original-uri', uri, 'x-scheme', scheme);
    const set = this.policy.proxySetHeaders;
    if (set !== undefined) setHeaders(out, set);
    return out;
  }

  decided(exchange: StepExchange, status: number, headers: Record<string, string | string[] | undefined> | null): void {
    if (status !== 0) this.outcomes[outcomeOf(status)]++;
    if (exchange.clientGone) return;
    if (this.verdict(exchange, status, headers)) exchange.proceed();
  }

  /** Applies the auth answer: true when the request goes on (headers copied), false when it was answered. */
  verdict(
    exchange: StepExchange,
    status: number,
    headers: Readonly<Record<string, string | string[] | undefined>> | null,
  ): boolean {
    const cookies = headers?.['set-cookie'];
    if (cookies !== undefined)
      for (const cookie of ([] as string[]).concat(cookies)) exchange.addResponseHeader('set-cookie', cookie);
    if (status >= 200 && status < 300) {
      this.copyHeaders(exchange, headers!);
      return true;
    }
    if (status === 401 && this.policy.signin !== null) {
      exchange.answer(302, ['location', this.signinLocation(exchange)], '');
    } else if (status === 401 || status === 403) {
      const challenge = headers?.['www-authenticate'];
      if (status === 401 && typeof challenge === 'string') exchange.addResponseHeader('www-authenticate', challenge);
      exchange.answerError(status, null);
    } else {
      exchange.answerError(
        500,
        status === 0 ? 'the authentication service did not answer' : 'the authentication service answered ' + status,
      );
    }
    return false;
  }

  copyHeaders(exchange: StepExchange, from: Readonly<Record<string, string | string[] | undefined>>): void {
    const headers = exchange.headers;
    for (const name of this.policy.responseHeaders) {
      for (let i = headers.length - 2; i >= 0; i -= 2) if (headers[i].toLowerCase() === name) headers.splice(i, 2);
      const value = from[name];
      if (typeof value === 'string' && value !== '') headers.push(name, value);
      else if (Array.isArray(value)) headers.push(name, value.join(', '));
    }
  }

  /** ingress-nginx buildAuthSignURL: `rd=$pass_access_scheme://$http_host$escaped_request_uri` unless already there. */
  signinLocation(exchange: StepExchange): string {
    const signin = this.policy.signin!;
    const original = (exchange.tls ? 'https' : 'http') + '://' + exchange.host + exchange.path + exchange.query;
    const param = this.policy.redirectParam;
    if (signin.includes('?' + param + '=') || signin.includes('&' + param + '=')) return signin;
    return signin + (signin.includes('?') ? '&' : '?') + param + '=' + encodeURIComponent(original);
  }
}

function ignore(): void {}

/** auth-proxy-set-headers (nginx `proxy_set_header` in the auth location): each replaces any header of its name. */
function setHeaders(out: string[], set: readonly (readonly [string, string])[]): void {
  for (const [name, value] of set) {
    for (let i = out.length - 2; i >= 0; i -= 2) if (out[i].toLowerCase() === name) out.splice(i, 2);
    out.push(name, value);
  }
}

function outcomeOf(status: number): number {
  if (status >= 200 && status < 300) return OUTCOME_ALLOWED;
  return status === 401 || status === 403 ? OUTCOME_DENIED : OUTCOME_ERROR;
}
