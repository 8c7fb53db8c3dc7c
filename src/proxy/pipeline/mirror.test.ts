import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Exchange } from './exchange.ts';
import { copyToMirrors, dropMirrorBodies, endMirrorBodies, MIRROR_LAG_MAX_BYTES } from './mirror.ts';

// The bound on what a mirrored body may hold (mirror.ts): the main request never waits for a mirror.
describe('mirrored request bodies', () => {
  const chunk = Buffer.alloc(16 * 1024, 0x61);

  it('abandons the copy of a mirror that falls more than the lag bound behind, and only that one', () => {
    const stalled = new PassThrough();
    stalled.on('error', () => {}); // as sendMirror does: a mirror's failure is nobody's error
    const reading = new PassThrough();
    let read = 0;
    reading.on('data', (data: Buffer) => {
      read += data.length;
    });
    const exchange = { mirrorBodies: [stalled, reading] } as unknown as Exchange;
    const chunks = (MIRROR_LAG_MAX_BYTES / chunk.length) * 2;
    for (let i = 0; i < chunks; i++) copyToMirrors(exchange, chunk);
    expect(stalled.destroyed).toBe(true);
    expect(stalled.writableLength).toBeLessThanOrEqual(MIRROR_LAG_MAX_BYTES);
    expect(reading.destroyed).toBe(false);
    expect(read).toBe(chunks * chunk.length);
    endMirrorBodies(exchange);
    expect(reading.writableEnded).toBe(true);
    expect(exchange.mirrorBodies).toBeNull();
  });

  it('abandons every copy when the exchange closes before its body was sent', () => {
    const body = new PassThrough();
    body.on('error', () => {});
    const exchange = { mirrorBodies: [body] } as unknown as Exchange;
    copyToMirrors(exchange, chunk);
    dropMirrorBodies(exchange);
    expect(body.destroyed).toBe(true);
    expect(exchange.mirrorBodies).toBeNull();
  });
});
