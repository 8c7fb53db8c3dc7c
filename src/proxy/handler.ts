import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Readable } from 'node:stream';
import type { RoutingState } from '../controller/state.ts';
import type { Logger } from '../util/logger.ts';
import { Balancer } from './balancer.ts';
import { plainClientAddress } from './client-address.ts';
import type { EdgeContext } from './edge-context.ts';
import { collectEdgeStats, type EdgeStats } from './edge-stats.ts';
import { errorBody, proxyErrors } from './errors.ts';
import { Exchange, type EdgeRequest } from './forward.ts';
import { appendForwardedHeaders, filterRequestHeaders, RequestHeadScan } from './headers.ts';
import { defaultPassiveHealth, type PassiveHealthOptions } from './passive-health.ts';
import { HTTPS_REDIRECT_STATUS } from './redirect.ts';
import { isSaneRequestId, RequestIdGenerator } from './request-id.ts';
import type { RequestTracer } from '../telemetry/tracing-hooks.ts';
import type { RequestRecordListener } from './request-record.ts';
import { decideRoute, RouteDecision } from './request-route.ts';
import { parseTrustedProxies } from './trusted-proxies.ts';
import { defaultPoolOptions, UpstreamPools } from './upstream-pools.ts';

export type { EdgeEndpointStats, EdgeStats } from './edge-stats.ts';

export interface ProxyHandlerOptions {
  /** Read once per request. */
  getState(): RoutingState;
  /** CIDRs whose X-Forwarded-* / X-Real-IP are kept (X-Forwarded-For appended to). */
  trustedProxies: readonly string[];
  balancer: 'round-robin' | 'least-request';
  /** clientBodyMs: longest silence between two request body chunks from the client (408 after); default 60 s, 0 = off. */
  timeouts: { connectMs: number; responseHeadersMs: number; bodyIdleMs: number; clientBodyMs?: number };
  /** maxTries counts the first attempt; budgetMs bounds the time after which no retry starts. */
  retry: { maxTries: number; budgetMs: number };
  /** Default when the route policy says null; null = unlimited. */
  maxBodyBytes: number | null;
  /** For the https:// redirect Location (omitted when 443). */
  httpsPort: number;
  onRequestDone: RequestRecordListener | null;
  /** Tracing hooks, or null/absent when tracing is off. */
  tracer?: RequestTracer | null;
  log: Logger;
  /** Ejection backoff of passive health; defaults to 1 s doubling up to 30 s. */
  passiveHealth?: PassiveHealthOptions;
  /** Connection cap per upstream endpoint; default 256. */
  connectionsPerEndpoint?: number;
}

export type UpgradeResolution =
  | { ok: true; upstream: { address: string; port: number }; headers: Record<string, string | string[]>; path: string }
  | { ok: false; status: number; body: string };

export interface ProxyHandler {
  /** HTTP/1.x and HTTP/2 (compat API) requests. `tls` = arrived over HTTPS. */
  handle(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse, tls: boolean): void;
  /** For Upgrade requests: route + endpoint choice with the same rules, or the error to answer. */
  resolveUpgrade(req: IncomingMessage, tls: boolean): UpgradeResolution;
  /** Endpoint health and balancer counters for the status page and metrics. */
  stats(): EdgeStats;
  /** Closes upstream pools. */
  close(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 10_000;
/** nginx's client_body_timeout. */
const DEFAULT_CLIENT_BODY_MS = 60_000;

export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const log = options.log;
  const trusted = parseTrustedProxies(options.trustedProxies);
  for (const error of trusted.errors) log.warn(error);
  const pools = new UpstreamPools({
    ...defaultPoolOptions,
    connectMs: options.timeouts.connectMs,
    connections: options.connectionsPerEndpoint ?? defaultPoolOptions.connections,
  });
  const balancer = new Balancer(options.balancer, pools);
  const context: EdgeContext = {
    getState: options.getState,
    trusted: trusted.trusted,
    pools,
    balancer,
    health: options.passiveHealth ?? defaultPassiveHealth,
    ids: new RequestIdGenerator(),
    responseHeadersMs: options.timeouts.responseHeadersMs,
    bodyIdleMs: options.timeouts.bodyIdleMs,
    clientBodyMs: options.timeouts.clientBodyMs ?? DEFAULT_CLIENT_BODY_MS,
    maxTries: Math.max(1, options.retry.maxTries),
    retryBudgetMs: options.retry.budgetMs,
    maxBodyBytes: options.maxBodyBytes ?? Infinity,
    httpsPort: options.httpsPort,
    onRequestDone: options.onRequestDone,
    tracer: options.tracer ?? null,
    log,
  };

  const sweep = setInterval(() => {
    try {
      const live = balancer.prune(context.getState().result.endpoints);
      pools.sweep(Date.now(), live);
    } catch (error) {
      log.warn({ err: error }, 'upstream pool sweep failed');
    }
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    handle(req, res, tls) {
      const exchange = new Exchange(context, req, res);
      try {
        serve(context, exchange, tls);
      } catch (error) {
        log.error({ err: error }, 'edge request failed');
        exchange.answerError(proxyErrors.upstreamFailed, null);
      }
    },
    resolveUpgrade(req, tls) {
      return resolveUpgrade(context, req, tls);
    },
    stats() {
      return collectEdgeStats(balancer, Date.now());
    },
    async close() {
      clearInterval(sweep);
      await pools.close();
      await context.tracer?.shutdown();
    },
  };
}

function serve(context: EdgeContext, exchange: Exchange, tls: boolean): void {
  const state = context.getState();
  const req = exchange.req;
  const record = exchange.record;
  record.startTime = Date.now();
  const method = req.method ?? 'GET';
  record.method = method;
  record.tls = tls;
  record.protocol = protocolOf(req);
  const clientAddress = plainClientAddress(req.socket.remoteAddress);
  record.clientAddress = clientAddress;

  const scan = new RequestHeadScan();
  const trustedClient = context.trusted.isTrusted(clientAddress);
  const headers = filterRequestHeaders(req.rawHeaders, scan, trustedClient, false);
  if (context.tracer !== null) {
    exchange.trace = context.tracer.onRequestStart(method, req.headers, trustedClient, record.startTime);
  }
  const requestId = isSaneRequestId(scan.requestId ?? undefined) ? scan.requestId! : context.ids.next();
  exchange.requestId = requestId;

  const decision = new RouteDecision();
  decideRoute(state, scan.host, req.url ?? '', tls, context.httpsPort, decision);
  record.host = decision.host;
  record.path = decision.path;
  const match = decision.match;
  if (match !== null) {
    record.namespace = match.target.source.namespace;
    record.ingress = match.target.source.name;
    record.ruleHost = match.host === null ? '' : match.host.host;
    record.rulePath = match.route === null ? '' : match.route.path;
    record.backend = match.target.backend;
  }
  // An answer given without reading the request body closes the connection after it, so a client that
  // stalls the rest of its body holds nothing open.
  const unreadBody = hasBody(req, scan);
  if (decision.error !== null) {
    exchange.answerError(decision.error, decision.reason, decision.error.status === 400 || unreadBody);
    return;
  }
  if (decision.redirectTo !== null) {
    const res = exchange.res as ServerResponse;
    const head = [
      'location',
      decision.redirectTo,
      'server',
      'sluice',
      'x-request-id',
      requestId,
      'content-length',
      '0',
    ];
    if (unreadBody && (exchange.res as Http2ServerResponse).stream === undefined) {
      head.push('connection', 'close');
      res.shouldKeepAlive = false;
    }
    res.writeHead(HTTPS_REDIRECT_STATUS, head);
    res.end();
    return;
  }
  const backend = decision.backend!;
  record.service = backend.service;
  const policy = match!.target.policy;

  const limit = policy.maxBodyBytes ?? context.maxBodyBytes;
  exchange.bodyLimit = limit;
  if (scan.contentLength !== null && Number(scan.contentLength) > limit) {
    exchange.answerError(proxyErrors.bodyTooLarge, 'request body over ' + limit + ' bytes', true);
    return;
  }

  appendForwardedHeaders(headers, scan, clientAddress, tls, req.socket.localPort, requestId);
  if (exchange.trace !== null) context.tracer!.injectHeaders(exchange.trace, headers);
  const body = unreadBody ? (req as Readable) : null;
  const path = decision.query === '' ? decision.path : decision.path + decision.query;
  exchange.forward(
    context.balancer.balanceFor(backend),
    method,
    path,
    headers,
    body,
    policy.requestTimeoutMs ?? context.responseHeadersMs,
  );
}

function resolveUpgrade(context: EdgeContext, req: IncomingMessage, tls: boolean): UpgradeResolution {
  const state = context.getState();
  const clientAddress = plainClientAddress(req.socket.remoteAddress);
  const scan = new RequestHeadScan();
  const list = filterRequestHeaders(req.rawHeaders, scan, context.trusted.isTrusted(clientAddress), true);
  const requestId = isSaneRequestId(scan.requestId ?? undefined) ? scan.requestId! : context.ids.next();
  const decision = new RouteDecision();
  decideRoute(state, scan.host, req.url ?? '', tls, context.httpsPort, decision);
  if (decision.error !== null) {
    return { ok: false, status: decision.error.status, body: errorBody(decision.error, requestId, decision.reason) };
  }
  if (decision.redirectTo !== null) {
    const error = proxyErrors.httpsRequired;
    return {
      ok: false,
      status: error.status,
      body: errorBody(error, requestId, 'this host is served over HTTPS only'),
    };
  }
  const balance = context.balancer.balanceFor(decision.backend!);
  const endpoint = context.balancer.pick(balance, Date.now(), null);
  if (endpoint === null) {
    const error = proxyErrors.noEndpoint;
    return { ok: false, status: error.status, body: errorBody(error, requestId, 'no endpoints for ' + balance.key) };
  }
  endpoint.requests++;
  endpoint.lastUsed = Date.now();
  appendForwardedHeaders(list, scan, clientAddress, tls, req.socket.localPort, requestId);
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i].toLowerCase();
    const previous = headers[name];
    if (previous === undefined) headers[name] = list[i + 1];
    else if (Array.isArray(previous)) previous.push(list[i + 1]);
    else headers[name] = [previous, list[i + 1]];
  }
  return {
    ok: true,
    upstream: { address: endpoint.address, port: endpoint.port },
    headers,
    path: decision.path + decision.query,
  };
}

function protocolOf(req: EdgeRequest): 'http/1.1' | 'http/1.0' | 'h2' {
  if (req.httpVersionMajor === 2) return 'h2';
  return req.httpVersionMinor === 0 ? 'http/1.0' : 'http/1.1';
}

/** Whether a request body follows the head (a body of declared length 0 counts as none). */
function hasBody(req: EdgeRequest, scan: RequestHeadScan): boolean {
  if (req.httpVersionMajor === 2) return !(req as Http2ServerRequest).stream.endAfterHeaders;
  if (scan.transferEncoding) return true;
  return scan.contentLength !== null && scan.contentLength !== '0';
}
