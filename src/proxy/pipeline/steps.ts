import type { BackendEndpoints, Match } from '../../routing/types.ts';
import type { UpstreamTransport } from '../upstream-transport.ts';
import type { ExchangeRules } from './exchange-rules.ts';

/**
 * The contract between the request pipeline and per-route policies (rewrites, redirects, header rules,
 * access control, auth, rate limits, canary, affinity…).
 *
 * A route's policy is pure frozen data built by src/routing (`Target.policy`). The proxy compiles it into
 * step objects ONCE PER TABLE GENERATION: `compileRoute` (route-steps.ts) is where a policy becomes step
 * instances; `RouteDecider` (route-decision.ts) calls it the first time a request of a generation matches a
 * route and reuses the frozen `CompiledRoute` until the table changes; nothing is compiled per request. A policy that needs state across generations (rate-limit counters, affinity tables) keeps it
 * outside the step, keyed by something stable (e.g. the Ingress ref + rule), and the step refers to it.
 *
 * Steps are class instances with a prototype `apply` method: no closures are made per request, and a step
 * never keeps per-request state on itself (one instance serves every request of the route concurrently).
 *
 * Order for a forwarded request: route decision → request steps in order (the first that answers ends the
 * chain; nothing is sent upstream) → upstream attempt → response steps in order on the response head →
 * body relayed → record. Upgrades (WebSocket) run the same request steps; an answer refuses the upgrade.
 */

/** What a request step returns: go on with the next step, or the step answered the request itself. */
export const CONTINUE = 0;
export const ANSWERED = 1;
/**
 * The step waits for something (a password hash, an auth service): it later calls exchange.proceed() to go
 * on, or answers. Only for plain requests: an Upgrade is decided synchronously (`exchange.upgrade`).
 */
export const SUSPENDED = 2;
export type StepOutcome = typeof CONTINUE | typeof ANSWERED | typeof SUSPENDED;

/** The route a request matched (the `forward`/`upgrade` kinds of the route decision). */
export interface StepRoute {
  readonly match: Match;
  readonly backend: BackendEndpoints;
}

/** What an exchange exposes to a request step. */
export interface StepExchange {
  readonly method: string;
  /** Normalised request path (request-path.ts), as matched. */
  readonly path: string;
  /** The query with its '?', or ''. */
  readonly query: string;
  /** Normalised host, '' when the request had none. */
  readonly host: string;
  /** Flat [name, value, …] pairs that will be sent upstream (hop-by-hop removed, X-Forwarded-* added). Mutable. */
  readonly headers: string[];
  readonly clientAddress: string;
  /** The declared Content-Length; -1 when none (no body, or a chunked one). */
  readonly contentLength: number;
  /** Arrived over HTTPS. */
  readonly tls: boolean;
  readonly requestId: string;
  readonly route: StepRoute;
  /** True for an Upgrade (WebSocket) request: `answer` then refuses the upgrade. */
  readonly upgrade: boolean;
  /** The first value of a request header (name in lower case), or null. */
  header(lowerName: string): string | null;
  /**
   * Answers the request from the edge; the step then returns ANSWERED. `headers`: flat pairs (server,
   * x-request-id and content-length are added). The request body, if any, is not read: the connection closes.
   */
  answer(status: number, headers: readonly string[] | null, body: string | null): void;
  /** Answers with the edge's own error page for `status` (text/plain, one-line `reason`, request id). */
  answerError(status: number, reason: string | null): void;
  /** Path (and query, with its '?') sent upstream instead of the request's own. */
  setUpstreamPath(pathAndQuery: string): void;
  /** Host header sent upstream instead of the request's own. */
  setUpstreamHost(host: string): void;
  /** Forward to another backend than the matched one (canary); it must belong to the current table. */
  useBackend(backend: BackendEndpoints): void;
  /**
   * Prefer the endpoint "address:port" for the first attempt (session affinity, consistent hash); ignored
   * when the backend has no such endpoint or it is ejected. Retries pick another endpoint as usual.
   */
  pinEndpoint(id: string): void;
  /** `listener.requestDone` is called once when this request's response has closed (not for Upgrades). */
  notifyWhenDone(listener: RequestDoneListener): void;
  /** Adds a header to the response the client gets (upstream response or the edge's own answer). */
  addResponseHeader(name: string, value: string): void;
  /** After a step returned SUSPENDED: runs the steps after it, then forwards (nothing when the client left). */
  proceed(): void;
  /** The client went away (a suspended step may drop its work). */
  readonly clientGone: boolean;
}

/** A step that holds something for the duration of a request (limit-connections). */
export interface RequestDoneListener {
  requestDone(exchange: StepExchange): void;
}

/** A request policy, compiled once per table generation. */
export interface RequestStep {
  /** For stats and the stage bench ("body-limit", "cors", …). */
  readonly name: string;
  apply(exchange: StepExchange): StepOutcome;
}

/** The upstream response head as response steps see it; `headers` is mutable flat pairs. */
export interface ResponseHead {
  status: number;
  readonly headers: string[];
}

/** A response policy (header edits…), applied to the upstream response head before it is written. */
export interface ResponseStep {
  readonly name: string;
  apply(exchange: StepExchange, head: ResponseHead): void;
}

/** Everything a matched route adds to the pipeline, compiled once per table generation and frozen. */
export interface CompiledRoute {
  readonly requestSteps: readonly RequestStep[];
  readonly responseSteps: readonly ResponseStep[];
  /** Request body limit in bytes; Infinity when unlimited (also enforced while the body streams). */
  readonly bodyLimit: number;
  /** Time to wait for the upstream response head; 0 = no limit. */
  readonly headersTimeoutMs: number;
  /** The route's own retry limits (proxy-next-upstream-tries/-timeout, or off); null: the controller's. */
  readonly retry: RouteRetry | null;
  /** The route's own balancing (ingress-nginx load-balance); null: the controller's --balancer. */
  readonly balance: 'round-robin' | 'least-request' | null;
  /** How the pods are reached when not plain HTTP/1.1 (HTTPS, h2c, gRPC…); null: the default client. */
  readonly transport: UpstreamTransport | null;
  /** gRPC streams: no idle timeouts on either body (the client's deadline and the route's timeout bound them). */
  readonly longLived: boolean;
  /** Connect and send timeouts, request buffering, error pages (exchange-rules.ts); null on most routes. */
  readonly exchangeRules: ExchangeRules | null;
}

/** maxTries counts the first attempt; null fields are the controller's. budgetMs bounds when a retry may start. */
export interface RouteRetry {
  readonly maxTries: number | null;
  readonly budgetMs: number | null;
}
