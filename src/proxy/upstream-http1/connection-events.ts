import type { Socket } from 'node:net';
import type { Connection } from './connection.ts';
import { bodyTimeoutError, connectTimeoutError, headersTimeoutError, otherSideClosedError } from './errors.ts';
import { resumeRequestBody } from './request-body.ts';

// The events a Connection reacts to, as shared functions (no closure per connection): its socket's, found through
// a symbol on the socket, and its three timers' expiries.

const kConnection = Symbol('sluice.upstreamConnection');
interface CarriesConnection {
  [kConnection]?: Connection;
}

export function listenToSocket(socket: Socket, connection: Connection): void {
  (socket as CarriesConnection)[kConnection] = connection;
  socket.on('connect', onSocketConnect);
  socket.on('data', onSocketData);
  socket.on('end', onSocketEnd);
  socket.on('drain', onSocketDrain);
  socket.on('error', onSocketError);
  socket.on('close', onSocketClose);
}

export function onHeadTimeout(connection: Connection): void {
  if (!connection.connected) connection.destroy(connectTimeoutError(connection.headTimer.ms));
  else if (connection.request !== null) connection.destroy(headersTimeoutError(connection.headTimer.ms));
}

export function onBodyTimeout(connection: Connection): void {
  if (connection.request !== null) connection.destroy(bodyTimeoutError(connection.bodyTimer.ms));
}

export function onIdleTimeout(connection: Connection): void {
  if (connection.idle) connection.destroy(null);
}

function connectionOf(socket: Socket): Connection {
  return (socket as CarriesConnection)[kConnection]!;
}

function onSocketConnect(this: Socket): void {
  connectionOf(this).connectedNow();
}

function onSocketData(this: Socket, chunk: Buffer): void {
  connectionOf(this).received(chunk);
}

function onSocketEnd(this: Socket): void {
  connectionOf(this).ended();
}

function onSocketDrain(this: Socket): void {
  const request = connectionOf(this).request;
  if (request !== null) resumeRequestBody(request);
}

function onSocketError(this: Socket, error: Error): void {
  const connection = connectionOf(this);
  if (connection.socketError === null) connection.socketError = error;
}

function onSocketClose(this: Socket): void {
  const connection = connectionOf(this);
  connection.destroy(connection.socketError ?? otherSideClosedError());
  connection.parser.close();
}
