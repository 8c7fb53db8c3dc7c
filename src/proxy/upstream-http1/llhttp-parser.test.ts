// The only module that touches node's legacy `_http_common`: present and behaving as expected on this Node.
import { describe, expect, it } from 'vitest';
import { responseParsers, type ResponseParserOwner } from './llhttp-parser.ts';

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
});
