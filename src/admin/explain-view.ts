import type { RoutingState } from '../controller/state.ts';
import { normalizeRequestHost } from '../routing/request-host.ts';
import { normalizeRequestPath, splitTarget } from '../routing/request-path.ts';
import type { BackendKey, ExplainCandidate, HostKind, PathType } from '../routing/types.ts';
import { deliveryText } from './delivery-text.ts';
import { type BackendView, backendView } from './routes-view.ts';
import type { EdgeStats } from '../proxy/edge-stats.ts';
import { endpointKey } from '../routing/endpoint-key.ts';

export interface ExplainQuery {
  readonly host?: string;
  readonly path?: string;
  readonly url?: string;
}

export type ExplainRequest = { readonly host: string; readonly path: string } | { readonly error: string };

/**
 * Turns `?host=&path=` or `?url=` into the host and path the edge would match, normalised the same
 * way (port and trailing dot dropped, dot segments resolved, query ignored).
 */
export function parseExplainQuery(query: ExplainQuery): ExplainRequest {
  let rawHost: string;
  let rawPath: string;
  if (typeof query.url === 'string' && query.url.trim() !== '') {
    const text = query.url.trim();
    let url: URL;
    try {
      url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
    } catch {
      return { error: 'url is not a valid URL' };
    }
    rawHost = url.host;
    rawPath = url.pathname;
  } else if (typeof query.host === 'string' && query.host !== '') {
    rawHost = query.host.trim();
    const path = typeof query.path === 'string' && query.path !== '' ? query.path.trim() : '/';
    const target = splitTarget(path.startsWith('/') ? path : `/${path}`);
    if (target === null) return { error: 'path is not a valid request path' };
    rawPath = target.path;
  } else {
    return { error: 'give host (and path) or url' };
  }
  const host = normalizeRequestHost(rawHost);
  if (host === null) return { error: `host ${JSON.stringify(rawHost)} is not a valid request host` };
  const path = normalizeRequestPath(rawPath);
  if (path === null) return { error: `path ${JSON.stringify(rawPath)} is not a valid request path` };
  return { host, path };
}

/** GET /api/v1/explain. */
export interface ExplainView {
  readonly generation: number;
  readonly host: string;
  readonly path: string;
  readonly hostMatch: HostKind | 'none';
  /** 'path', 'host-default', 'default', or 'none' (the edge answers 404). */
  readonly result: 'path' | 'host-default' | 'default' | 'none';
  readonly match: {
    readonly host: string | null;
    readonly path: string | null;
    readonly pathType: PathType | null;
    readonly field: string | null;
    readonly source: { readonly namespace: string; readonly name: string };
    readonly backend: BackendKey;
  } | null;
  readonly passedOver: readonly ExplainCandidate[];
  readonly backend: BackendView | null;
  /** "address:port" the balancer would pick next, when the edge can tell; else null. */
  readonly next: string | null;
  /** The endpoints traffic may go to ("address:port"). */
  readonly usable: readonly string[];
  /** What the client would get, in a few words. */
  readonly outcome: string;
}

export function explainView(state: RoutingState, host: string, path: string, edge: EdgeStats | null): ExplainView {
  const explanation = state.matcher.explain(host, path);
  const match = explanation.match;
  if (match === null) {
    return {
      generation: state.generation,
      host: explanation.host,
      path: explanation.path,
      hostMatch: explanation.hostMatch,
      result: 'none',
      match: null,
      passedOver: explanation.passedOver,
      backend: null,
      next: null,
      usable: [],
      outcome: '404 Not Found: no rule matches and there is no default backend',
    };
  }
  const endpoints = state.result.endpoints.get(match.target.backend);
  const backend = endpoints === undefined ? null : backendView(endpoints, edge);
  const usable = endpoints === undefined ? [] : endpoints.usable.map((e) => endpointKey(e.address, e.port));
  let outcome: string;
  if (endpoints === undefined) outcome = `503 Service Unavailable: backend ${match.target.backend} is unknown`;
  else if (endpoints.state === 'ok' && usable.length > 0)
    outcome = deliveryText(match.target, endpoints, `${endpoints.namespace}/${endpoints.service}`);
  else if (endpoints.state === 'external-name' && endpoints.externalName !== null) {
    const destination = `${endpoints.externalName.host}:${endpoints.externalName.port} (ExternalName)`;
    outcome = deliveryText(match.target, endpoints, destination);
  } else outcome = `503 Service Unavailable: ${endpoints.reason ?? 'no usable endpoints'}`;
  return {
    generation: state.generation,
    host: explanation.host,
    path: explanation.path,
    hostMatch: explanation.hostMatch,
    result: match.kind,
    match: {
      host: match.host?.host ?? null,
      path: match.route?.path ?? null,
      pathType: match.route?.pathType ?? null,
      field: match.route?.field ?? null,
      source: { namespace: match.target.source.namespace, name: match.target.source.name },
      backend: match.target.backend,
    },
    passedOver: explanation.passedOver,
    backend,
    next: backend?.next ?? null,
    usable,
    outcome,
  };
}
