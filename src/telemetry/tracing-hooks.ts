import type { IncomingHttpHeaders } from 'node:http';
import type { RequestRecord } from '../proxy/request-record.ts';

/** One traced request as the edge holds it: opaque outside src/telemetry/tracing*.ts. */
export interface TraceSpan {
  readonly traced: true;
}

/**
 * What the edge calls when tracing is on (`--otlp-endpoint`); when off the edge holds `null` and
 * calls nothing. Three calls per request, none of which throws:
 * 1. `onRequestStart` once the client address is known (its trust decides whether an incoming
 *    traceparent/B3 context is followed); returns the span to keep on the request.
 * 2. `injectHeaders` just before forwarding: replaces any trace headers in the flat header list
 *    sent upstream with the context of the upstream (client) span.
 * 3. `onRequestEnd` with the finished request's record: attributes, status, end time.
 */
export interface RequestTracer {
  onRequestStart(
    method: string,
    headers: IncomingHttpHeaders,
    trustedClient: boolean,
    startTimeMs: number,
  ): TraceSpan | null;
  injectHeaders(span: TraceSpan, headers: string[]): void;
  onRequestEnd(span: TraceSpan, record: RequestRecord): void;
  /** Exports what is buffered; called when the edge closes. */
  shutdown(): Promise<void>;
}
