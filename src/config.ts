// Flags and SLUICE_* environment variables → one frozen Config. Pure: main passes argv and env in.
// One table of flag specs drives parsing, --help and the README table, so they cannot drift apart.
import { isIP } from 'node:net';
import type { BalancerKind } from './proxy/balancer.ts';
import type { LogFormat, LogLevel } from './util/log.ts';

export type { LogFormat, LogLevel };

export interface Config {
  /** Path of a kubeconfig file, or null: in-cluster, else $KUBECONFIG / ~/.kube/config (resolved by main). */
  readonly kubeconfig: string | null;
  /** Directory of manifests to serve instead of a cluster, or null. */
  readonly manifests: string | null;
  /** Namespaces to watch; empty means all. */
  readonly watchNamespaces: readonly string[];
  readonly ingressClass: string;
  readonly controllerClass: string;
  readonly watchIngressWithoutClass: boolean;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly adminPort: number;
  readonly bindAddress: string;
  /** "namespace/name" or null. */
  readonly publishService: string | null;
  readonly publishStatusAddresses: readonly string[];
  /** "namespace/name" or null. */
  readonly defaultBackendService: string | null;
  /** "namespace/name" or null (self-signed). */
  readonly defaultSslCertificate: string | null;
  readonly electionId: string;
  readonly workers: number | 'auto';
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly shutdownGraceMs: number;
  /** Serving on after SIGTERM with /readyz at 503, before the drain starts. */
  readonly shutdownDelayMs: number;
  readonly accessLog: boolean;
  readonly sslRedirect: boolean;
  /** CIDRs in "address/prefix" form (a bare address becomes /32 or /128). */
  readonly trustedProxies: readonly string[];
  readonly balancer: BalancerKind;
  /** Timeouts in milliseconds; 0 turns that timeout off. */
  readonly upstreamConnectTimeoutMs: number;
  readonly upstreamResponseTimeoutMs: number;
  readonly upstreamIdleTimeoutMs: number;
  readonly clientHeaderTimeoutMs: number;
  /** Longest silence between two chunks of a request body from the client. */
  readonly clientBodyTimeoutMs: number;
  /** Bytes; 0 means unlimited. */
  readonly maxBodySize: number;
  /** Bytes. */
  readonly maxHeaderSize: number;
  /** Extra tries after a failed attempt that never reached the upstream. */
  readonly retries: number;
  /** HTTP client towards upstreams: the lean HTTP/1.1 client, undici, or auto (lean when this Node supports it). */
  readonly upstreamClient: 'auto' | 'lean' | 'undici';
  // ---- Gateway API (issue 14) ----
  /** GatewayClass spec.controllerName we own. */
  readonly gatewayControllerName: string;
  /** IPv4 CIDR Gateways take their addresses from (listeners bind IP:port), or null. */
  readonly gatewayAddressPool: string | null;
  /** How often a missing Gateway API CRD is looked for again. */
  readonly gatewayApiRecheckMs: number;
  // ---- operability (admin access, metrics compatibility, tracing) ----
  /** Admin listener address; null: the same as bindAddress. */
  readonly adminBindAddress: string | null;
  /** File holding the admin API bearer token, or null (no token: the API is open). */
  readonly adminTokenFile: string | null;
  /** With a token: /metrics stays open (true) or needs the token too. */
  readonly adminMetricsOpen: boolean;
  readonly metricsCompat: 'none' | 'ingress-nginx';
  /** OTLP/HTTP traces endpoint (".../v1/traces"), or null: tracing off. */
  readonly otlpEndpoint: string | null;
  readonly traceSampleRatio: number;
  readonly traceServiceName: string;
  /** "key=value" resource attributes. */
  readonly traceResourceAttributes: readonly string[];
  /** Incoming trace context formats honoured from trusted clients. */
  readonly tracePropagators: readonly ('tracecontext' | 'b3')[];
}

export type ParseConfigResult =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly errors: string[] }
  | { readonly ok: 'help'; readonly text: string };

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export interface FlagSpec<K extends keyof Config = keyof Config> {
  /** Without the leading dashes, e.g. "http-port". */
  readonly name: string;
  readonly key: K;
  /** Value placeholder for help, e.g. "N"; '' for a plain switch. */
  readonly placeholder: string;
  readonly boolean: boolean;
  /** A list flag accumulates repeated uses ("--watch-namespace a --watch-namespace b"). */
  readonly list: boolean;
  readonly defaultValue: Config[K];
  /** The default as shown in help and README. */
  readonly defaultText: string;
  readonly help: string;
  readonly parse: (raw: string) => Parsed<Config[K]>;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

// ---- value parsers (not hot code; regular expressions are fine here) ----

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  on: true,
  off: false,
  yes: true,
  no: false,
  '1': true,
  '0': false,
};

function parseBoolean(raw: string): Parsed<boolean> {
  const value = BOOLEAN_WORDS[raw.toLowerCase()];
  return value === undefined ? fail(`"${raw}" is not a boolean (use true/false or on/off)`) : ok(value);
}

function parseText(raw: string): Parsed<string> {
  return raw.trim() === '' ? fail('must not be empty') : ok(raw);
}

function parseNullableText(raw: string): Parsed<string | null> {
  return parseText(raw);
}

function integerIn(min: number, max: number, what: string) {
  return (raw: string): Parsed<number> => {
    if (!/^\d+$/.test(raw)) return fail(`"${raw}" is not a whole number (expected ${what} ${min}-${max})`);
    const value = Number(raw);
    if (value < min || value > max) return fail(`${raw} is out of range (expected ${what} ${min}-${max})`);
    return ok(value);
  };
}

const parsePort = integerIn(0, 65535, 'a port');
const parseRetries = integerIn(0, 10, 'a count');

function parseWorkers(raw: string): Parsed<number | 'auto'> {
  if (raw === 'auto') return ok('auto');
  const count = integerIn(1, 1024, 'a worker count')(raw);
  return count.ok ? count : fail(`${count.error} or "auto"`);
}

function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string): Parsed<T> =>
    (values as readonly string[]).includes(raw) ? ok(raw as T) : fail(`"${raw}" is not one of ${values.join(', ')}`);
}

function parseNamespacedName(raw: string): Parsed<string | null> {
  const slash = raw.indexOf('/');
  if (slash < 0 || slash !== raw.lastIndexOf('/')) return fail(`"${raw}" is not NAMESPACE/NAME`);
  const namespace = raw.slice(0, slash);
  const name = raw.slice(slash + 1);
  if (!isDnsLabel(namespace)) return fail(`"${raw}": namespace "${namespace}" is not a valid namespace name`);
  if (!isDnsSubdomain(name)) return fail(`"${raw}": "${name}" is not a valid object name`);
  return ok(raw);
}

function isDnsLabel(text: string): boolean {
  return text.length <= 63 && DNS_LABEL.test(text);
}

function isDnsSubdomain(text: string): boolean {
  return text.length <= 253 && DNS_SUBDOMAIN.test(text);
}

function parseObjectName(raw: string): Parsed<string> {
  return isDnsSubdomain(raw) ? ok(raw) : fail(`"${raw}" is not a valid object name (lower-case DNS subdomain)`);
}

function commaList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function listOf(itemParser: (item: string) => Parsed<string>) {
  return (raw: string): Parsed<readonly string[]> => {
    const items = commaList(raw);
    if (items.length === 0) return fail('must list at least one value');
    const values: string[] = [];
    for (const item of items) {
      const parsed = itemParser(item);
      if (!parsed.ok) return parsed;
      if (!values.includes(parsed.value)) values.push(parsed.value);
    }
    return ok(values);
  };
}

function parseNamespace(raw: string): Parsed<string> {
  return isDnsLabel(raw) ? ok(raw) : fail(`"${raw}" is not a valid namespace name`);
}

function parseHostOrAddress(raw: string): Parsed<string> {
  if (isIP(raw) !== 0) return ok(raw);
  const lower = raw.toLowerCase();
  return isDnsSubdomain(lower) ? ok(lower) : fail(`"${raw}" is not an IP address or host name`);
}

function parseCidr(raw: string): Parsed<string> {
  const slash = raw.indexOf('/');
  const address = slash < 0 ? raw : raw.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return fail(`"${raw}" is not a CIDR (address "${address}" is not an IP address)`);
  const maxPrefix = family === 4 ? 32 : 128;
  if (slash < 0) return ok(`${address}/${maxPrefix}`);
  const prefix = raw.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > maxPrefix) {
    return fail(`"${raw}" is not a CIDR (prefix must be 0-${maxPrefix})`);
  }
  return ok(`${address}/${Number(prefix)}`);
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MAX_TIMER_MS = 2_147_483_647;

/** "30s", "500ms", "2m", "1m30s", "1.5s", or a plain number of seconds. Returns milliseconds. */
export function parseDuration(raw: string): Parsed<number> {
  const text = raw.trim();
  let total: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    total = Number(text) * 1000;
  } else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) {
    total = 0;
    for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
      total += Number(part[1]) * DURATION_UNITS_MS[part[2]];
    }
  } else {
    return fail(`"${raw}" is not a duration (e.g. 30s, 500ms, 2m, 1m30s, or plain seconds)`);
  }
  const ms = Math.round(total);
  if (ms > MAX_TIMER_MS) return fail(`"${raw}" is too long (at most ${MAX_TIMER_MS} ms, about 24 days)`);
  return ok(ms);
}

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "16k", "1m", "2g" (1024-based; "kb", "ki", "kib" are the same), or plain bytes. */
export function parseSize(raw: string): Parsed<number> {
  const match = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(raw.trim()) ?? /^(\d+)\s*(b)$/i.exec(raw.trim());
  if (match === null) return fail(`"${raw}" is not a size (e.g. 16k, 10m, 1g, or plain bytes)`);
  const bytes = Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()];
  if (!Number.isSafeInteger(bytes)) return fail(`"${raw}" is too large`);
  return ok(bytes);
}

function positiveSize(raw: string): Parsed<number> {
  const size = parseSize(raw);
  return size.ok && size.value === 0 ? fail('must be greater than 0') : size;
}

// ---- the flag table ----

function flag<K extends keyof Config>(spec: {
  name: string;
  key: K;
  placeholder?: string;
  defaultValue: Config[K];
  defaultText: string;
  help: string;
  parse: (raw: string) => Parsed<Config[K]>;
  list?: boolean;
}): FlagSpec<K> {
  // Switches take no value ("--x"), or one of the boolean words ("--x=false", "--access-log off").
  const boolean = (spec.parse as unknown) === parseBoolean;
  return Object.freeze({
    name: spec.name,
    key: spec.key,
    placeholder: spec.placeholder ?? '',
    boolean,
    list: spec.list ?? false,
    defaultValue: spec.defaultValue,
    defaultText: spec.defaultText,
    help: spec.help,
    parse: spec.parse,
  });
}

// ---- operability flags: admin access, metrics compatibility, tracing (one block) ----

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

const OPERABILITY_FLAGS = [
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
];

// ---- end of the operability flags ----

/** Every flag sluice accepts, in the order help and README show them. */
export const FLAGS: readonly FlagSpec[] = Object.freeze([
  flag({
    name: 'kubeconfig',
    key: 'kubeconfig',
    placeholder: 'PATH',
    defaultValue: null,
    defaultText: 'in-cluster, else $KUBECONFIG or ~/.kube/config',
    help: 'the cluster to watch',
    parse: parseNullableText,
  }),
  flag({
    name: 'manifests',
    key: 'manifests',
    placeholder: 'DIR',
    defaultValue: null,
    defaultText: 'none',
    help: 'watch a directory of YAML manifests instead of a cluster',
    parse: parseNullableText,
  }),
  flag({
    name: 'watch-namespace',
    key: 'watchNamespaces',
    placeholder: 'NS[,NS]',
    defaultValue: [],
    defaultText: 'all',
    help: 'limit what is watched to these namespaces',
    parse: listOf(parseNamespace),
    list: true,
  }),
  flag({
    name: 'ingress-class',
    key: 'ingressClass',
    placeholder: 'NAME',
    defaultValue: 'sluice',
    defaultText: 'sluice',
    help: 'legacy kubernetes.io/ingress.class value; name of our class',
    parse: parseText,
  }),
  flag({
    name: 'controller-class',
    key: 'controllerClass',
    placeholder: 'VALUE',
    defaultValue: 'sluice.dev/ingress-controller',
    defaultText: 'sluice.dev/ingress-controller',
    help: 'IngressClass spec.controller we own',
    parse: parseText,
  }),
  flag({
    name: 'watch-ingress-without-class',
    key: 'watchIngressWithoutClass',
    defaultValue: false,
    defaultText: 'false',
    help: 'also serve Ingresses with no class',
    parse: parseBoolean,
  }),
  flag({
    name: 'http-port',
    key: 'httpPort',
    placeholder: 'N',
    defaultValue: 8080,
    defaultText: '8080',
    help: 'edge HTTP listener port (0 picks a free port)',
    parse: parsePort,
  }),
  flag({
    name: 'https-port',
    key: 'httpsPort',
    placeholder: 'N',
    defaultValue: 8443,
    defaultText: '8443',
    help: 'edge HTTPS listener port (0 picks a free port)',
    parse: parsePort,
  }),
  flag({
    name: 'admin-port',
    key: 'adminPort',
    placeholder: 'N',
    defaultValue: 10254,
    defaultText: '10254',
    help: 'status page, API, metrics and probes (never routed through the edge)',
    parse: parsePort,
  }),
  flag({
    name: 'bind-address',
    key: 'bindAddress',
    placeholder: 'ADDR',
    defaultValue: '0.0.0.0',
    defaultText: '0.0.0.0',
    help: 'edge and admin bind address',
    parse: parseHostOrAddress,
  }),
  flag({
    name: 'publish-service',
    key: 'publishService',
    placeholder: 'NS/NAME',
    defaultValue: null,
    defaultText: 'none',
    help: "copy this Service's address into Ingress status",
    parse: parseNamespacedName,
  }),
  flag({
    name: 'publish-status-address',
    key: 'publishStatusAddresses',
    placeholder: 'A[,B]',
    defaultValue: [],
    defaultText: 'none',
    help: 'or publish these addresses into Ingress status',
    parse: listOf(parseHostOrAddress),
    list: true,
  }),
  flag({
    name: 'default-backend-service',
    key: 'defaultBackendService',
    placeholder: 'NS/NAME',
    defaultValue: null,
    defaultText: 'none (404)',
    help: 'where unmatched requests go',
    parse: parseNamespacedName,
  }),
  flag({
    name: 'default-ssl-certificate',
    key: 'defaultSslCertificate',
    placeholder: 'NS/NAME',
    defaultValue: null,
    defaultText: 'self-signed',
    help: 'TLS Secret served for unknown SNI',
    parse: parseNamespacedName,
  }),
  flag({
    name: 'election-id',
    key: 'electionId',
    placeholder: 'NAME',
    defaultValue: 'sluice-leader',
    defaultText: 'sluice-leader',
    help: 'Lease used to elect the status writer',
    parse: parseObjectName,
  }),
  flag({
    name: 'workers',
    key: 'workers',
    placeholder: 'N|auto',
    defaultValue: 1,
    defaultText: '1',
    help: 'edge worker processes or threads sharing the ports (auto: one per CPU)',
    parse: parseWorkers,
  }),
  flag({
    name: 'log-level',
    key: 'logLevel',
    placeholder: 'LEVEL',
    defaultValue: 'info',
    defaultText: 'info',
    help: 'fatal, error, warn, info, debug, trace or silent',
    parse: oneOf<LogLevel>(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  }),
  flag({
    name: 'log-format',
    key: 'logFormat',
    placeholder: 'json|pretty',
    defaultValue: 'json',
    defaultText: 'json',
    help: 'controller log format: JSON lines or one human-readable line per entry',
    parse: oneOf<LogFormat>(['json', 'pretty']),
  }),
  flag({
    name: 'shutdown-grace',
    key: 'shutdownGraceMs',
    placeholder: 'DURATION',
    defaultValue: 30_000,
    defaultText: '30s',
    help: 'on SIGTERM, how long in-flight requests and WebSockets may take to finish',
    parse: parseDuration,
  }),
  flag({
    name: 'shutdown-delay',
    key: 'shutdownDelayMs',
    placeholder: 'DURATION',
    defaultValue: 0,
    defaultText: '0s',
    help: 'on SIGTERM, how long to keep serving (with /readyz at 503) before listeners close, so load balancers notice first',
    parse: parseDuration,
  }),
  flag({
    name: 'access-log',
    key: 'accessLog',
    placeholder: 'on|off',
    defaultValue: true,
    defaultText: 'on',
    help: 'one JSON line per request on stdout',
    parse: parseBoolean,
  }),
  flag({
    name: 'ssl-redirect',
    key: 'sslRedirect',
    defaultValue: true,
    defaultText: 'true',
    help: 'redirect plain HTTP to HTTPS for hosts with TLS (an Ingress may turn it off)',
    parse: parseBoolean,
  }),
  flag({
    name: 'trusted-proxies',
    key: 'trustedProxies',
    placeholder: 'CIDR[,CIDR]',
    defaultValue: [],
    defaultText: 'none',
    help: 'clients whose X-Forwarded-* headers are kept',
    parse: listOf(parseCidr),
    list: true,
  }),
  flag({
    name: 'balancer',
    key: 'balancer',
    placeholder: 'round-robin|least-request',
    defaultValue: 'round-robin',
    defaultText: 'round-robin',
    help: 'how an endpoint is picked',
    parse: oneOf<BalancerKind>(['round-robin', 'least-request']),
  }),
  flag({
    name: 'upstream-connect-timeout',
    key: 'upstreamConnectTimeoutMs',
    placeholder: 'DURATION',
    defaultValue: 5_000,
    defaultText: '5s',
    help: 'connecting to an endpoint (0: no limit)',
    parse: parseDuration,
  }),
  flag({
    name: 'upstream-response-timeout',
    key: 'upstreamResponseTimeoutMs',
    placeholder: 'DURATION',
    defaultValue: 60_000,
    defaultText: '60s',
    help: 'waiting for response headers from an endpoint (0: no limit)',
    parse: parseDuration,
  }),
  flag({
    name: 'upstream-idle-timeout',
    key: 'upstreamIdleTimeoutMs',
    placeholder: 'DURATION',
    defaultValue: 60_000,
    defaultText: '60s',
    help: 'silence allowed between two chunks of a response body from an endpoint (0: no limit)',
    parse: parseDuration,
  }),
  flag({
    name: 'client-header-timeout',
    key: 'clientHeaderTimeoutMs',
    placeholder: 'DURATION',
    defaultValue: 10_000,
    defaultText: '10s',
    help: 'a client has this long to send the request headers (408 after)',
    parse: parseDuration,
  }),
  flag({
    name: 'client-body-timeout',
    key: 'clientBodyTimeoutMs',
    placeholder: 'DURATION',
    defaultValue: 60_000,
    defaultText: '60s',
    help: 'silence allowed between two chunks of a request body from a client (408 after; 0: no limit)',
    parse: parseDuration,
  }),
  flag({
    name: 'max-body-size',
    key: 'maxBodySize',
    placeholder: 'SIZE',
    defaultValue: 0,
    defaultText: '0 (unlimited)',
    help: 'largest request body accepted (413 above); k/m/g suffixes',
    parse: parseSize,
  }),
  flag({
    name: 'max-header-size',
    key: 'maxHeaderSize',
    placeholder: 'SIZE',
    defaultValue: 16 * 1024,
    defaultText: '16k',
    help: 'largest request header block accepted (431 above); k/m/g suffixes',
    parse: positiveSize,
  }),
  flag({
    name: 'retries',
    key: 'retries',
    placeholder: 'N',
    defaultValue: 2,
    defaultText: '2',
    help: 'extra tries on another endpoint when a request never reached the upstream',
    parse: parseRetries,
  }),
  flag({
    name: 'upstream-client',
    key: 'upstreamClient',
    placeholder: 'auto|lean|undici',
    defaultValue: 'auto',
    defaultText: 'auto',
    help: 'HTTP client towards endpoints: the lean HTTP/1.1 client, undici, or auto (lean when this Node supports it)',
    parse: oneOf<'auto' | 'lean' | 'undici'>(['auto', 'lean', 'undici']),
  }),
  ...gatewayFlags(),
  ...OPERABILITY_FLAGS,
] as FlagSpec[]);

// ---- Gateway API flags (issue 14), one block ----

// Gateway API's controllerName: a domain prefix, a slash and a path (gateway-api apis/v1/shared_types.go GatewayController).
const GATEWAY_CONTROLLER =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

function parseGatewayControllerName(raw: string): Parsed<string> {
  if (raw.length > 253 || !GATEWAY_CONTROLLER.test(raw)) {
    return fail(`"${raw}" is not a controller name (DOMAIN/PATH, e.g. sluice.dev/gateway-controller)`);
  }
  return ok(raw);
}

function parseIpv4Pool(raw: string): Parsed<string | null> {
  const cidr = parseCidr(raw);
  if (!cidr.ok) return cidr;
  const [address, prefix] = cidr.value.split('/');
  if (isIP(address) !== 4) return fail(`"${raw}" is not an IPv4 CIDR (only IPv4 pools are supported)`);
  if (Number(prefix) < 8) return fail(`"${raw}" is too large (prefix /8 to /32)`);
  return ok(cidr.value);
}

function gatewayFlags(): FlagSpec[] {
  return [
    flag({
      name: 'gateway-controller-name',
      key: 'gatewayControllerName',
      placeholder: 'NAME',
      defaultValue: 'sluice.dev/gateway-controller',
      defaultText: 'sluice.dev/gateway-controller',
      help: 'GatewayClasses with this spec.controllerName are served (Gateway API)',
      parse: parseGatewayControllerName,
    }),
    flag({
      name: 'gateway-address-pool',
      key: 'gatewayAddressPool',
      placeholder: 'CIDR',
      defaultValue: null,
      defaultText: 'none',
      help: 'each Gateway gets an IPv4 address from this range and its listeners bind there (e.g. 127.0.20.0/24)',
      parse: parseIpv4Pool,
    }),
    flag({
      name: 'gateway-api-recheck',
      key: 'gatewayApiRecheckMs',
      placeholder: 'DURATION',
      defaultValue: 30_000,
      defaultText: '30s',
      help: 'how often missing Gateway API CRDs are looked for again',
      parse: positiveDuration,
    }),
  ] as FlagSpec[];
}

function positiveDuration(raw: string): Parsed<number> {
  const parsed = parseDuration(raw);
  return parsed.ok && parsed.value < 100 ? fail(`"${raw}" is too short (at least 100ms)`) : parsed;
}

/** "http-port" → "SLUICE_HTTP_PORT". */
export function envVarName(flagName: string): string {
  return `SLUICE_${flagName.toUpperCase().replaceAll('-', '_')}`;
}

const FLAGS_BY_NAME: ReadonlyMap<string, FlagSpec> = new Map(FLAGS.map((spec) => [spec.name, spec]));

// ---- parsing ----

interface RawValue {
  readonly text: string;
  /** "--http-port" or "SLUICE_HTTP_PORT", for error messages. */
  readonly origin: string;
}

export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParseConfigResult {
  const errors: string[] = [];
  const fromFlags = new Map<FlagSpec, RawValue[]>();
  let help = false;

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--help' || token === '-h') {
      help = true;
      continue;
    }
    if (token === '--') {
      for (const rest of argv.slice(i + 1)) errors.push(`unexpected argument "${rest}"`);
      break;
    }
    if (!token.startsWith('--')) {
      errors.push(token.startsWith('-') ? unknownFlag(token) : `unexpected argument "${token}"`);
      continue;
    }
    const equals = token.indexOf('=');
    const name = equals < 0 ? token.slice(2) : token.slice(2, equals);
    const spec = FLAGS_BY_NAME.get(name);
    if (spec === undefined) {
      errors.push(unknownFlag(`--${name}`));
      // "--unknown value": the value belongs to the bad flag, so do not report it a second time.
      if (equals < 0 && argv[i + 1] !== undefined && !argv[i + 1].startsWith('-')) i++;
      continue;
    }
    let text: string;
    if (equals >= 0) {
      text = token.slice(equals + 1);
    } else if (spec.boolean) {
      const next = argv[i + 1];
      if (next !== undefined && next.toLowerCase() in BOOLEAN_WORDS) {
        text = next;
        i++;
      } else {
        text = 'true';
      }
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        errors.push(`--${name}: missing value (expected ${spec.placeholder})`);
        continue;
      }
      text = next;
      i++;
    }
    const values = fromFlags.get(spec) ?? [];
    values.push({ text, origin: `--${name}` });
    fromFlags.set(spec, values);
  }

  const config: Record<string, unknown> = {};
  const origins = new Map<keyof Config, string>();
  for (const spec of FLAGS) {
    let raws = fromFlags.get(spec);
    if (raws === undefined) {
      const envName = envVarName(spec.name);
      const envText = env[envName];
      if (envText !== undefined && envText !== '') raws = [{ text: envText, origin: envName }];
    }
    if (raws === undefined) {
      config[spec.key] = spec.defaultValue;
      continue;
    }
    // Scalars: the last use wins (as with pflag). Lists: every use adds its items.
    const used = spec.list ? raws : raws.slice(-1);
    let value: unknown = spec.list ? [] : spec.defaultValue;
    let good = true;
    for (const raw of used) {
      const parsed = spec.parse(raw.text);
      if (!parsed.ok) {
        errors.push(`${raw.origin}: ${parsed.error}`);
        good = false;
        continue;
      }
      value = spec.list ? [...new Set([...(value as string[]), ...(parsed.value as string[])])] : parsed.value;
    }
    if (good) {
      config[spec.key] = Array.isArray(value) ? Object.freeze(value) : value;
      origins.set(spec.key, used[used.length - 1].origin);
    } else {
      config[spec.key] = spec.defaultValue;
    }
  }

  errors.push(...crossChecks(config as unknown as Config, origins));

  if (help) return { ok: 'help', text: helpText() };
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: Object.freeze(config as unknown as Config) };
}

/** Problems that involve more than one flag. */
function crossChecks(config: Config, origins: ReadonlyMap<keyof Config, string>): string[] {
  const errors: string[] = [];
  const conflict = (a: keyof Config, b: keyof Config, why: string) => {
    const originA = origins.get(a);
    const originB = origins.get(b);
    if (originA !== undefined && originB !== undefined) errors.push(`${originA} and ${originB} conflict: ${why}`);
  };
  conflict('kubeconfig', 'manifests', 'watch either a cluster or a manifest directory, not both');
  conflict('publishService', 'publishStatusAddresses', 'publish either a Service address or fixed addresses, not both');

  const ports: [keyof Config, number][] = [
    ['httpPort', config.httpPort],
    ['httpsPort', config.httpsPort],
    ['adminPort', config.adminPort],
  ];
  for (let i = 0; i < ports.length; i++) {
    for (let j = i + 1; j < ports.length; j++) {
      const [keyA, portA] = ports[i];
      const [keyB, portB] = ports[j];
      if (portA !== 0 && portA === portB) {
        errors.push(
          `${originOrFlag(keyA, origins)} and ${originOrFlag(keyB, origins)} are both ${portA}: each listener needs its own port`,
        );
      }
    }
  }
  return errors;
}

function originOrFlag(key: keyof Config, origins: ReadonlyMap<keyof Config, string>): string {
  return origins.get(key) ?? `--${FLAGS.find((spec) => spec.key === key)?.name ?? key} (default)`;
}

function unknownFlag(token: string): string {
  const name = token.replace(/^-+/, '').split('=')[0];
  let best: string | null = null;
  let bestDistance = 3;
  for (const spec of FLAGS) {
    const distance = editDistance(name, spec.name);
    if (distance < bestDistance) {
      best = spec.name;
      bestDistance = distance;
    }
  }
  return best === null ? `unknown flag ${token}` : `unknown flag ${token} (did you mean --${best}?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

// ---- help and README ----

function flagUsage(spec: FlagSpec): string {
  return spec.placeholder === '' ? `--${spec.name}` : `--${spec.name} ${spec.placeholder}`;
}

export function helpText(): string {
  const width = Math.max(...FLAGS.map((spec) => flagUsage(spec).length)) + 2;
  const lines = [
    'Usage: npm start -- [flags]',
    '',
    'sluice: a Kubernetes HTTP ingress controller.',
    'Every flag can also be set by its SLUICE_* environment variable; a flag wins over the variable.',
    'Values go as --flag=value or --flag value; switches as --flag or --flag=false.',
    '',
    'Flags:',
  ];
  for (const spec of FLAGS) {
    lines.push(`  ${flagUsage(spec).padEnd(width)}${spec.help}`);
    lines.push(`  ${''.padEnd(width)}default: ${spec.defaultText}; env: ${envVarName(spec.name)}`);
  }
  lines.push(`  ${'--help'.padEnd(width)}show this text`);
  return `${lines.join('\n')}\n`;
}

function escapeTableCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/**
 * The flags as a Markdown table, for the README (test/readme.test.ts keeps README.md equal to it).
 * @public
 */
export function flagsMarkdownTable(): string {
  const rows = FLAGS.map(
    (spec) =>
      `| \`${escapeTableCell(flagUsage(spec))}\` | ${escapeTableCell(spec.defaultText)} | \`${envVarName(spec.name)}\` | ${escapeTableCell(spec.help)} |`,
  );
  return ['| flag | default | environment | meaning |', '|---|---|---|---|', ...rows, ''].join('\n');
}
