import { createServer, type Server } from 'node:http';
import type { KubeObject, Snapshot } from '../routing/types.ts';
import { endpointKey } from '../routing/endpoint-key.ts';

/** One small "pod" server of the embedded default. */
export interface ExampleBackend {
  readonly pod: string;
  readonly address: string;
  readonly port: number;
}

/** The loopback endpoints the example EndpointSlices list: those are the pods the embedded default runs. */
export function exampleEndpoints(snapshot: Snapshot): ExampleBackend[] {
  const found = new Map<string, ExampleBackend>();
  for (const slice of snapshot.endpointSlices) {
    for (const port of arrayOf(slice.ports)) {
      if (typeof port.port !== 'number') continue;
      for (const endpoint of arrayOf(slice.endpoints)) {
        const ref = endpoint.targetRef as KubeObject | undefined;
        const pod = ref && typeof ref.name === 'string' ? `${String(ref.namespace ?? '')}/${ref.name}` : 'example';
        for (const address of Array.isArray(endpoint.addresses) ? endpoint.addresses : []) {
          if (typeof address === 'string' && address.startsWith('127.')) {
            found.set(endpointKey(address, port.port), { pod, address, port: port.port });
          }
        }
      }
    }
  }
  return [...found.values()];
}

/**
 * Starts a tiny HTTP server for each backend; resolves once all listen. An address already taken
 * (another sluice serving the same examples) is reported through `onBusy` and left to its holder.
 */
export async function startExampleBackends(
  backends: readonly ExampleBackend[],
  onBusy: (backend: ExampleBackend) => void,
): Promise<{ close(): Promise<void> }> {
  const servers: Server[] = [];
  for (const backend of backends) {
    const server = createServer((req, res) => {
      const body =
        `hello from ${backend.pod} (${endpointKey(backend.address, backend.port)})\n` +
        `${req.method} ${req.url} host=${req.headers.host ?? ''} x-forwarded-for=${req.headers['x-forwarded-for'] ?? ''}\n`;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    const listening = await new Promise<boolean>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EADDRINUSE' ? resolve(false) : reject(error),
      );
      server.listen(backend.port, backend.address, () => resolve(true));
    });
    if (listening) servers.push(server);
    else onBusy(backend);
  }
  return {
    async close() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function arrayOf(value: unknown): KubeObject[] {
  return Array.isArray(value) ? value.filter((v) => v !== null && typeof v === 'object') : [];
}
