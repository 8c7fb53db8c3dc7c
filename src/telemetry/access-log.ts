import type { RequestRecord, RequestRecordListener } from '../proxy/request-record.ts';

/** The part of a pino logger the access log uses. */
export interface AccessLogger {
  info(obj: object, msg?: string): void;
}

/**
 * One JSON line per finished request, in pino's shape (`level` 30, `time` in epoch ms, `msg`), so
 * controller and access logs read alike; `"log":"access"` tells them apart on one stream.
 * Given a function, the line is built by hand: numbers are
 * concatenated and only strings go through JSON.stringify, so a request costs one string and no
 * objects; pass a buffered writer (pino.destination({ sync: false }), sonic-boom) to keep the write
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
    JSON.stringify(r.clientAddress) +
    ',"method":' +
    JSON.stringify(r.method) +
    ',"host":' +
    JSON.stringify(r.host) +
    ',"path":' +
    JSON.stringify(r.path) +
    ',"protocol":' +
    JSON.stringify(r.protocol) +
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
    JSON.stringify(r.upstreamAddress) +
    ',"upstreamStatus":' +
    r.upstreamStatus +
    ',"upstreamConnectMs":' +
    Math.round(r.upstreamConnectMs * 1000) / 1000 +
    ',"requestId":' +
    JSON.stringify(r.requestId) +
    ',"namespace":' +
    JSON.stringify(r.namespace) +
    ',"ingress":' +
    JSON.stringify(r.ingress) +
    ',"service":' +
    JSON.stringify(r.service) +
    ',"retries":' +
    r.retries +
    ',"error":' +
    JSON.stringify(r.error) +
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
