import type { ServerResponse } from 'node:http';
import { proxyErrors } from '../errors.ts';
import type { UpstreamController } from '../upstream-client.ts';
import { answerError } from './edge-answers.ts';
import type { Exchange } from './exchange.ts';
import type { ErrorPages } from './exchange-rules.ts';
import { attempt } from './upstream-attempt.ts';
import { ErrorPageSwitch, idempotentMethods } from './upstream-errors.ts';

// custom-http-errors + default-backend, after ingress-nginx's custom-errors location (nginx.tmpl,
// CUSTOM_ERRORS; docs/user-guide/custom-errors.md): an upstream answer with a listed status is dropped (its
// connection with it) and the error backend is asked instead, with the request's own method and headers on
// "/" (`rewrite (.*) / break`), no body, and X-Code, X-Format, X-Original-URI, X-Namespace, X-Ingress-Name,
// X-Service-Name, X-Service-Port, X-Request-ID. Its answer reaches the client as it is, status included
// ("NGINX does not change the response from the custom default backend"); it is never intercepted again.

/** At the upstream's response head: true when it is replaced (the attempt is aborted, the head not written). */
export function interceptsError(
  exchange: Exchange,
  pages: ErrorPages,
  controller: UpstreamController,
  status: number,
): boolean {
  if (exchange.errorCode !== 0 || !pages.intercepts(status)) return false;
  exchange.errorCode = status;
  controller.abort(new ErrorPageSwitch('answered by the error backend'));
  return true;
}

/** After the intercepted attempt closed: the same exchange asks the error backend. */
export function forwardErrorPage(exchange: Exchange): void {
  if (exchange.clientGone) return;
  try {
    prepareErrorPage(exchange, exchange.errorCode);
    attempt(exchange);
  } catch (error) {
    exchange.context.log.error({ err: error }, 'edge request failed');
    answerError(exchange, proxyErrors.upstreamFailed, null, false);
  }
}

/**
 * Points the exchange's next attempt at the error backend for `code`. Also the whole forward of a route whose
 * Service is missing (code 503: ingress-nginx test/e2e/annotations/default_backend.go, "should use a custom
 * default backend as upstream", expects X-Code 503 and the route's Service name).
 */
export function prepareErrorPage(exchange: Exchange, code: number): void {
  const pages = exchange.route.route.exchangeRules!.errorPages!;
  const backend = pages.backend;
  exchange.errorCode = code;
  exchange.backend = backend;
  exchange.record.backend = backend.key;
  exchange.record.service = backend.service;
  exchange.balance = exchange.context.balancer.balanceFor(backend);
  exchange.tries = 0;
  exchange.endpoint = null;
  exchange.pinnedEndpoint = null;
  const options = exchange.options;
  options.path = '/';
  options.body = null;
  options.idempotent = idempotentMethods.has(exchange.method);
  options.headers = errorPageHeaders(exchange, pages);
  // The rest of a request body is not read: the client's connection closes after the answer.
  if (exchange.hasBody && !exchange.req.readableEnded && exchange.req.httpVersionMajor !== 2)
    (exchange.res as ServerResponse).shouldKeepAlive = false;
}

const REPLACED = new Set([
  'content-length',
  'x-code',
  'x-format',
  'x-original-uri',
  'x-namespace',
  'x-ingress-name',
  'x-service-name',
  'x-service-port',
  'x-request-id',
]);

function errorPageHeaders(exchange: Exchange, pages: ErrorPages): string[] {
  const sent = exchange.headers;
  const headers: string[] = [];
  for (let i = 0; i < sent.length; i += 2) if (!REPLACED.has(sent[i].toLowerCase())) headers.push(sent[i], sent[i + 1]);
  headers.push('x-code', String(exchange.errorCode));
  // nginx's proxy_set_header sends nothing for an empty value ($http_accept of a request without Accept).
  const accept = exchange.req.headers.accept;
  if (accept !== undefined && accept !== '') headers.push('x-format', accept);
  headers.push(
    'x-original-uri',
    exchange.req.url ?? exchange.path + exchange.query,
    'x-namespace',
    pages.namespace,
    'x-ingress-name',
    pages.ingressName,
    'x-service-name',
    pages.serviceName,
    'x-service-port',
    pages.servicePort,
    'x-request-id',
    exchange.requestId,
  );
  return headers;
}
