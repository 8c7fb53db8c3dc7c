import pino from 'pino';
import type { RequestRecord, RequestRecordListener } from '../proxy/request-record.ts';

export interface AccessLogOptions {
  /** A file descriptor or a file path; default 1 (stdout). */
  readonly destination?: number | string;
  /** Bytes buffered before a write; default 4096. 0 writes every line at once. */
  readonly minLength?: number;
  /** Longest a line waits in the buffer when traffic is light; default 1000 ms. */
  readonly flushIntervalMs?: number;
}

export interface AccessLogger {
  /** One JSON line for a finished request. Serialises now (the record may be reused), writes later. */
  readonly log: RequestRecordListener;
  /** Write out whatever is buffered. */
  flush(): Promise<void>;
  /** Flush and close the destination. */
  close(): Promise<void>;
}

/**
 * One JSON line per finished request, off the request's critical path: the line is built by hand
 * (about 1 µs; pino's object serialisation costs about 5) into sonic-boom's buffer, which writes
 * asynchronously once `minLength` bytes collect or on the flush interval. Lines are pino-shaped
 * (`level` 30, epoch-ms `time`) with `"log":"access"`, so they sit beside the controller's logs.
 */
export function createAccessLogger(options: AccessLogOptions = {}): AccessLogger {
  const destination = pino.destination({
    dest: options.destination ?? 1,
    sync: false,
    minLength: options.minLength ?? 4096,
    periodicFlush: options.flushIntervalMs ?? 1000,
    mkdir: typeof options.destination === 'string',
  });
  // A failed write loses log lines but must never take the edge down.
  destination.on('error', () => {});
  let closed = false;
  const flush = () =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      destination.flush(() => resolve());
    });
  return {
    log(record) {
      if (!closed) destination.write(accessLogLine(record));
    },
    flush,
    async close() {
      if (closed) return;
      await flush();
      closed = true;
      await new Promise<void>((resolve) => {
        destination.once('close', () => resolve());
        destination.end();
      });
    },
  };
}

/** The access log line for a record, ending in "\n". Field order is fixed. */
export function accessLogLine(r: RequestRecord): string {
  return (
    '{"level":30,"time":' +
    r.startTime +
    ',"log":"access","msg":"request","client":' +
    jsonString(r.clientAddress) +
    ',"method":' +
    jsonString(r.method) +
    ',"host":' +
    jsonString(r.host) +
    ',"path":' +
    jsonString(r.path) +
    ',"protocol":' +
    jsonString(r.protocol) +
    ',"tls":' +
    r.tls +
    ',"status":' +
    r.status +
    ',"bytesIn":' +
    r.bytesIn +
    ',"bytesOut":' +
    r.bytesOut +
    ',"durationMs":' +
    Math.round(r.durationMs * 1000) / 1000 +
    ',"upstream":' +
    jsonString(r.upstreamAddress) +
    ',"upstreamStatus":' +
    r.upstreamStatus +
    ',"upstreamConnectMs":' +
    Math.round(r.upstreamConnectMs * 1000) / 1000 +
    ',"upstreamHeaderMs":' +
    Math.round(r.upstreamHeaderMs * 1000) / 1000 +
    ',"upstreamResponseMs":' +
    Math.round(r.upstreamResponseMs * 1000) / 1000 +
    ',"requestId":' +
    jsonString(r.requestId) +
    ',"namespace":' +
    jsonString(r.namespace) +
    ',"ingress":' +
    jsonString(r.ingress) +
    ',"service":' +
    jsonString(r.service) +
    ',"ruleHost":' +
    jsonString(r.ruleHost) +
    ',"rulePath":' +
    jsonString(r.rulePath) +
    ',"retries":' +
    r.retries +
    ',"error":' +
    jsonString(r.error) +
    '}\n'
  );
}

/**
 * A JSON string literal. Most strings need no escaping (checked with charCodeAt), and then quoting
 * them is much cheaper than JSON.stringify; anything with quotes, backslashes, controls or
 * surrogates goes through JSON.stringify.
 */
function jsonString(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff))
      return JSON.stringify(value);
  }
  return `"${value}"`;
}
