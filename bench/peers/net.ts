// Loopback addresses, free ports and a readiness probe for the benchmark's processes.
import { request } from 'node:http';

/** A loopback address unlikely to be used by anyone else on this host: 127.X.Y.1. */
export function pickLoopbackAddress(): string {
  const x = 100 + Math.floor(Math.random() * 150);
  const y = 1 + Math.floor(Math.random() * 250);
  return `127.${x}.${y}.1`;
}

export interface Reply {
  status: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/** One GET on a fresh connection, bounded in time. */
export function get(host: string, port: number, path: string, timeoutMs = 2000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${host}:${port}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Polls GET `path` until it answers 200 with a body of `bodyLength` bytes; throws after `timeoutMs` with the last
 * failure. `alive` lets the caller stop early when the process has exited.
 */
export async function waitServing(
  host: string,
  port: number,
  path: string,
  bodyLength: number,
  options: { timeoutMs?: number; alive?: () => boolean; what: string },
): Promise<Reply> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last = 'no attempt';
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    if (options.alive !== undefined && !options.alive())
      throw new Error(`${options.what} exited before serving (${last})`);
    try {
      const reply = await get(host, port, path);
      if (reply.status === 200 && reply.body.length === bodyLength) return reply;
      last = `status ${reply.status}, ${reply.body.length} bytes: ${reply.body.subarray(0, 120).toString()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(25 * (attempt + 1), 250)));
  }
  throw new Error(`${options.what} did not serve ${path} (${bodyLength} bytes) at ${host}:${port} in time: ${last}`);
}
