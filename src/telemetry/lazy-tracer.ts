import type { IncomingHttpHeaders } from 'node:http';
import type { RequestRecord } from '../proxy/request-record.ts';
import type { RequestTracer, TraceSpan } from './tracing-hooks.ts';
import type { TracingOptions } from './tracing-options.ts';

/**
 * The tracer the flags ask for, or null (tracing off: nothing is loaded and the edge calls nothing).
 * The OpenTelemetry SDK costs ~40 MiB of RSS once loaded, so it is imported only when tracing is on,
 * in the background: requests that start before it has loaded (the first milliseconds) are not traced.
 */
export function loadRequestTracer(
  options: TracingOptions | null,
  onError: (error: unknown) => void,
): RequestTracer | null {
  return options === null ? null : new LazyRequestTracer(options, onError);
}

class LazyRequestTracer implements RequestTracer {
  inner: RequestTracer | null = null;
  readonly loading: Promise<void>;

  constructor(options: TracingOptions, onError: (error: unknown) => void) {
    this.loading = import('./tracing.ts').then((module) => {
      this.inner = module.createRequestTracer(options);
    }, onError);
  }

  onRequestStart(method: string, headers: IncomingHttpHeaders, trusted: boolean, startMs: number): TraceSpan | null {
    return this.inner === null ? null : this.inner.onRequestStart(method, headers, trusted, startMs);
  }

  injectHeaders(span: TraceSpan, headers: string[]): void {
    this.inner!.injectHeaders(span, headers);
  }

  onRequestEnd(span: TraceSpan, record: RequestRecord): void {
    this.inner!.onRequestEnd(span, record);
  }

  async shutdown(): Promise<void> {
    await this.loading;
    if (this.inner !== null) await this.inner.shutdown();
  }
}
