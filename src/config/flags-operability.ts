// The operability flags.
import { flag } from './flag.ts';
import { fail, ok, type FlagSpec, type Parsed } from './types.ts';
import { listOf, oneOf, parseBoolean, parseHostOrAddress, parseNullableText, parseText } from './value-parsers.ts';

function parseHttpUrl(raw: string): Parsed<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`"${raw}" is not an http(s) URL`);
  return ok(url.href);
}

function parseRatio(raw: string): Parsed<number> {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    return fail(`"${raw}" is not a ratio between 0 and 1`);
  }
  return ok(value);
}

function parseAttribute(raw: string): Parsed<string> {
  const equals = raw.indexOf('=');
  if (equals <= 0 || equals === raw.length - 1) return fail(`"${raw}" is not key=value`);
  return ok(raw);
}

export const OPERABILITY_FLAGS: readonly FlagSpec[] = [
  flag({
    name: 'admin-bind-address',
    key: 'adminBindAddress',
    placeholder: 'ADDR',
    defaultValue: null,
    defaultText: 'the --bind-address',
    help: 'admin listener address (all interfaces by default: kubelet probes use the pod IP, kubectl port-forward loopback)',
    parse: parseHostOrAddress,
  }),
  flag({
    name: 'admin-token-file',
    key: 'adminTokenFile',
    placeholder: 'PATH',
    defaultValue: null,
    defaultText: 'none (API open)',
    help: 'file with a bearer token the status page and /api/* then require (read at start); probes stay open',
    parse: parseNullableText,
  }),
  flag({
    name: 'admin-metrics-open',
    key: 'adminMetricsOpen',
    defaultValue: true,
    defaultText: 'true',
    help: 'with --admin-token-file: keep /metrics open (false: it needs the token too)',
    parse: parseBoolean,
  }),
  flag({
    name: 'metrics-compat',
    key: 'metricsCompat',
    placeholder: 'none|ingress-nginx',
    defaultValue: 'none',
    defaultText: 'none',
    help: 'also expose the nginx_ingress_controller_* request metrics (docs/metrics.md)',
    parse: oneOf(['none', 'ingress-nginx'] as const),
  }),
  flag({
    name: 'otlp-endpoint',
    key: 'otlpEndpoint',
    placeholder: 'URL',
    defaultValue: null,
    defaultText: 'none (tracing off)',
    help: 'send OpenTelemetry traces over OTLP/HTTP to this URL, e.g. http://collector:4318/v1/traces',
    parse: parseHttpUrl,
  }),
  flag({
    name: 'trace-sample-ratio',
    key: 'traceSampleRatio',
    placeholder: 'RATIO',
    defaultValue: 1,
    defaultText: '1',
    help: 'share of new traces recorded (0-1); a sampled parent from a trusted client is always followed',
    parse: parseRatio,
  }),
  flag({
    name: 'trace-service-name',
    key: 'traceServiceName',
    placeholder: 'NAME',
    defaultValue: 'sluice',
    defaultText: 'sluice',
    help: 'service.name of the spans',
    parse: parseText,
  }),
  flag({
    name: 'trace-resource-attributes',
    key: 'traceResourceAttributes',
    placeholder: 'K=V[,K=V]',
    defaultValue: [],
    defaultText: 'none',
    help: 'extra resource attributes of the spans, e.g. deployment.environment=prod',
    parse: listOf(parseAttribute),
    list: true,
  }),
  flag({
    name: 'trace-propagators',
    key: 'tracePropagators',
    placeholder: 'tracecontext[,b3]',
    defaultValue: ['tracecontext'],
    defaultText: 'tracecontext',
    help: 'trace context accepted from --trusted-proxies clients and sent upstream (W3C traceparent, B3)',
    parse: listOf(oneOf(['tracecontext', 'b3'] as const)) as (
      raw: string,
    ) => Parsed<readonly ('tracecontext' | 'b3')[]>,
    list: true,
  }),
] as FlagSpec[];
