import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2Session, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';

// Knows every connection the edge accepted and what it is doing, so shutdown can close the idle ones at
// once, let busy ones finish, tell HTTP/2 clients GOAWAY and keep WebSockets open until the grace ends.

const kConnection = Symbol('sluice.connection');
const kStreams = Symbol('sluice.streams');

class ConnectionState {
  readonly raw: Socket;
  /** The socket requests arrive on: the raw one, or the TLS socket over it. */
  socket: Duplex;
  inflight = 0;
  response: ServerResponse | null = null;
  upgraded = false;
  http2 = false;
  constructor(raw: Socket) {
    this.raw = raw;
    this.socket = raw;
  }
}

type Tagged<T> = T & { [kConnection]?: ConnectionState };
type CountedSession = ServerHttp2Session & { [kStreams]?: number };

export interface ConnectionTracker {
  /** Prepend to every server's `connection` event. */
  onConnection(raw: Socket): void;
  /** On `secureConnection`: links the TLS socket to its raw connection. */
  onSecureConnection(socket: TLSSocket): void;
  /** On every HTTP/1 request, before anything answers it. */
  onHttp1Request(req: IncomingMessage, res: ServerResponse): void;
  onUpgrade(socket: Duplex): void;
  /** On `session` of the HTTP/2 server; `idleMs` closes sessions idle that long with no open stream. */
  onSession(session: ServerHttp2Session, idleMs: number): void;
  count(): number;
  isDraining(): boolean;
  /** Closes idle connections now, the rest as they finish; destroys what is left after `graceMs`. */
  drain(graceMs: number): Promise<void>;
}

/** What the tracker holds: open connections and HTTP/2 sessions, and whether it is draining. */
class Tracked {
  readonly connections = new Set<ConnectionState>();
  readonly sessions = new Set<ServerHttp2Session>();
  draining = false;
  /** Set while drain() waits for the last connection to close. */
  emptied: (() => void) | null = null;
}

export function createConnectionTracker(): ConnectionTracker {
  const tracked = new Tracked();
  const { connections, sessions } = tracked;

  function onRawClose(this: Tagged<Socket>): void {
    const state = this[kConnection];
    if (state !== undefined) connections.delete(state);
    if (connections.size === 0 && tracked.emptied !== null) tracked.emptied();
  }

  function onResponseClose(this: Tagged<ServerResponse>): void {
    const state = this[kConnection];
    if (state === undefined) return;
    state.inflight--;
    if (state.response === this) state.response = null;
    if (tracked.draining && state.inflight === 0 && !state.upgraded) state.socket.end();
  }

  function onSessionClose(this: ServerHttp2Session): void {
    sessions.delete(this);
  }

  return {
    onConnection(raw) {
      const state = new ConnectionState(raw);
      (raw as Tagged<Socket>)[kConnection] = state;
      connections.add(state);
      raw.once('close', onRawClose);
      if (tracked.draining) raw.destroy();
    },
    onSecureConnection(socket) {
      // oxlint-disable-next-line no-underscore-dangle -- TLSSocket's link to the TCP socket it wraps
      const raw = (socket as unknown as { _parent?: Tagged<Socket> })._parent;
      const state = raw?.[kConnection];
      if (state === undefined) return;
      state.socket = socket;
      state.http2 = socket.alpnProtocol === 'h2';
      (socket as Tagged<TLSSocket>)[kConnection] = state;
    },
    onHttp1Request(req, res) {
      const state = (req.socket as Tagged<Socket>)[kConnection];
      if (state === undefined) return;
      state.inflight++;
      state.response = res;
      (res as Tagged<ServerResponse>)[kConnection] = state;
      res.once('close', onResponseClose);
      if (tracked.draining) res.shouldKeepAlive = false;
    },
    onUpgrade(socket) {
      const state = (socket as Tagged<Duplex>)[kConnection];
      if (state !== undefined) state.upgraded = true;
    },
    onSession(session, idleMs) {
      sessions.add(session);
      session.once('close', onSessionClose);
      session.on('stream', onSessionStream);
      if (idleMs > 0) {
        session.setTimeout(idleMs);
        session.on('timeout', onSessionTimeout);
      }
      if (tracked.draining) session.close();
    },
    count() {
      return connections.size;
    },
    isDraining() {
      return tracked.draining;
    },
    drain: (graceMs) => drainTracked(tracked, graceMs),
  };
}

async function drainTracked(tracked: Tracked, graceMs: number): Promise<void> {
  const { connections, sessions } = tracked;
  tracked.draining = true;
  for (const session of sessions) closeSession(session);
  for (const state of connections) {
    if (state.http2 || state.upgraded) continue;
    if (state.inflight === 0) state.raw.destroy();
    else if (state.response !== null && !state.response.headersSent) state.response.shouldKeepAlive = false;
  }
  if (connections.size === 0) return;
  const allClosed = new Promise<void>((resolve) => {
    tracked.emptied = resolve;
  });
  const timer = setTimeout(() => {
    for (const state of connections) state.raw.destroy();
  }, graceMs);
  try {
    await allClosed;
  } finally {
    clearTimeout(timer);
    tracked.emptied = null;
  }
}

function onSessionStream(this: CountedSession, stream: ServerHttp2Stream): void {
  this[kStreams] = (this[kStreams] ?? 0) + 1;
  stream.once('close', onStreamClose);
}

function onStreamClose(this: ServerHttp2Stream): void {
  const session = this.session as CountedSession | undefined;
  if (session !== undefined) session[kStreams] = (session[kStreams] ?? 1) - 1;
}

function onSessionTimeout(this: CountedSession): void {
  if ((this[kStreams] ?? 0) === 0) this.close();
}

function closeSession(session: Http2Session): void {
  // close() sends GOAWAY and lets open streams finish; new streams are refused.
  if (!session.closed && !session.destroyed) session.close();
}
