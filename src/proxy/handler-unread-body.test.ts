import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleRouteState, startEdge, type Edge } from '../../test/support/proxy-handler-fixtures.ts';

// A request the edge answers itself (404 here) before reading its body: the connection is closed after
// the answer, so a client that then stalls its body holds nothing open.
describe('edge request path: answering without reading the body', () => {
  let edge: Edge;

  beforeAll(async () => {
    edge = await startEdge(singleRouteState([{ address: '127.0.0.2', port: 9 }]));
  });

  afterAll(async () => {
    await edge.close();
  });

  /** Sends `head` plus `partialBody` and keeps the socket open; resolves with what came back and whether the edge closed. */
  function stall(head: string, partialBody: string): Promise<{ text: string; closedByEdge: boolean }> {
    return new Promise((resolve) => {
      const socket = net.connect(edge.port, '127.0.0.1');
      let text = '';
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ text, closedByEdge: false });
      }, 2_000);
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('end', () => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ text, closedByEdge: true });
      });
      socket.write(head + partialBody);
    });
  }

  it('closes the connection after a 404 to a request whose body is still coming', async () => {
    const { text, closedByEdge } = await stall(
      'POST /x HTTP/1.1\r\nHost: nowhere.example\r\nContent-Length: 100000\r\n\r\n',
      '0123456789',
    );
    expect(text.startsWith('HTTP/1.1 404')).toBe(true);
    expect(text.toLowerCase()).toContain('connection: close');
    expect(closedByEdge).toBe(true);
  });

  it('keeps the connection for a 404 to a request without a body', async () => {
    const { text, closedByEdge } = await stall('GET /x HTTP/1.1\r\nHost: nowhere.example\r\n\r\n', '');
    expect(text.startsWith('HTTP/1.1 404')).toBe(true);
    expect(text.toLowerCase()).not.toContain('connection: close');
    expect(closedByEdge).toBe(false);
  }, 10_000);
});
