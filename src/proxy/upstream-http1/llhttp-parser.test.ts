// The only module that touches node's legacy `_http_common`: present and behaving as expected on this Node.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { detectResponseParsers, responseParsers, type ResponseParserOwner } from './llhttp-parser.ts';

class Events implements ResponseParserOwner {
  log: string[] = [];
  onMessageBegin(): void {
    this.log.push('begin');
  }
  onHeaderPairs(pairs: string[]): void {
    this.log.push('pairs ' + pairs.join('|'));
  }
  onHead(statusCode: number, _message: string, pairs: string[] | undefined, _upgrade: boolean, keepAlive: boolean) {
    this.log.push(`head ${statusCode} ${pairs?.length ?? 'flushed'} ${keepAlive}`);
    return false;
  }
  onBodyChunk(chunk: Buffer): void {
    this.log.push('body ' + chunk.toString());
  }
  onMessageComplete(): void {
    this.log.push('complete');
  }
  onExecuted(): void {}
}

describe('llhttp response parser', () => {
  it('is found on this Node (the undici fallback is for a Node without it)', () => {
    expect(responseParsers).not.toBeNull();
  });

  it('flushes heads of more than 32 header pairs through onHeaderPairs before onHead', () => {
    const events = new Events();
    const parser = responseParsers!.create(events, 0);
    let head = 'HTTP/1.1 200 OK\r\n';
    for (let i = 0; i < 40; i++) head += `x-h${i}: ${i}\r\n`;
    const input = Buffer.from(head + 'content-length: 2\r\n\r\nok');
    expect(parser.execute(input)).toBe(input.length);
    parser.close();
    expect(events.log[0]).toBe('begin');
    expect(
      events.log
        .filter((event) => event.startsWith('pairs'))
        .join('|')
        .split('|').length,
    ).toBe(82);
    expect(events.log.slice(-3)).toEqual(['head 200 flushed true', 'body ok', 'complete']);
  });

  it('reports a framing error with llhttp code instead of throwing', () => {
    const parser = responseParsers!.create(new Events(), 0);
    const result = parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n'));
    parser.close();
    expect(typeof result).toBe('object');
    expect((result as { code: string }).code).toBe('HPE_INVALID_CHUNK_SIZE');
  });

  it('is null (so the edge keeps undici) when _http_common is gone, lacks HTTPParser, or reports differently', () => {
    expect(
      detectResponseParsers(() => {
        throw Object.assign(new Error("Cannot find module '_http_common'"), { code: 'MODULE_NOT_FOUND' });
      }),
    ).toBeNull();
    expect(detectResponseParsers(() => ({}))).toBeNull();
    expect(detectResponseParsers(() => ({ HTTPParser: class {} }))).toBeNull();
    // A parser of the same shape whose callbacks changed (status code and message swapped): the self-test refuses it.
    class ChangedParser {
      static RESPONSE = 2;
      static kLenientNone = 0;
      static kOnMessageBegin = 0;
      static kOnHeaders = 1;
      static kOnHeadersComplete = 2;
      static kOnBody = 3;
      static kOnMessageComplete = 4;
      [key: number]: (...args: unknown[]) => unknown;
      initialize(): void {}
      execute(data: Buffer): number {
        this[0]();
        this[2](1, 1, ['X-A', '1'], undefined, undefined, 'Made', 201, false, true);
        this[4]();
        return data.length;
      }
      finish(): void {}
      close(): void {}
    }
    expect(detectResponseParsers(() => ({ HTTPParser: ChangedParser }))).toBeNull();
    const real = createRequire(import.meta.url)('_http_common');
    expect(detectResponseParsers(() => real)).not.toBeNull();
  });
});
