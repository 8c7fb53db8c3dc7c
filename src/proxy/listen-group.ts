import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';

// libuv (1.45 and later, so every Node we run on) accepts ONE connection per listening socket each time
// epoll reports it, and epoll reports it once per pass over all the ready sockets. A loaded edge takes
// tens of milliseconds for a pass over ~1,000 busy connections, so a burst of new connections waits in the
// kernel's accept queue for seconds: wrk -c1000 saw p99 0.7-4.6 s while the requests themselves took
// < 140 ms. Several listening sockets on the same port (SO_REUSEPORT: the kernel spreads new connections
// over them) accept that many per pass; each hands its sockets to the one server that serves them.

/** Listening sockets per port. 1 where SO_REUSEPORT does not spread connections (only Linux does). */
export const DEFAULT_ACCEPT_SOCKETS = process.platform === 'linux' ? 64 : 1;

/**
 * The kernel's accept queue per listening socket. Node's default (511) overflows when a thousand clients
 * connect at once (TcpExtListenOverflows, SYNs dropped and retried after 1 s, 3 s…); capped at somaxconn.
 */
const LISTEN_BACKLOG = 4096;

export interface ListenGroupOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Other processes listen on this port too (workers): no exclusivity check. */
  shared: boolean;
  /** Listening sockets in all; 1 = the server's own only. */
  sockets: number;
}

export interface ListenGroup {
  readonly port: number;
  /** Stops every listening socket of the group; resolves when the connections they accepted are gone. */
  close(): Promise<void>;
}

/** The socket options node's `server.listen` applies to accepted connections, read off `server`. */
interface AcceptOptions {
  allowHalfOpen?: boolean;
  noDelay?: boolean;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
  highWaterMark?: number;
  pauseOnConnect?: boolean;
}

/**
 * Makes `server` listen on host:port, plus `sockets - 1` helper listeners on the same port whose connections
 * are emitted as the server's own ('connection', as node documents for injecting sockets), accepted with
 * the server's socket options. Without `shared`, a port already held by anyone is EADDRINUSE as before.
 */
export async function listenGroup(server: NetServer, options: ListenGroupOptions): Promise<ListenGroup> {
  const { host, shared } = options;
  const count = Math.max(1, Math.floor(options.sockets));
  if (count === 1) {
    const port = await listen(server, host, options.port, shared);
    return { port, close: () => closeServer(server) };
  }
  // SO_REUSEPORT would let a second sluice on this port share it silently: check nobody holds it first.
  const wanted = shared ? options.port : await probeFreePort(host, options.port);
  const port = await listen(server, host, wanted, true);
  const inherited = server as unknown as AcceptOptions;
  const acceptOptions: AcceptOptions = {
    allowHalfOpen: inherited.allowHalfOpen,
    noDelay: inherited.noDelay,
    keepAlive: inherited.keepAlive,
    keepAliveInitialDelay: inherited.keepAliveInitialDelay,
    highWaterMark: inherited.highWaterMark,
    pauseOnConnect: inherited.pauseOnConnect,
  };
  const injectConnection = (socket: Socket): void => {
    server.emit('connection', socket);
  };
  // Accept errors (EMFILE…) surface where they would have without helpers.
  const forwardError = (error: Error): void => {
    server.emit('error', error);
  };
  const helpers: NetServer[] = [];
  try {
    for (let i = 1; i < count; i++) {
      const helper = createNetServer(acceptOptions, injectConnection);
      helpers.push(helper);
      await listen(helper, host, port, true);
      helper.on('error', forwardError);
    }
  } catch (error) {
    await Promise.all([server, ...helpers].map(closeServer));
    throw error;
  }
  return {
    port,
    close: () => Promise.all([server, ...helpers].map(closeServer)).then(() => undefined),
  };
}

function listen(server: NetServer, host: string, port: number, reusePort: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port, reusePort, exclusive: reusePort, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Binds host:port without SO_REUSEPORT (fails like a plain listen when taken) and releases it. */
async function probeFreePort(host: string, port: number): Promise<number> {
  const probe = createNetServer();
  const bound = await new Promise<number>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => resolve((probe.address() as AddressInfo).port));
  });
  await closeServer(probe);
  return bound;
}

function closeServer(server: NetServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
  });
}
