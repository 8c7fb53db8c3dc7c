// What the flags make: the Config, the result of parsing, and the shape of one flag.
import type { BalancerKind } from '../proxy/balancer.ts';
import type { LogFormat, LogLevel } from '../util/log.ts';

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
  /** In a cluster without a pool: the range Gateway listeners get their container ports from. */
  readonly gatewayContainerPorts: { readonly first: number; readonly last: number };
  /** Type of the Service provisioned per Gateway unless its sluice.dev/service-type annotation says otherwise. */
  readonly gatewayServiceType: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
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

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

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

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = (error: string): Parsed<never> => ({ ok: false, error });
