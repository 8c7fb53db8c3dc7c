// Span attributes of a finished request, after the OpenTelemetry semantic conventions for HTTP
// server and client spans (http.request.method, http.route, http.response.status_code, server.*,
// client.address, url.*, error.type, http.request.resend_count), plus sluice's own route details.
import { type Attributes, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { RequestRecord } from '../proxy/request-record.ts';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/** The method as semconv wants it: a known method as is, anything else `_OTHER`. */
export function methodAttribute(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}

/** `{method} {route}`, or the method alone when no rule matched. */
function serverSpanName(record: RequestRecord): string {
  const method = methodAttribute(record.method);
  const name = method === '_OTHER' ? 'HTTP' : method;
  return record.rulePath === '' ? name : `${name} ${record.rulePath}`;
}

export function serverAttributes(record: RequestRecord): Attributes {
  const attributes: Attributes = {
    'http.request.method': methodAttribute(record.method),
    'http.response.status_code': record.status,
    'url.path': record.path,
    'url.scheme': record.tls ? 'https' : 'http',
    'server.address': record.host,
    'client.address': record.clientAddress,
    'network.protocol.version': record.protocol === 'h2' ? '2' : record.protocol === 'http/1.0' ? '1.0' : '1.1',
    'http.request.body.size': record.bytesIn,
    'http.response.body.size': record.bytesOut,
    'sluice.request_id': record.requestId,
  };
  if (record.rulePath !== '') attributes['http.route'] = record.rulePath;
  if (record.ingress !== '') {
    attributes['sluice.ingress.namespace'] = record.namespace;
    attributes['sluice.ingress.name'] = record.ingress;
    attributes['sluice.rule.host'] = record.ruleHost;
  }
  if (record.service !== '') attributes['sluice.service.name'] = record.service;
  if (record.backend !== '') attributes['sluice.backend'] = record.backend;
  if (record.upstreamAddress !== '') attributes['sluice.upstream.address'] = record.upstreamAddress;
  if (record.retries > 0) attributes['sluice.retries'] = record.retries;
  if (record.error !== '') attributes['error.type'] = record.error;
  else if (record.status >= 500) attributes['error.type'] = String(record.status);
  return attributes;
}

/** Server spans: 5xx is an error, 4xx is the client's (left unset), as semconv says. */
export function endServerSpan(span: Span, record: RequestRecord, endTimeMs: number): void {
  span.updateName(serverSpanName(record));
  span.setAttributes(serverAttributes(record));
  if (record.status >= 500 || record.status === 0) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(endTimeMs);
}

/** The upstream (client) span: the endpoint tried last, its status, connect time and resends. */
export function endClientSpan(span: Span, record: RequestRecord, endTimeMs: number): void {
  const colon = record.upstreamAddress.lastIndexOf(':');
  const attributes: Attributes = {
    'http.request.method': methodAttribute(record.method),
    'http.request.resend_count': record.retries,
    'sluice.upstream.connect_ms': record.upstreamConnectMs,
    'sluice.upstream.header_ms': record.upstreamHeaderMs,
    'sluice.upstream.response_ms': record.upstreamResponseMs,
  };
  if (colon > 0) {
    attributes['server.address'] = record.upstreamAddress.slice(0, colon).replace(/^\[|\]$/g, '');
    attributes['server.port'] = Number(record.upstreamAddress.slice(colon + 1));
    attributes['network.peer.address'] = attributes['server.address'];
  }
  if (record.upstreamStatus > 0) attributes['http.response.status_code'] = record.upstreamStatus;
  if (record.error !== '' && record.error !== 'client-abort') attributes['error.type'] = record.error;
  else if (record.upstreamStatus >= 400) attributes['error.type'] = String(record.upstreamStatus);
  span.setAttributes(attributes);
  // Client spans: 4xx and 5xx are both errors; no answer at all is one too.
  if (record.upstreamStatus >= 400 || attributes['error.type'] !== undefined)
    span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(endTimeMs);
}
