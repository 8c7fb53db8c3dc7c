// A worker process for workers.test.ts: an edge whose handler answers with its pid and the generation
// of the last payload the primary sent.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { silentLogger } from '../../src/util/logger.ts';
import { createEdge } from '../../src/proxy/edge.ts';
import type { Edge } from '../../src/proxy/edge.ts';
import { makeState } from './proxy-listeners.ts';
import { runAsEdgeWorker } from '../../src/proxy/workers.ts';

let generation = 0;
let requests = 0;
let edge: Edge | null = null;

const report = runAsEdgeWorker<{ generation: number }, { requests: number }>({
  async start(ports) {
    edge = createEdge({
      handler: {
        handle(_req, res) {
          requests++;
          (res as ServerResponse).writeHead(200, { 'content-type': 'application/json', connection: 'close' });
          res.end(JSON.stringify({ pid: process.pid, generation }));
        },
        resolveUpgrade: (_req: IncomingMessage) => ({ ok: false, status: 404, body: 'none\n' }),
      },
      getState: () => makeState(generation, []),
      bindAddress: '127.0.0.1',
      httpPort: ports.httpPort,
      httpsPort: ports.httpsPort,
      headerTimeoutMs: 2000,
      requestTimeoutMs: 5000,
      keepAliveTimeoutMs: 5000,
      maxHeaderBytes: 16_384,
      log: silentLogger,
      reusePort: true,
    });
    return edge.listen();
  },
  snapshot(payload) {
    generation = payload.generation;
    report({ requests });
  },
  async shutdown(graceMs) {
    if (edge !== null) await edge.close(graceMs);
  },
});
