import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Duplex } from 'node:stream';

// Answers the listeners give themselves, before or instead of the handler: small plain-text bodies,
// `Server: sluice`, and the connection closed after anything that may have left the parser out of step.

export function statusBody(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Error'}\n`;
}

/** A complete HTTP/1.1 response for writing straight onto a socket; always closes. */
export function rawHttpResponse(
  status: number,
  body: string = statusBody(status),
  headers: readonly string[] | null = null,
): string {
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    extraHeaderLines(headers) +
    'Server: sluice\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n' +
    '\r\n' +
    body
  );
}

/** Header pairs from a request step (name, value…); values with CR/LF never reach the wire. */
function extraHeaderLines(headers: readonly string[] | null): string {
  if (headers === null) return '';
  let out = '';
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const line = headers[i] + ': ' + headers[i + 1];
    if (!/[\r\n]/.test(line)) out += line + '\r\n';
  }
  return out;
}

/** Writes a response on a socket that has not been answered yet, then closes it. */
export function answerSocket(
  socket: Duplex,
  status: number,
  body?: string,
  headers: readonly string[] | null = null,
): void {
  if (socket.destroyed) return;
  if (socket.writable && bytesWritten(socket) === 0) {
    socket.end(rawHttpResponse(status, body, headers));
    socket.once('finish', destroySocket);
  } else {
    socket.destroy();
  }
}

function destroySocket(this: Duplex): void {
  // A short delay-free close: the response is flushed ('finish'), unread request bytes are discarded.
  this.destroy();
}

function bytesWritten(socket: Duplex): number {
  const written = (socket as { bytesWritten?: number }).bytesWritten;
  return typeof written === 'number' ? written : 0;
}

/** Answers a request the listener refused; HTTP/1 connections are closed so no smuggled bytes are parsed. */
export function answerRefused(
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
  status: number,
): void {
  const body = statusBody(status);
  if (req.httpVersionMajor === 2) {
    (res as Http2ServerResponse).writeHead(status, {
      server: 'sluice',
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(body);
    return;
  }
  const http1 = res as ServerResponse;
  http1.shouldKeepAlive = false;
  http1.writeHead(status, {
    Server: 'sluice',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  });
  http1.end(body);
  // Stop parsing whatever follows on this connection: it is never handed to anyone.
  (req as IncomingMessage).socket.pause();
}
