// What --otlp-endpoint and its flags ask of tracing; read without loading the OpenTelemetry SDK.

export interface TracingOptions {
  /** OTLP/HTTP traces URL, e.g. http://collector:4318/v1/traces. */
  readonly endpoint: string;
  /** Share of new root traces recorded; a sampled (trusted) parent is always followed. */
  readonly sampleRatio: number;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly propagators: readonly ('tracecontext' | 'b3')[];
  /** Export batching delay (default: the SDK's, 5 s or OTEL_BSP_SCHEDULE_DELAY). */
  readonly exportDelayMs?: number;
}

/** Tracing options from the flags (null without --otlp-endpoint). */
export function tracingOptionsFrom(config: {
  readonly otlpEndpoint: string | null;
  readonly traceSampleRatio: number;
  readonly traceServiceName: string;
  readonly traceResourceAttributes: readonly string[];
  readonly tracePropagators: readonly ('tracecontext' | 'b3')[];
}): TracingOptions | null {
  if (config.otlpEndpoint === null) return null;
  const resourceAttributes: Record<string, string> = {};
  for (const pair of config.traceResourceAttributes) {
    const equals = pair.indexOf('=');
    resourceAttributes[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return {
    endpoint: config.otlpEndpoint,
    sampleRatio: config.traceSampleRatio,
    serviceName: config.traceServiceName,
    resourceAttributes,
    propagators: config.tracePropagators,
  };
}
