import type { ServerResponse } from 'node:http';
import { endWithHeadersOnly, isTrailersOnly } from '../grpc-answers.ts';
import { filterResponseHeaders, ResponseHeadScan } from '../headers.ts';
import type { UpstreamController } from '../upstream-client.ts';
import { waitForDrain } from './client-side.ts';
import type { Exchange } from './exchange.ts';
import type { ResponseHead } from './steps.ts';
import { closeAttempt } from './upstream-attempt.ts';
import { interceptsError } from './error-pages.ts';
import { ClientGoneError } from './upstream-errors.ts';

// The response stage: the upstream's head filtered, response steps applied, then the body relayed to the
// client with back-pressure.

/** The head response steps edit; one per response that has steps. */
class EditableHead implements ResponseHead {
  status: number;
  readonly headers: string[];

  constructor(status: number, headers: string[]) {
    this.status = status;
    this.headers = headers;
  }
}

export function startResponse(
  exchange: Exchange,
  controller: UpstreamController,
  statusCode: number,
  headers: Record<string, string | string[] | undefined>,
): void {
  exchange.responseStarted = true;
  exchange.context.balancer.reached(exchange.endpoint!);
  exchange.record.upstreamStatus = statusCode;
  exchange.record.upstreamHeaderMs = performance.now() - exchange.attemptStartedAt;
  if (exchange.clientGone) {
    controller.abort(new ClientGoneError('client went away'));
    return;
  }
  const errorPages = exchange.route.route.exchangeRules?.errorPages;
  if (errorPages != null && interceptsError(exchange, errorPages, controller, statusCode)) return;
  const raw = controller.rawHeaders;
  const scan = new ResponseHeadScan();
  const source = Array.isArray(raw) ? (raw as Array<Buffer | string>) : flattenHeaders(headers);
  const list = filterResponseHeaders(source, exchange.requestId, scan);
  const extra = exchange.responseHeaders;
  if (extra !== null) for (let i = 0; i < extra.length; i += 2) list.push(extra[i], extra[i + 1]);
  let status = statusCode;
  const steps = exchange.route.route.responseSteps;
  if (steps.length !== 0) {
    const head = new EditableHead(statusCode, list);
    for (let i = 0; i < steps.length; i++) steps[i].apply(exchange, head);
    status = head.status;
  }
  exchange.responseLength = exchange.isHead ? -1 : scan.contentLength;
  if (exchange.route.route.transport?.grpc === true && isTrailersOnly(list)) {
    exchange.responseEnded = true;
    endWithHeadersOnly(exchange.res!, status, list);
    return;
  }
  (exchange.res as ServerResponse).writeHead(status, list);
}

export function relayResponseData(exchange: Exchange, controller: UpstreamController, chunk: Buffer): void {
  const res = exchange.res as ServerResponse;
  const sent = exchange.record.bytesOut + chunk.length;
  exchange.record.bytesOut = sent;
  if (sent === exchange.responseLength) {
    // The chunk completes the declared body (the client's parser never delivers more), so end with it:
    // head, body and end leave in one write without node's cork-until-next-tick. Nothing is held back.
    exchange.responseEnded = true;
    exchange.record.upstreamResponseMs = performance.now() - exchange.attemptStartedAt;
    res.end(chunk);
    return;
  }
  if (!res.write(chunk)) {
    waitForDrain(exchange, res);
    controller.pause();
  }
}

export function endResponse(exchange: Exchange, trailers: unknown): void {
  // Already taken when the last chunk ended the client response: the record may be written before this runs.
  if (!exchange.responseEnded) exchange.record.upstreamResponseMs = performance.now() - exchange.attemptStartedAt;
  closeAttempt(exchange);
  if (exchange.responseEnded) return;
  const res = exchange.res!;
  // Response trailers (gRPC's grpc-status) go on: HTTP/2 sends them as a trailing HEADERS frame, HTTP/1.1
  // only in a chunked answer (node drops them otherwise).
  if (trailers !== null && typeof trailers === 'object') relayTrailers(res as ServerResponse, trailers);
  res.end();
}

function relayTrailers(res: ServerResponse, trailers: object): void {
  let list: Record<string, string> | null = null;
  for (const [name, value] of Object.entries(trailers)) {
    if (typeof value !== 'string' || name.charCodeAt(0) === 0x3a) continue;
    list ??= {};
    list[name] = value;
  }
  if (list !== null) res.addTrailers(list);
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): string[] {
  const out: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) out.push(name, item);
    else out.push(name, value);
  }
  return out;
}
