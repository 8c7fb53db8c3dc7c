import type { BackendEndpoints, EndpointIndex, Target } from '../../routing/types.ts';

/**
 * The less common rules of a route's exchange (ingress-nginx proxy-connect-timeout, proxy-send-timeout,
 * proxy-request-buffering, custom-http-errors + default-backend), compiled once per table generation.
 * Null on a route that has none of them, so the stages check one field and do nothing else.
 */
export interface ExchangeRules {
  /** Time for an attempt to get a connection that carries it (opened, or reused); 0: the controller's. */
  readonly connectMs: number;
  /** Time the upstream may take no request body while the client has some waiting; 0: none. */
  readonly sendMs: number;
  /** Read the whole request body (up to the body limit) before the upstream sees it. */
  readonly bufferRequest: boolean;
  readonly errorPages: ErrorPages | null;
  /**
   * The route's Service (or its port) is missing and default-backend answers for it: every request goes to
   * the error backend as an error page with X-Code 503 (ingress-nginx default_backend.go e2e case).
   */
  readonly serviceUnusable: boolean;
}

/**
 * custom-http-errors + default-backend: an upstream answer with one of `statuses` is replaced by the error
 * backend's answer to the same method on "/" with X-Code and the other headers of ingress-nginx's custom-errors
 * location (rootfs/etc/nginx/template/nginx.tmpl, CUSTOM_ERRORS).
 */
export class ErrorPages {
  readonly statuses: ReadonlySet<number>;
  readonly backend: BackendEndpoints;
  readonly namespace: string;
  readonly ingressName: string;
  readonly serviceName: string;
  readonly servicePort: string;

  constructor(statuses: readonly number[], backend: BackendEndpoints, target: Target, routeBackend: BackendEndpoints) {
    this.statuses = new Set(statuses);
    this.backend = backend;
    this.namespace = target.source.namespace;
    this.ingressName = target.source.name;
    this.serviceName = routeBackend.service;
    this.servicePort = String(routeBackend.servicePort);
  }

  intercepts(status: number): boolean {
    return this.statuses.has(status);
  }
}

/** The route's exchange rules, or null when it has none (most routes). */
export function exchangeRulesOf(
  target: Target,
  backend: BackendEndpoints,
  endpoints: EndpointIndex,
  serviceUnusable = false,
): ExchangeRules | null {
  const traffic = target.policy.traffic;
  if (traffic === undefined) return null;
  const connectMs = traffic.timeouts?.connectMs ?? 0;
  const sendMs = traffic.timeouts?.sendMs ?? 0;
  const bufferRequest = traffic.bufferRequest === true;
  const errorPages = errorPagesOf(target, backend, endpoints, serviceUnusable);
  if (connectMs === 0 && sendMs === 0 && !bufferRequest && errorPages === null) return null;
  return Object.freeze({
    connectMs,
    sendMs,
    bufferRequest,
    errorPages,
    serviceUnusable: errorPages !== null && serviceUnusable,
  });
}

/** Error backend for a route whose own Service has no ready endpoints (ingress-nginx uses it instead). */
export function fallbackBackend(target: Target, endpoints: EndpointIndex): BackendEndpoints | null {
  const ref = target.policy.traffic?.errorBackend;
  if (ref === undefined || ref === null) return null;
  const backend = endpoints.get(ref.key);
  return backend !== undefined && backend.usable.length > 0 ? backend : null;
}

function errorPagesOf(
  target: Target,
  backend: BackendEndpoints,
  endpoints: EndpointIndex,
  serviceUnusable: boolean,
): ErrorPages | null {
  const statuses = target.policy.traffic?.customErrors?.statuses ?? (serviceUnusable ? [] : undefined);
  if (statuses === undefined) return null;
  // Without usable endpoints there (or no default-backend at all) the upstream's own answer goes through,
  // as ingress-nginx keeps a custom default backend only while it has endpoints.
  const errorBackend = fallbackBackend(target, endpoints);
  if (errorBackend === null) return null;
  return new ErrorPages(statuses, errorBackend, target, endpoints.get(target.backend) ?? backend);
}
