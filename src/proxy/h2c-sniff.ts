import type { Server as HttpServer } from 'node:http';
import { createServer as createH2cServer, type Http2Server } from 'node:http2';
import type { Socket } from 'node:net';
import type { EdgeEvents } from './edge-events.ts';
import { ignoreError } from './edge-events.ts';
import type { ConnectionTracker } from './shutdown.ts';

/** "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" starts every HTTP/2 prior-knowledge connection; no HTTP/1 request starts with "PRI". */
const PREFACE_START = Buffer.from('PRI');

export interface H2cOptions {
  readonly maxConcurrentStreams: number;
  readonly maxHeaderBytes: number;
  /** The wait for a new connection's first bytes (the client header timeout). */
  readonly firstBytesMs: number;
}

type ConnectionListener = (this: HttpServer, socket: Socket) => void;

/**
 * HTTP/1.1 and HTTP/2 prior knowledge (h2c, `grpcurl -plaintext`) on the same plain port: each new connection's
 * first bytes are read; a connection preface goes to an HTTP/2 server, anything else to the HTTP/1 server,
 * with those bytes put back. A connection that sends nothing within `firstBytesMs` is closed.
 */
export function serveH2cToo(
  server: HttpServer,
  options: H2cOptions,
  events: EdgeEvents,
  tracker: ConnectionTracker,
): Http2Server {
  const h2c = createH2cServer(
    {
      settings: {
        maxConcurrentStreams: options.maxConcurrentStreams,
        maxHeaderListSize: options.maxHeaderBytes,
        enablePush: false,
      },
      maxSessionRejectedStreams: 100,
      maxSessionInvalidFrames: 1000,
    },
    events.onH2cRequest,
  );
  h2c.on('session', events.onSession);
  h2c.on('sessionError', ignoreError);
  const http1 = server.listeners('connection').filter((listener) => listener !== tracker.onConnection);
  for (const listener of http1) server.removeListener('connection', listener as ConnectionListener);

  server.on('connection', (socket: Socket) => {
    socket.setTimeout(options.firstBytesMs, () => socket.destroy());
    socket.on('error', ignoreError);
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.setTimeout(0);
      socket.unshift(chunk);
      if (chunk.length >= PREFACE_START.length && chunk.subarray(0, 3).equals(PREFACE_START)) {
        tracker.onH2cConnection(socket);
        h2c.emit('connection', socket);
        return;
      }
      for (const listener of http1) (listener as ConnectionListener).call(server, socket);
      socket.resume();
    });
  });
  return h2c;
}
