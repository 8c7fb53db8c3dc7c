import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

/**
 * The one door to node's own HTTP/1 response parser (llhttp, the C++ parser node's `http` client uses), reached
 * through the legacy internal module `_http_common`. Nothing else in the lean client touches it: a future Node
 * that drops or changes it makes `responseParsers` null (checked once at start with a small self-test), and the
 * edge falls back to undici.
 */

/** What a parser reports to its owner, in order: begin, [headers…], headersComplete, body…, [headers], complete. */
export interface ResponseParserOwner {
  onMessageBegin(): void;
  /** Header pairs flushed before headersComplete (over 32 pairs), or trailers after the body. */
  onHeaderPairs(pairs: string[]): void;
  /** Returns true when no body follows whatever the head says (a response to HEAD, a 1xx). */
  onHead(
    statusCode: number,
    statusMessage: string,
    pairs: string[] | undefined,
    upgrade: boolean,
    keepAlive: boolean,
  ): boolean;
  /** A copy owned by the receiver. */
  onBodyChunk(chunk: Buffer): void;
  onMessageComplete(): void;
  /** After each read the parser consumed from its socket (see ResponseParser.consume): bytes parsed or the error. */
  onExecuted(result: number | ParseFailure): void;
}

/** llhttp's report of a framing error: `code` is llhttp's (HPE_INVALID_CHUNK_SIZE, HPE_HEADER_OVERFLOW, …). */
export interface ParseFailure {
  readonly code: string;
  readonly reason: string;
  readonly bytesParsed: number;
}

export interface ResponseParser {
  /** Bytes consumed, or the framing error. Callbacks run synchronously inside. */
  execute(data: Buffer): number | ParseFailure;
  /** The stream ended: completes a close-delimited body, or the framing error (e.g. HPE_INVALID_EOF_STATE). */
  finish(): ParseFailure | undefined;
  /**
   * Lets the parser read the socket itself, in C++, as node's own HTTP server does (no 'data' event, no JS Buffer
   * per read); results then come to the owner's onExecuted. False when the socket cannot be consumed (no native
   * handle): then feed execute() from 'data' events.
   */
  consume(socket: Socket): boolean;
  /** Stops or restarts reading a consumed socket (backpressure); false when not consuming. */
  setReading(reading: boolean): boolean;
  /** Releases the native parser (and the socket it consumed); never while inside execute(). */
  close(): void;
}

export interface ResponseParserFactory {
  create(owner: ResponseParserOwner, maxHeaderSize: number): ResponseParser;
}

interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): unknown;
  finish(): unknown;
  close(): void;
  consume(handle: object): void;
  unconsume(): void;
  [key: number]: unknown;
  owner: ResponseParserOwner | null;
}

interface NativeParserClass {
  new (): NativeParser;
  RESPONSE: number;
  kLenientNone: number;
  kOnMessageBegin: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
}

/** The native stream handle of a net.Socket (internal to node). */
interface StreamHandle {
  readStart(): number;
  readStop(): number;
}

function onMessageBegin(this: NativeParser): void {
  this.owner?.onMessageBegin();
}

function onHeaders(this: NativeParser, pairs: string[]): void {
  this.owner?.onHeaderPairs(pairs);
}

function onHeadersComplete(
  this: NativeParser,
  _major: number,
  _minor: number,
  pairs: string[] | undefined,
  _method: unknown,
  _url: unknown,
  statusCode: number,
  statusMessage: string,
  upgrade: boolean,
  keepAlive: boolean,
): number {
  const owner = this.owner;
  if (owner === null) return 1;
  return owner.onHead(statusCode, statusMessage, pairs, upgrade, keepAlive) ? 1 : 0;
}

function onBody(this: NativeParser, chunk: Buffer): void {
  this.owner?.onBodyChunk(chunk);
}

function onMessageComplete(this: NativeParser): void {
  this.owner?.onMessageComplete();
}

function onExecute(this: NativeParser, result: number | ParseFailure): void {
  this.owner?.onExecuted(result);
}

/** The native parser behind the small interface the client uses. */
class LlhttpResponseParser implements ResponseParser {
  readonly native: NativeParser;
  handle: StreamHandle | null = null;

  constructor(native: NativeParser) {
    this.native = native;
  }

  execute(data: Buffer): number | ParseFailure {
    return this.native.execute(data) as number | ParseFailure;
  }

  finish(): ParseFailure | undefined {
    return this.native.finish() as ParseFailure | undefined;
  }

  consume(socket: Socket): boolean {
    const handle = (socket as unknown as { _handle?: StreamHandle & { isStreamBase?: boolean } })._handle;
    if (handle === undefined || handle === null || handle.isStreamBase !== true) return false;
    this.native.consume(handle);
    this.handle = handle;
    return true;
  }

  setReading(reading: boolean): boolean {
    const handle = this.handle;
    if (handle === null) return false;
    if (reading) handle.readStart();
    else handle.readStop();
    return true;
  }

  close(): void {
    if (this.handle !== null) {
      this.handle = null;
      this.native.unconsume();
    }
    this.native.owner = null;
    this.native.close();
  }
}

class LlhttpFactory implements ResponseParserFactory {
  readonly #Parser: NativeParserClass;

  constructor(Parser: NativeParserClass) {
    this.#Parser = Parser;
  }

  create(owner: ResponseParserOwner, maxHeaderSize: number): ResponseParser {
    const Parser = this.#Parser;
    const parser = new Parser();
    parser.initialize(Parser.RESPONSE, owner, maxHeaderSize, Parser.kLenientNone);
    parser[Parser.kOnMessageBegin] = onMessageBegin;
    parser[Parser.kOnHeaders] = onHeaders;
    parser[Parser.kOnHeadersComplete] = onHeadersComplete;
    parser[Parser.kOnBody] = onBody;
    parser[Parser.kOnMessageComplete] = onMessageComplete;
    parser[Parser.kOnExecute] = onExecute;
    parser.owner = owner;
    return new LlhttpResponseParser(parser);
  }
}

/** Records what the self-test parse reported. */
class SelfTestOwner implements ResponseParserOwner {
  events = '';
  onMessageBegin(): void {
    this.events += 'begin;';
  }
  onHeaderPairs(pairs: string[]): void {
    this.events += 'pairs=' + pairs.join(',') + ';';
  }
  onHead(statusCode: number, statusMessage: string, pairs: string[] | undefined, upgrade: boolean, keepAlive: boolean) {
    this.events += `head=${statusCode} ${statusMessage} ${pairs?.join(',')} ${upgrade} ${keepAlive};`;
    return false;
  }
  onBodyChunk(chunk: Buffer): void {
    this.events += 'body=' + (Buffer.isBuffer(chunk) ? chunk.toString('latin1') : '?') + ';';
  }
  onMessageComplete(): void {
    this.events += 'complete;';
  }
  onExecuted(): void {}
}

const SELF_TEST_INPUT =
  'HTTP/1.1 201 Made\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 2\r\n\r\n';
const SELF_TEST_EXPECT = 'begin;head=201 Made X-A,1,Transfer-Encoding,chunked false true;body=ok;pairs=X-T,2;complete;';

function isParserClass(value: unknown): value is NativeParserClass {
  if (typeof value !== 'function') return false;
  const Parser = value as unknown as Record<string, unknown>;
  const proto = (value as { prototype: Record<string, unknown> }).prototype;
  for (const key of ['RESPONSE', 'kLenientNone', 'kOnMessageBegin', 'kOnHeaders', 'kOnHeadersComplete', 'kOnBody']) {
    if (typeof Parser[key] !== 'number') return false;
  }
  if (typeof Parser.kOnMessageComplete !== 'number' || typeof Parser.kOnExecute !== 'number') return false;
  for (const method of ['initialize', 'execute', 'finish', 'close', 'consume', 'unconsume']) {
    if (typeof proto[method] !== 'function') return false;
  }
  return true;
}

/**
 * Finds llhttp in what `loadCommon` returns (node's `_http_common`) and checks, on a known response, that it still
 * reports what this module expects; null otherwise (missing module, missing parser, changed callbacks).
 */
export function detectResponseParsers(loadCommon: () => unknown): ResponseParserFactory | null {
  try {
    const common = loadCommon() as { HTTPParser?: unknown } | null;
    if (common === null || typeof common !== 'object') return null;
    if (!isParserClass(common.HTTPParser)) return null;
    const factory = new LlhttpFactory(common.HTTPParser);
    const owner = new SelfTestOwner();
    const parser = factory.create(owner, 0);
    const input = Buffer.from(SELF_TEST_INPUT, 'latin1');
    const consumed = parser.execute(input);
    const bad = parser.execute(
      Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n'),
    );
    parser.close();
    const rejectsBoth = typeof bad === 'object' && bad !== null && typeof bad.code === 'string';
    return consumed === input.length && owner.events.startsWith(SELF_TEST_EXPECT) && rejectsBoth ? factory : null;
  } catch {
    return null;
  }
}

/** llhttp's response parsers, or null when this Node no longer offers them as expected. */
export const responseParsers: ResponseParserFactory | null = detectResponseParsers(() =>
  createRequire(import.meta.url)('_http_common'),
);
