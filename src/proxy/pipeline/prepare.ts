import type { Http2ServerRequest } from 'node:http2';
import { plainClientAddress } from '../client-address.ts';
import { appendForwardedHeaders, filterRequestHeaders, RequestHeadScan } from '../headers.ts';
import { isSaneRequestId } from '../request-id.ts';
import { answerError, answerFromStep } from './edge-answers.ts';
import type { EdgeRequest, Exchange } from './exchange.ts';
import { ANSWERED, type RequestStep } from './steps.ts';

/**
 * The preparation every request goes through, plain or Upgrade: the request read into the exchange (method,
 * client address, headers to forward, request id), the route decided, the edge's own answers given
 * (error, redirect), then the route's request steps in order. True when the request is to be forwarded
 * (exchange.route set); false when it was answered (for an Upgrade: exchange.upgradeRefusal set).
 */
export function prepare(exchange: Exchange): boolean {
  const context = exchange.context;
  const req = exchange.req;
  const record = exchange.record;
  record.startTime = Date.now();
  const method = req.method ?? 'GET';
  exchange.method = method;
  record.method = method;
  record.tls = exchange.tls;
  record.protocol = protocolOf(req);
  const clientAddress = plainClientAddress(req.socket.remoteAddress);
  exchange.clientAddress = clientAddress;
  record.clientAddress = clientAddress;

  const scan = new RequestHeadScan();
  const trusted = context.trusted.isTrusted(clientAddress);
  const headers = filterRequestHeaders(req.rawHeaders, scan, trusted, exchange.upgrade);
  const requestId = isSaneRequestId(scan.requestId ?? undefined) ? scan.requestId! : context.ids.next();
  exchange.requestId = requestId;
  exchange.headers = headers;
  exchange.hasBody = hasBody(req, scan);
  exchange.contentLength = scan.contentLength === null ? -1 : Number(scan.contentLength);
  if (context.tracer !== null && !exchange.upgrade) {
    exchange.trace = context.tracer.onRequestStart(method, req.headers, trusted, record.startTime);
  }

  const decision = context.router.decide(
    context.getState(),
    scan.host,
    req.url ?? '',
    exchange.tls,
    exchange.upgrade,
    exchange,
  );
  record.host = exchange.host;
  record.path = exchange.path;
  const match = decision.match;
  if (match !== null) {
    record.namespace = match.target.source.namespace;
    record.ingress = match.target.source.name;
    record.ruleHost = match.host === null ? '' : match.host.host;
    record.rulePath = match.route === null ? '' : match.route.path;
    record.backend = match.target.backend;
  }
  if (decision.kind === 'answer') {
    answerError(exchange, decision.error, decision.reason, decision.error.status === 400 || exchange.hasBody);
    return false;
  }
  if (decision.kind === 'redirect') {
    answerFromStep(exchange, decision.status, ['location', decision.location], '');
    return false;
  }
  exchange.route = decision;
  record.service = decision.backend.service;
  appendForwardedHeaders(headers, scan, clientAddress, exchange.tls, req.socket.localPort, requestId);
  const forward = runRequestSteps(exchange, decision.route.requestSteps);
  if (forward && exchange.trace !== null) context.tracer!.injectHeaders(exchange.trace, exchange.headers);
  return forward;
}

function runRequestSteps(exchange: Exchange, steps: readonly RequestStep[]): boolean {
  for (let i = 0; i < steps.length; i++) {
    if (steps[i].apply(exchange) === ANSWERED) return false;
  }
  return true;
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
