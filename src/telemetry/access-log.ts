import type { RequestRecord, RequestRecordListener } from '../proxy/request-record.ts';

/** The part of a pino logger the access log uses. */
export interface AccessLogger {
  info(obj: object, msg?: string): void;
}

/**
 * One JSON line per finished request, in pino's shape (`level` 30, `time` in epoch ms, `msg`), so
 * controller and access logs read alike; `"log":"access"` tells them apart on one stream.
 * Given a function, the line is built by hand: numbers are
 * concatenated and strings are quoted (escaped only when they need it), so a request costs one
 * string and no objects; pass a buffered writer (pino.destination({ sync: false }), sonic-boom) to keep the write
 * off the request path. Given a pino logger, each request is one object handed to `info`.
 */
export function createAccessLog(sink: ((line: string) => void) | AccessLogger): RequestRecordListener {
  if (typeof sink === 'function') return (record) => sink(accessLogLine(record));
  return (record) => sink.info(accessLogFields(record), 'request');
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
    ',"requestId":' +
    jsonString(r.requestId) +
    ',"namespace":' +
    jsonString(r.namespace) +
    ',"ingress":' +
    jsonString(r.ingress) +
    ',"service":' +
    jsonString(r.service) +
    ',"retries":' +
    r.retries +
    ',"error":' +
    jsonString(r.error) +
    '}\n'
  );
}

/** The same fields as an object, for a pino logger (which adds level, time and msg itself). */
export function accessLogFields(r: RequestRecord): object {
  return {
    startTime: r.startTime,
    client: r.clientAddress,
    method: r.method,
    host: r.host,
    path: r.path,
    protocol: r.protocol,
    tls: r.tls,
    status: r.status,
    bytesIn: r.bytesIn,
    bytesOut: r.bytesOut,
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    upstream: r.upstreamAddress,
    upstreamStatus: r.upstreamStatus,
    upstreamConnectMs: Math.round(r.upstreamConnectMs * 1000) / 1000,
    requestId: r.requestId,
    namespace: r.namespace,
    ingress: r.ingress,
    service: r.service,
    retries: r.retries,
    error: r.error,
  };
}

/**
 * A JSON string literal. Most strings need no escaping (checked with charCodeAt), and then quoting
 * them is much cheaper than JSON.stringify; anything with quotes, backslashes, controls or
 * surrogates goes through JSON.stringify.
 */
function jsonString(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return JSON.stringify(value);
  }
  return `"${value}"`;
}
