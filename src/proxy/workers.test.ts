import { describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../util/logger.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { startEdgeWorkers } from './workers.ts';

function ask(port: number): Promise<{ pid: number; generation: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/', agent: false, headers: { host: 'app.test' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(JSON.parse(body) as { pid: number; generation: number }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('edge workers', () => {
  it('runs two processes on the same ports, each updated by the primary, and stops them', async () => {
    const workers = await startEdgeWorkers<{ generation: number }, { requests: number }>({
      count: 2,
      entry: fileURLToPath(new URL('../../test/support/proxy-worker-entry.ts', import.meta.url)),
      httpPort: 0,
      httpsPort: 0,
      log: silentLogger,
    });
    try {
      expect(workers.count()).toBe(2);
      workers.broadcast({ generation: 7 });
      await waitFor(() => workers.stats().size === 2);
      const pids = new Set<number>();
      for (let i = 0; i < 60 && pids.size < 2; i++) {
        const answer = await ask(workers.httpPort);
        expect(answer.generation).toBe(7);
        pids.add(answer.pid);
      }
      expect(pids.size).toBe(2);
    } finally {
      await workers.close(1000);
    }
    expect(workers.count()).toBe(0);
  });
});
