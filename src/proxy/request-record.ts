/**
 * What the edge reports about each finished request, for metrics and the access log.
 * Built once per request after the response ends; consumers must not keep references into it
 * beyond the call (the edge may reuse the object).
 */
export interface RequestRecord {
  /** Epoch milliseconds when the request arrived. */
  startTime: number;
  durationMs: number;
  clientAddress: string;
  method: string;
  /** Normalised host, as matched. */
  host: string;
  /** Path as forwarded (normalised, query excluded). */
  path: string;
  protocol: 'http/1.1' | 'http/1.0' | 'h2';
  tls: boolean;
  status: number;
  bytesIn: number;
  bytesOut: number;
  requestId: string;
  /** From the matched target, or '' when nothing matched. */
  namespace: string;
  ingress: string;
  service: string;
  /** The matched rule's host as written ('*.example.com'; '' for rules without a host or no match). */
  ruleHost: string;
  /** The matched rule's path as written ('' for default backends or no match): a bounded metric label. */
  rulePath: string;
  /** Backend key "namespace/service:port", or ''. */
  backend: string;
  /** "address:port" of the last upstream tried, or ''. */
  upstreamAddress: string;
  /** Status the upstream answered, or 0 when none answered. */
  upstreamStatus: number;
  upstreamConnectMs: number;
  /** From the last attempt's start to the upstream's response headers (nginx upstream_header_time), or 0. */
  upstreamHeaderMs: number;
  /** From the last attempt's start to the end of the upstream's response (nginx upstream_response_time), or 0. */
  upstreamResponseMs: number;
  retries: number;
  /** '' on success; else one of 'connect-refused', 'connect-timeout', 'reset', 'timeout', 'no-endpoint', 'no-route', 'client-abort', 'bad-request', 'other'. */
  error: string;
}

export type RequestRecordListener = (record: RequestRecord) => void;
