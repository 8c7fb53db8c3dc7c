import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { RoutingState } from '../controller/state.ts';
import type { RequestTracer } from '../telemetry/tracing-hooks.ts';
import type { Logger } from '../util/logger.ts';
import { Balancer, type BalancerKind } from './balancer.ts';
import type { EdgeContext } from './edge-context.ts';
import { collectEdgeStats, type EdgeStats } from './edge-stats.ts';
import { proxyErrors } from './errors.ts';
import { defaultPassiveHealth, type PassiveHealthOptions } from './passive-health.ts';
import { watchClient } from './pipeline/client-side.ts';
import { answerError } from './pipeline/edge-answers.ts';
import { Exchange } from './pipeline/exchange.ts';
import { prepare } from './pipeline/prepare.ts';
import { RouteDecider } from './pipeline/route-decision.ts';
import { startForward } from './pipeline/upstream-attempt.ts';
import { resolveUpgrade, type UpgradeResolution } from './pipeline/upgrade.ts';
import { RequestIdGenerator } from './request-id.ts';
import type { RequestRecordListener } from './request-record.ts';
import { parseTrustedProxies } from './trusted-proxies.ts';
import { chooseUpstreamClient, type UpstreamClientChoice } from './upstream-client-choice.ts';
import { defaultPoolOptions, UpstreamPools } from './upstream-pools.ts';

export type { EdgeStats } from './edge-stats.ts';
export type { UpgradeResolution } from './pipeline/upgrade.ts';

export interface ProxyHandlerOptions {
  /** Read once per request. */
  getState(): RoutingState;
  /** CIDRs whose X-Forwarded-* / X-Real-IP are kept (X-Forwarded-For appended to). */
  trustedProxies: readonly string[];
  balancer: BalancerKind;
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
  /** The HTTP client towards upstreams (--upstream-client); default auto. */
  upstreamClient?: UpstreamClientChoice;
}

export interface ProxyHandler {
  /** HTTP/1.x and HTTP/2 (compat API) requests. `tls` = arrived over HTTPS. */
  handle(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse, tls: boolean): void;
  /** For Upgrade requests: route + endpoint choice with the same rules, or the error to answer (a promise while a step waits). */
  resolveUpgrade(req: IncomingMessage, tls: boolean): UpgradeResolution | Promise<UpgradeResolution>;
  /** Endpoint health and balancer counters for the status page and metrics. */
  stats(): EdgeStats;
  /** Closes upstream pools. */
  close(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 10_000;
/** nginx's client_body_timeout. */
const DEFAULT_CLIENT_BODY_MS = 60_000;

/**
 * The request pipeline (src/proxy/pipeline/): prepare (route decision, request steps) → upstream attempt
 * → response relay (response steps) → record, one Exchange per request.
 */
export function createProxyHandler(options: ProxyHandlerOptions): ProxyHandler {
  const context = createEdgeContext(options);
  const { balancer, pools, log } = context;
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
      const exchange = new Exchange(context, req, res, tls);
      watchClient(exchange, res);
      try {
        if (prepare(exchange)) startForward(exchange);
      } catch (error) {
        log.error({ err: error }, 'edge request failed');
        answerError(exchange, proxyErrors.upstreamFailed, null, false);
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

export function createEdgeContext(options: ProxyHandlerOptions): EdgeContext {
  const log = options.log;
  const trusted = parseTrustedProxies(options.trustedProxies);
  for (const error of trusted.errors) log.warn(error);
  const client = chooseUpstreamClient(options.upstreamClient ?? 'auto');
  const poolOptions = {
    ...defaultPoolOptions,
    connectMs: options.timeouts.connectMs,
    connections: options.connectionsPerEndpoint ?? defaultPoolOptions.connections,
  };
  const pools = new UpstreamPools(poolOptions, client);
  const defaults = {
    maxBodyBytes: options.maxBodyBytes ?? Infinity,
    responseHeadersMs: options.timeouts.responseHeadersMs,
  };
  return {
    getState: options.getState,
    trusted: trusted.trusted,
    pools,
    balancer: new Balancer(options.balancer, pools, options.passiveHealth ?? defaultPassiveHealth),
    router: new RouteDecider(defaults, options.httpsPort),
    ids: new RequestIdGenerator(),
    responseHeadersMs: options.timeouts.responseHeadersMs,
    bodyIdleMs: options.timeouts.bodyIdleMs,
    clientBodyMs: options.timeouts.clientBodyMs ?? DEFAULT_CLIENT_BODY_MS,
    maxTries: Math.max(1, options.retry.maxTries),
    retryBudgetMs: options.retry.budgetMs,
    onRequestDone: options.onRequestDone,
    tracer: options.tracer ?? null,
    log,
  };
}
