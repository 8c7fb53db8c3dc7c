import { connect, type Server, type Socket } from 'node:net';
import type { RoutingState } from '../../controller/state.ts';
import type { Logger } from '../../util/logger.ts';
import type { ConnectionTracker } from '../shutdown.ts';
import { MAX_CLIENT_HELLO_BYTES, readClientHello } from './client-hello.ts';

type ConnectionListener = (this: Server, socket: Socket) => void;

export interface PassthroughOptions {
  readonly getState: () => RoutingState;
  readonly tracker: ConnectionTracker;
  /** The wait for a whole ClientHello (the client header timeout). */
  readonly helloTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly log: Logger;
}

/** Counters for the status page and metrics. */
export const passthroughStats = { connections: 0, open: 0, failed: 0 };

/**
 * ssl-passthrough on the HTTPS port. While the table has passthrough hosts, each new connection's ClientHello
 * is read first (at most one TLS record, within `helloTimeoutMs`); when its SNI names a passthrough host the
 * connection is spliced as raw TCP to an endpoint of that host's backend (the pod's certificate reaches the
 * client); every other connection is handed, bytes put back, to the TLS server as before. Without
 * passthrough hosts nothing is read ahead: connections go straight to TLS.
 */
export function servePassthroughToo(server: Server, options: PassthroughOptions): void {
  const original = server.listeners('connection') as ConnectionListener[];
  server.removeAllListeners('connection');
  let counter = 0;

  const terminate = (socket: Socket): void => {
    for (const listener of original) listener.call(server, socket);
  };

  server.on('connection', (socket: Socket) => {
    const table = options.getState().result.passthrough;
    if (table === undefined || table.size === 0) {
      terminate(socket);
      return;
    }
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), options.helloTimeoutMs);
    const onError = (): void => {
      clearTimeout(timer);
      socket.destroy();
    };
    socket.on('error', onError);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const read = readClientHello(buffered.subarray(0, MAX_CLIENT_HELLO_BYTES));
      if (read.kind === 'more' && buffered.length < MAX_CLIENT_HELLO_BYTES) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.pause();
      const backend = read.kind === 'hello' && read.serverName !== null ? table.get(read.serverName) : undefined;
      if (backend === undefined) {
        // The TLS socket reads what is buffered here first (node's initRead), then the handle.
        socket.unshift(buffered);
        terminate(socket);
        return;
      }
      const endpoints = options.getState().result.endpoints.get(backend)?.usable ?? [];
      if (endpoints.length === 0) {
        passthroughStats.failed++;
        socket.destroy();
        return;
      }
      const endpoint = endpoints[counter++ % endpoints.length];
      splice(socket, buffered, endpoint.address, endpoint.port, options);
    };
    socket.on('data', onData);
  });
}

function splice(client: Socket, hello: Buffer, address: string, port: number, options: PassthroughOptions): void {
  options.tracker.onConnection(client);
  options.tracker.onUpgrade(client);
  passthroughStats.connections++;
  passthroughStats.open++;
  const upstream = connect({ host: address, port, timeout: options.connectTimeoutMs });
  upstream.setNoDelay(true);
  client.setNoDelay(true);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    passthroughStats.open--;
    client.destroy();
    upstream.destroy();
  };
  upstream.once('connect', () => upstream.setTimeout(0));
  upstream.once('timeout', () => {
    passthroughStats.failed++;
    close();
  });
  upstream.on('error', (error: Error) => {
    options.log.debug({ error: error.message, address, port }, 'passthrough upstream failed');
    close();
  });
  client.on('error', close);
  upstream.on('close', close);
  client.on('close', close);
  upstream.write(hello);
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
}
