import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyChunks } from './body-chunks.ts';

async function collect(chunks: BodyChunks): Promise<string[]> {
  const seen: string[] = [];
  for await (const chunk of chunks) seen.push(String(chunk));
  return seen;
}

describe('BodyChunks: a request stream as the async iterable undici writes to an HTTP/2 upstream', () => {
  it('yields what the stream carries, in order, then ends', async () => {
    const stream = Readable.from([Buffer.from('a'), Buffer.from('bc')], { objectMode: false });
    expect((await collect(new BodyChunks(stream))).join('')).toBe('abc');
  });

  it('waits for chunks that arrive later (a streaming client)', async () => {
    const stream = new PassThrough();
    const seen = collect(new BodyChunks(stream));
    stream.write('one');
    await new Promise((resolve) => setImmediate(resolve));
    stream.write('two');
    stream.end();
    expect((await seen).join('')).toBe('onetwo');
  });

  it('fails when the stream closes before its end, so a cut body is never sent as complete', async () => {
    const stream = new PassThrough();
    const seen = collect(new BodyChunks(stream));
    stream.write('partial');
    await new Promise((resolve) => setImmediate(resolve));
    stream.destroy();
    await expect(seen).rejects.toThrow(/closed its request before the end/);
  });

  it('passes a stream error on', async () => {
    const stream = new PassThrough();
    const seen = collect(new BodyChunks(stream));
    stream.destroy(new Error('malformed chunked body'));
    await expect(seen).rejects.toThrow('malformed chunked body');
  });

  it('leaves the stream open when the reader stops early (the exchange still answers on it)', async () => {
    const stream = new PassThrough();
    const chunks = new BodyChunks(stream);
    stream.write('x');
    for await (const chunk of chunks) {
      expect(String(chunk)).toBe('x');
      break;
    }
    expect(stream.destroyed).toBe(false);
    expect(stream.listenerCount('readable') + stream.listenerCount('close') + stream.listenerCount('error')).toBe(0);
  });

  // undici's HTTP/1 writer calls body.read(0) on anything with a read method; the iterable must not have one.
  it('has no read method for undici to call', () => {
    expect('read' in new BodyChunks(new PassThrough())).toBe(false);
  });
});
