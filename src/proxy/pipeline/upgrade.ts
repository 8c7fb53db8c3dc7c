import type { IncomingMessage } from 'node:http';
import type { EdgeContext } from '../edge-context.ts';
import { errorBody, proxyErrors } from '../errors.ts';
import { Exchange } from './exchange.ts';
import { prepare } from './prepare.ts';

export type UpgradeResolution =
  | { ok: true; upstream: { address: string; port: number }; headers: Record<string, string | string[]>; path: string }
  | { ok: false; status: number; body: string; headers?: readonly string[] | null };

/**
 * An Upgrade (WebSocket) request: the same preparation as a plain request (route, headers, request steps),
 * then one endpoint chosen; the upgrade proxy (websocket.ts) connects and pipes. No attempt, no record.
 * A step that waits (external auth asks its service) makes the resolution a promise.
 */
export function resolveUpgrade(
  context: EdgeContext,
  req: IncomingMessage,
  tls: boolean,
): UpgradeResolution | Promise<UpgradeResolution> {
  const exchange = new Exchange(context, req, null, tls);
  if (prepare(exchange)) return chooseEndpoint(exchange);
  if (exchange.upgradeRefusal === null && exchange.suspendedAt >= 0) {
    return new Promise((resolve) => {
      exchange.upgradeWaiter = (decided) => resolve(settled(decided));
    });
  }
  return settled(exchange);
}

/** An Upgrade whose steps are done: refused, or to an endpoint. */
function settled(exchange: Exchange): UpgradeResolution {
  const refusal = exchange.upgradeRefusal;
  if (refusal !== null) return { ok: false, status: refusal.status, body: refusal.body, headers: refusal.headers };
  return chooseEndpoint(exchange);
}

function chooseEndpoint(exchange: Exchange): UpgradeResolution {
  const context = exchange.context;
  const balancer = context.balancer;
  const balance = balancer.balanceFor(exchange.backend ?? exchange.route.backend);
  const now = Date.now();
  const endpoint = balancer.pick(balance, now, null);
  if (endpoint === null) {
    const error = proxyErrors.noEndpoint;
    const body = errorBody(error, exchange.requestId, 'no endpoints for ' + balance.key);
    return { ok: false, status: error.status, body };
  }
  balancer.countUpgrade(endpoint, now);
  const list = exchange.headers;
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i].toLowerCase();
    const previous = headers[name];
    if (previous === undefined) headers[name] = list[i + 1];
    else if (Array.isArray(previous)) previous.push(list[i + 1]);
    else headers[name] = [previous, list[i + 1]];
  }
  const path = exchange.upstreamPath ?? exchange.path + exchange.query;
  return { ok: true, upstream: { address: endpoint.address, port: endpoint.port }, headers, path };
}
