import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { contentLengthMismatchError } from './errors.ts';
import { BodyFraming } from './request-head.ts';
import { RequestState } from './request-state.ts';
import type { UpstreamRequest } from './request.ts';

// Writing one request onto its connection's socket: the head, then the body as bytes or as a stream (framed by
// Content-Length or chunked), with backpressure: a full socket pauses the body stream until it drains.

const kRequest = Symbol('sluice.upstreamRequest');
interface CarriesRequest {
  [kRequest]?: UpstreamRequest;
}

/**
 * Writes the request: head and bytes at once; for a stream body, the head goes out with its first chunk (or its
 * end), as undici does, so a request whose body fails before any byte (a client's malformed chunked body) never
 * reaches the upstream, and its connection stays clean.
 */
export function sendRequest(request: UpstreamRequest): void {
  const body = request.options.body;
  const socket = request.connection!.socket;
  if (request.framing === BodyFraming.None || body === null) {
    writeHead(request, socket);
    bodyWritten(request);
    return;
  }
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const chunk = typeof body === 'string' ? Buffer.from(body) : (body as Buffer);
    socket.cork();
    writeHead(request, socket);
    socket.write(chunk);
    socket.uncork();
    request.bodyBytes = chunk.length;
    request.handler.onBodySent?.(chunk);
    if (request.state === RequestState.Active) bodyWritten(request);
    return;
  }
  (body as CarriesRequest)[kRequest] = request;
  body.on('data', onBodyData);
  body.on('end', onBodyEnd);
  body.on('error', onBodyError);
}

/** The socket drained: let a paused request body flow again. */
export function resumeRequestBody(request: UpstreamRequest): void {
  const body = request.options.body;
  if (!request.bodySent && body !== null && typeof body === 'object' && 'resume' in body) body.resume();
}

/** Stops listening to the body stream (the request ended or failed); the stream itself is left as it is. */
export function detachBody(request: UpstreamRequest): void {
  const body = request.options.body;
  if (body === null || typeof body !== 'object' || !('on' in body)) return;
  const carrier = body as CarriesRequest;
  if (carrier[kRequest] !== request) return;
  carrier[kRequest] = undefined;
  body.off('data', onBodyData);
  body.off('end', onBodyEnd);
  body.off('error', onBodyError);
}

function writeHead(request: UpstreamRequest, socket: Socket): void {
  request.headWritten = true;
  socket.write(request.head, 'latin1');
}

function bodyWritten(request: UpstreamRequest): void {
  request.bodySent = true;
  request.handler.onRequestSent?.();
}

function writeChunk(request: UpstreamRequest, chunk: Buffer): void {
  const total = request.bodyBytes + chunk.length;
  request.bodyBytes = total;
  if (request.framing === BodyFraming.Length && total > request.contentLength) {
    request.abort(contentLengthMismatchError());
    return;
  }
  if (chunk.length === 0) return;
  const connection = request.connection!;
  const socket = connection.socket;
  socket.cork();
  if (!request.headWritten) writeHead(request, socket);
  let flowing: boolean;
  if (request.framing === BodyFraming.Chunked) {
    socket.write(chunk.length.toString(16) + '\r\n', 'latin1');
    socket.write(chunk);
    flowing = socket.write('\r\n', 'latin1');
  } else {
    flowing = socket.write(chunk);
  }
  socket.uncork();
  connection.requestProgress();
  if (!flowing) (request.options.body as Readable).pause();
  request.handler.onBodySent?.(chunk);
}

function endBody(request: UpstreamRequest): void {
  if (request.framing === BodyFraming.Length && request.bodyBytes !== request.contentLength) {
    request.abort(contentLengthMismatchError());
    return;
  }
  const socket = request.connection!.socket;
  socket.cork();
  if (!request.headWritten) writeHead(request, socket);
  if (request.framing === BodyFraming.Chunked) socket.write('0\r\n\r\n', 'latin1');
  socket.uncork();
  detachBody(request);
  bodyWritten(request);
}

function onBodyData(this: Readable, chunk: Buffer | string): void {
  const request = (this as CarriesRequest)[kRequest];
  if (request === undefined || request.state !== RequestState.Active) return;
  writeChunk(request, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
}

function onBodyEnd(this: Readable): void {
  const request = (this as CarriesRequest)[kRequest];
  if (request !== undefined && request.state === RequestState.Active) endBody(request);
}

function onBodyError(this: Readable, error: Error): void {
  const request = (this as CarriesRequest)[kRequest];
  if (request !== undefined) request.abort(error);
}
