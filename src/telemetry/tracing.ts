import type { IncomingHttpHeaders } from 'node:http';
import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type TextMapPropagator,
  type Tracer,
  defaultTextMapGetter,
  trace,
} from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { RequestRecord } from '../proxy/request-record.ts';
import { endClientSpan, endServerSpan, methodAttribute } from './tracing-attributes.ts';
import type { RequestTracer, TraceSpan } from './tracing-hooks.ts';
import type { TracingOptions } from './tracing-options.ts';

/** Header names any of the propagators may write, removed before ours are added upstream. */
const TRACE_HEADERS = new Set([
  'traceparent',
  'tracestate',
  'b3',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-sampled',
  'x-b3-flags',
  'x-b3-parentspanid',
]);

class RequestTrace implements TraceSpan {
  readonly traced = true;
  readonly server: Span;
  readonly context: Context;
  readonly startTimeMs: number;
  client: Span | null = null;
  constructor(server: Span, context: Context, startTimeMs: number) {
    this.server = server;
    this.context = context;
    this.startTimeMs = startTimeMs;
  }
}

/** A span per request, exported over OTLP/HTTP (JSON) in batches. */
class OtlpRequestTracer implements RequestTracer {
  readonly provider: BasicTracerProvider;
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;

  constructor(options: TracingOptions) {
    const exporter = new OTLPTraceExporter({ url: options.endpoint });
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ ...options.resourceAttributes, 'service.name': options.serviceName }),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
      spanProcessors: [
        new BatchSpanProcessor(
          exporter,
          options.exportDelayMs === undefined ? {} : { scheduledDelayMillis: options.exportDelayMs },
        ),
      ],
    });
    this.tracer = this.provider.getTracer('sluice');
    const propagators: TextMapPropagator[] = options.propagators.map((name) =>
      name === 'b3'
        ? new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER })
        : new W3CTraceContextPropagator(),
    );
    this.propagator = new CompositePropagator({ propagators });
  }

  onRequestStart(
    method: string,
    headers: IncomingHttpHeaders,
    trustedClient: boolean,
    startTimeMs: number,
  ): TraceSpan | null {
    // Only a trusted client (--trusted-proxies) may continue its trace; anyone else starts a new one.
    const parent = trustedClient ? this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter) : ROOT_CONTEXT;
    const known = methodAttribute(method);
    const server = this.tracer.startSpan(
      known === '_OTHER' ? 'HTTP' : known,
      { kind: SpanKind.SERVER, startTime: startTimeMs },
      parent,
    );
    return new RequestTrace(server, trace.setSpan(parent, server), startTimeMs);
  }

  injectHeaders(span: TraceSpan, headers: string[]): void {
    const request = span as RequestTrace;
    if (request.client === null) {
      request.client = this.tracer.startSpan('upstream', { kind: SpanKind.CLIENT }, request.context);
    }
    for (let i = headers.length - 2; i >= 0; i -= 2) {
      if (TRACE_HEADERS.has(headers[i].toLowerCase())) headers.splice(i, 2);
    }
    const carrier: Record<string, string> = {};
    this.propagator.inject(trace.setSpan(request.context, request.client), carrier, {
      set: (target, key, value) => {
        (target as Record<string, string>)[key] = value;
      },
    });
    for (const name of Object.keys(carrier)) headers.push(name, carrier[name]);
  }

  onRequestEnd(span: TraceSpan, record: RequestRecord): void {
    const request = span as RequestTrace;
    // An unsampled request still propagated its context; there is nothing to record.
    if (!request.server.isRecording()) return;
    const endTimeMs = request.startTimeMs + record.durationMs;
    if (request.client !== null) {
      request.client.updateName(methodAttribute(record.method) === '_OTHER' ? 'HTTP' : record.method);
      endClientSpan(request.client, record, endTimeMs);
    }
    endServerSpan(request.server, record, endTimeMs);
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

/** The tracer the flags ask for, or null: tracing off, and the edge calls nothing. */
export function createRequestTracer(options: TracingOptions | null): RequestTracer | null {
  return options === null ? null : new OtlpRequestTracer(options);
}
