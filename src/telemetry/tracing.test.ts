import { afterEach, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../../test/support/telemetry-otlp-receiver.ts';
import { requestRecord } from '../../test/support/request-record-fixture.ts';
import type { RequestRecord } from '../proxy/request-record.ts';
import { createRequestTracer } from './tracing.ts';
import { type TracingOptions, tracingOptionsFrom } from './tracing-options.ts';
import type { RequestTracer } from './tracing-hooks.ts';

const PARENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${PARENT_TRACE}-${PARENT_SPAN}-01`;

let openReceiver: OtlpReceiver | null = null;
afterEach(async () => {
  await openReceiver?.close();
  openReceiver = null;
});

async function tracerWith(
  options: Partial<TracingOptions> = {},
): Promise<{ tracer: RequestTracer; receiver: OtlpReceiver }> {
  const receiver = await startOtlpReceiver();
  openReceiver = receiver;
  const tracer = createRequestTracer({
    endpoint: receiver.url,
    sampleRatio: 1,
    serviceName: 'sluice-test',
    resourceAttributes: { 'deployment.environment': 'test' },
    propagators: ['tracecontext'],
    ...options,
  })!;
  return { tracer, receiver };
}

/** One request through the three hooks; returns the headers that would go upstream. */
function traceOne(
  tracer: RequestTracer,
  incoming: Record<string, string>,
  trusted: boolean,
  record: RequestRecord,
  forwarded = true,
): string[] {
  const span = tracer.onRequestStart(record.method, incoming, trusted, record.startTime);
  expect(span).not.toBeNull();
  const headers = ['host', 'shop.example.com', ...Object.entries(incoming).flat()];
  if (forwarded) tracer.injectHeaders(span!, headers);
  tracer.onRequestEnd(span!, record);
  return headers;
}

function header(headers: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (headers[i].toLowerCase() === name) values.push(headers[i + 1]);
  return values;
}

describe('tracing (OTLP/HTTP to a real receiver)', () => {
  it('is off without --otlp-endpoint: no tracer, so the edge calls nothing', () => {
    const options = tracingOptionsFrom({
      otlpEndpoint: null,
      traceSampleRatio: 1,
      traceServiceName: 'sluice',
      traceResourceAttributes: [],
      tracePropagators: ['tracecontext'],
    });
    expect(options).toBeNull();
    expect(createRequestTracer(options)).toBeNull();
  });

  it("continues a trusted client's W3C trace: server span under its parent, client span under the server span, context sent upstream", async () => {
    const { tracer, receiver } = await tracerWith();
    const record = requestRecord({ upstreamConnectMs: 1.5, retries: 1 });
    const headers = traceOne(tracer, { traceparent: TRACEPARENT, tracestate: 'vendor=1' }, true, record);
    await tracer.shutdown();
    expect(receiver.rejected).toEqual([]);
    const server = receiver.spans.find((s) => s.kind === 2)!;
    const client = receiver.spans.find((s) => s.kind === 3)!;
    expect(server.traceId).toBe(PARENT_TRACE);
    expect(server.parentSpanId).toBe(PARENT_SPAN);
    expect(client.traceId).toBe(PARENT_TRACE);
    expect(client.parentSpanId).toBe(server.spanId);
    expect(header(headers, 'traceparent')).toEqual([`00-${PARENT_TRACE}-${client.spanId}-01`]);
    expect(header(headers, 'tracestate')).toEqual(['vendor=1']);

    expect(server.name).toBe('GET /cart');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/cart',
      'http.response.status_code': 200,
      'url.path': '/cart',
      'url.scheme': 'http',
      'server.address': 'shop.example.com',
      'sluice.ingress.namespace': 'shop',
      'sluice.ingress.name': 'storefront',
      'sluice.service.name': 'web',
      'sluice.backend': 'shop/web:80',
      'sluice.retries': 1,
    });
    expect(server.statusCode).toBe(0);
    expect(client.attributes).toMatchObject({
      'server.address': '10.0.0.7',
      'server.port': 8080,
      'http.response.status_code': 200,
      'http.request.resend_count': 1,
      'sluice.upstream.connect_ms': 1.5,
      'sluice.upstream.header_ms': 9.5,
      'sluice.upstream.response_ms': 11,
    });
    expect(server.resource).toMatchObject({ 'service.name': 'sluice-test', 'deployment.environment': 'test' });
    const durationNs = BigInt(server.endTimeUnixNano) - BigInt(server.startTimeUnixNano);
    expect(Number(durationNs) / 1e6).toBeCloseTo(record.durationMs, 3);
  });

  it('ignores the trace context of an untrusted client and replaces its headers upstream', async () => {
    const { tracer, receiver } = await tracerWith();
    const headers = traceOne(tracer, { traceparent: TRACEPARENT }, false, requestRecord());
    await tracer.shutdown();
    const server = receiver.spans.find((s) => s.kind === 2)!;
    expect(server.traceId).not.toBe(PARENT_TRACE);
    expect(server.parentSpanId).toBe('');
    expect(header(headers, 'traceparent')).toHaveLength(1);
    expect(header(headers, 'traceparent')[0]).toContain(server.traceId);
  });

  it('marks a 5xx server span as an error, and needs no client span when nothing was forwarded', async () => {
    const { tracer, receiver } = await tracerWith();
    traceOne(tracer, {}, false, requestRecord({ status: 502, upstreamStatus: 0, error: 'connect-refused' }));
    traceOne(tracer, {}, false, requestRecord({ status: 404, rulePath: '', ingress: '', service: '' }), false);
    await tracer.shutdown();
    const servers = receiver.spans.filter((s) => s.kind === 2);
    expect(servers.map((s) => [s.name, s.statusCode, s.attributes['error.type']])).toEqual([
      ['GET /cart', 2, 'connect-refused'],
      ['GET', 0, undefined],
    ]);
    const clients = receiver.spans.filter((s) => s.kind === 3);
    expect(clients.map((s) => [s.statusCode, s.attributes['error.type']])).toEqual([[2, 'connect-refused']]);
  });

  it('accepts and sends B3 when configured', async () => {
    const { tracer, receiver } = await tracerWith({ propagators: ['tracecontext', 'b3'] });
    const b3 = { 'x-b3-traceid': PARENT_TRACE, 'x-b3-spanid': PARENT_SPAN, 'x-b3-sampled': '1' };
    const headers = traceOne(tracer, b3, true, requestRecord());
    await tracer.shutdown();
    const server = receiver.spans.find((s) => s.kind === 2)!;
    const client = receiver.spans.find((s) => s.kind === 3)!;
    expect(server.parentSpanId).toBe(PARENT_SPAN);
    expect(header(headers, 'x-b3-traceid')).toEqual([PARENT_TRACE]);
    expect(header(headers, 'x-b3-spanid')).toEqual([client.spanId]);
    expect(header(headers, 'traceparent')).toEqual([`00-${PARENT_TRACE}-${client.spanId}-01`]);
  });

  it('at ratio 0 records nothing new but still propagates an unsampled context; a sampled parent is followed', async () => {
    const { tracer, receiver } = await tracerWith({ sampleRatio: 0 });
    const headers = traceOne(tracer, {}, false, requestRecord());
    expect(header(headers, 'traceparent')[0]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    traceOne(tracer, { traceparent: TRACEPARENT }, true, requestRecord());
    await tracer.shutdown();
    expect(receiver.spans.map((s) => s.traceId)).toEqual([PARENT_TRACE, PARENT_TRACE]);
  });
});
