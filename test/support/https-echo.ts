// An HTTPS pod for the backend-protocol tests: answers JSON with what it saw, including the client
// certificate the edge presented (it asks for one, accepts any) and the SNI it was sent.
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface HttpsEcho {
  readonly port: number;
  close(): Promise<void>;
}

export interface HttpsEchoReply {
  pod: string;
  proto: 'https';
  path: string;
  /** CN of the client certificate the edge presented, or null. */
  clientCertificate: string | null;
  /** SNI the edge sent, or null. */
  servername: string | null;
}

export async function startHttpsEcho(name: string, pair: { certPem: string; keyPem: string }): Promise<HttpsEcho> {
  const server: Server = createServer(
    { cert: pair.certPem, key: pair.keyPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      const cn = peer?.subject?.CN;
      const reply: HttpsEchoReply = {
        pod: name,
        proto: 'https',
        path: req.url ?? '',
        clientCertificate: typeof cn === 'string' ? cn : null,
        servername:
          typeof (socket as { servername?: unknown }).servername === 'string'
            ? (socket as { servername: string }).servername
            : null,
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
