import type { Config } from '../config.ts';
import type { RoutingState } from '../controller/state.ts';
import { createEdge, type Edge } from '../proxy/edge.ts';
import { createProxyHandler, type ProxyHandler } from '../proxy/handler.ts';
import type { RequestRecordListener } from '../proxy/request-record.ts';
import { loadRequestTracer } from '../telemetry/lazy-tracer.ts';
import { tracingOptionsFrom } from '../telemetry/tracing-options.ts';
import type { Logger } from '../util/logger.ts';

export interface EdgeParts {
  readonly handler: ProxyHandler;
  readonly edge: Edge;
}

/** The edge (listeners + request handler) as the flags describe it; used by the main process and by workers. */
export function edgeFromConfig(
  config: Config,
  getState: () => RoutingState,
  onRequestDone: RequestRecordListener | null,
  log: Logger,
  ports: { httpPort: number; httpsPort: number; reusePort: boolean },
): EdgeParts {
  const handler = handlerFromConfig(config, getState, onRequestDone, log);
  const edge = createEdge({
    handler,
    getState,
    bindAddress: config.bindAddress,
    httpPort: ports.httpPort,
    httpsPort: ports.httpsPort,
    headerTimeoutMs: config.clientHeaderTimeoutMs,
    requestTimeoutMs: 0,
    keepAliveTimeoutMs: 65_000,
    maxHeaderBytes: config.maxHeaderSize,
    log: log.child({ component: 'edge' }),
    reusePort: ports.reusePort,
  });
  return { handler, edge };
}

/** The request handler as the flags describe it (the edge's, and each Gateway listener's). */
export function handlerFromConfig(
  config: Config,
  getState: () => RoutingState,
  onRequestDone: RequestRecordListener | null,
  log: Logger,
): ProxyHandler {
  return createProxyHandler({
    getState,
    trustedProxies: config.trustedProxies,
    balancer: config.balancer,
    timeouts: {
      connectMs: config.upstreamConnectTimeoutMs,
      responseHeadersMs: config.upstreamResponseTimeoutMs,
      bodyIdleMs: config.upstreamIdleTimeoutMs,
      clientBodyMs: config.clientBodyTimeoutMs,
    },
    retry: { maxTries: config.retries + 1, budgetMs: Math.max(config.upstreamConnectTimeoutMs * 2, 1000) },
    maxBodyBytes: config.maxBodySize === 0 ? null : config.maxBodySize,
    httpsPort: config.httpsPort,
    onRequestDone,
    tracer: loadRequestTracer(tracingOptionsFrom(config), (error) => log.error({ err: error }, 'tracing not loaded')),
    log: log.child({ component: 'edge' }),
    upstreamClient: config.upstreamClient,
  });
}
