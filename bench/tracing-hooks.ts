// The cost of the tracing hooks alone (no sockets): onRequestStart + injectHeaders + onRequestEnd per
// request, at ratio 0.01 and 1.0, exporting to a closed port. `node bench/tracing-hooks.ts`
import { requestRecord } from '../test/support/request-record-fixture.ts';
import { createRequestTracer } from '../src/telemetry/tracing.ts';

const N = 50_000;
for (const ratio of [0.01, 1]) {
  const tracer = createRequestTracer({
    endpoint: 'http://127.0.0.1:9/v1/traces',
    sampleRatio: ratio,
    serviceName: 'bench',
    resourceAttributes: {},
    propagators: ['tracecontext'],
  });
  if (tracer === null) throw new Error('no tracer');
  const record = requestRecord();
  const run = (): number => {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const span = tracer.onRequestStart('GET', {}, false, Date.now());
      if (span === null) continue;
      tracer.injectHeaders(span, ['host', 'example.com']);
      tracer.onRequestEnd(span, record);
    }
    return ((performance.now() - t0) * 1000) / N;
  };
  run(); // warm up
  console.log(`ratio ${ratio}: ${run().toFixed(1)} µs per request`);
  await tracer.shutdown().catch(() => {});
}
