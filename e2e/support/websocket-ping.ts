import { WebSocket } from 'ws';

/** What a WebSocket handshake through the edge came to: the echo of "ping", or the refusal's status. */
export type PingOutcome =
  | { readonly echoed: string }
  | { readonly refused: number; readonly wwwAuthenticate: string | undefined; readonly location: string | undefined };

/**
 * Opens ws://127.0.0.1:port/ws with these headers (Host included), sends "ping" and resolves with the
 * echo, or with the status of an answer that refused the upgrade (auth steps answer handshakes too).
 */
export function webSocketPing(port: number, headers: Readonly<Record<string, string>>): Promise<PingOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { ...headers }, handshakeTimeout: 5000 });
    socket.once('unexpected-response', (_request, response) => {
      resolve({
        refused: response.statusCode ?? 0,
        wwwAuthenticate: response.headers['www-authenticate'],
        location: response.headers.location,
      });
      response.resume();
      socket.terminate();
    });
    socket.once('error', reject);
    socket.once('open', () => socket.send('ping'));
    socket.once('message', (message: Buffer) => {
      resolve({ echoed: String(message) });
      socket.close();
    });
  });
}
