/**
 * An echo pod's HTTP/2 cleartext (prior knowledge) port, as upstream's echo-basic serves h2c beside HTTP/1.1:
 * on the pod's own address, answering the same JSON echo (pod, namespace, path, proto "HTTP/2.0").
 */
import { createServer, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Pod } from './pods.ts';

export interface H2cEcho {
  readonly port: number;
  close(): Promise<void>;
}

export async function startH2cEcho(pod: Pod): Promise<H2cEcho> {
  const server: Http2Server = createServer((request, response) => {
    const url = request.url ?? '/';
    const body = JSON.stringify({
      pod: pod.name,
      namespace: pod.namespace,
      method: request.method,
      url,
      path: url.split('?')[0],
      host: request.authority ?? '',
      proto: 'HTTP/2.0',
      headers: {},
    });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
  const sessions = new Set<import('node:http2').ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, pod.ip, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
