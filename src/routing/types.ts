// The shapes shared by the whole routing core. Inputs are Kubernetes objects as they arrive
// (possibly malformed, so read with care); outputs are plain, frozen data.

import type { GatewayRouteData, RouteConditions } from './gateway/route-data.ts';
import type { AnnotationReport } from './annotations.ts';
import type { Canary, TrafficPolicy } from './policy-types.ts';

/** A Kubernetes object as received: every field may be missing or of the wrong type. */
export type KubeObject = Readonly<Record<string, unknown>>;

/** A full, consistent view of the cluster objects a build reads. */
export interface Snapshot {
  readonly ingressClasses: readonly KubeObject[];
  readonly ingresses: readonly KubeObject[];
  readonly services: readonly KubeObject[];
  readonly endpointSlices: readonly KubeObject[];
  readonly secrets: readonly KubeObject[];
  /** Only the ConfigMaps some Ingress annotation names (configmap-references.ts); absent when none. */
  readonly configMaps?: readonly KubeObject[];
  // Gateway API (gateway.networking.k8s.io), absent when its CRDs are not installed; read by
  // routing/gateway/ (see docs/gateway-api-snapshot.md).
  readonly namespaces?: readonly KubeObject[];
  readonly gatewayClasses?: readonly KubeObject[];
  readonly gateways?: readonly KubeObject[];
  readonly httpRoutes?: readonly KubeObject[];
  readonly grpcRoutes?: readonly KubeObject[];
  /** v1 and v1beta1 alike (same spec); apiVersion kept as received. */
  readonly referenceGrants?: readonly KubeObject[];
}

/** What the certificate inspector (injected, since routing/ does no crypto itself) says of a pair. */
export type CertificateCheck =
  | {
      readonly ok: true;
      readonly subject: string;
      readonly issuer: string;
      readonly notBefore: string; // ISO 8601
      readonly notAfter: string; // ISO 8601
      readonly dnsNames: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

export type CertificateInspector = (certPem: string, keyPem: string) => CertificateCheck;

export interface BuildOptions {
  /** IngressClass spec.controller value we own (--controller-class). */
  readonly controllerClass: string;
  /** Legacy kubernetes.io/ingress.class annotation value we own (--ingress-class). */
  readonly ingressClass: string;
  /** Serve Ingresses with no class at all (--watch-ingress-without-class). */
  readonly watchIngressWithoutClass: boolean;
  /** "namespace/name" of the Service for unmatched requests, or null (--default-backend-service). */
  readonly defaultBackendService: string | null;
  /** "namespace/name" of the TLS Secret for unknown SNI, or null for self-signed (--default-ssl-certificate). */
  readonly defaultSslCertificate: string | null;
  /** Redirect plain HTTP to HTTPS for hosts with TLS, unless an Ingress turns it off. */
  readonly sslRedirect: boolean;
  readonly inspectCertificate: CertificateInspector;
}

export interface ObjectRef {
  readonly kind: string; // 'Ingress', 'Service', 'Secret', 'IngressClass', ...
  readonly namespace: string; // '' for cluster-scoped objects
  readonly name: string;
}

/** Invalid input is data: every unusable piece yields one of these. */
export interface Problem {
  readonly code: string; // e.g. 'ServiceNotFound', see routing/problems.ts
  readonly object: ObjectRef;
  readonly field: string; // e.g. 'spec.rules[0].http.paths[1].backend.service.port.name'
  readonly message: string;
}

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/**
 * Per-route behaviour. Later features add fields here (timeouts, body limit, rewrite...), never
 * branches elsewhere. `null` means "use the controller's default".
 */
export interface RoutePolicy {
  /** Redirect plain-HTTP requests to HTTPS (host has TLS and nothing turned it off). */
  readonly sslRedirect: boolean;
  /** Upstream response timeout (sluice.dev/request-timeout), 1 ms .. 1 h. */
  readonly requestTimeoutMs: number | null;
  /** Request body limit (sluice.dev/max-body-size); Infinity when the Ingress asks for no limit ("0"). */
  readonly maxBodyBytes: number | null;
  /** Everything else the route does (rewrite, CORS, access, ...), see policy-types.ts; absent when nothing. */
  readonly traffic?: TrafficPolicy;
}

/** Where a matched request goes. Backends are referred to by key; endpoints live in their own index. */
export interface Target {
  readonly backend: BackendKey;
  /** The Ingress this target came from. */
  readonly source: ObjectRef;
  readonly policy: RoutePolicy;
}

/** "namespace/service:port", port being the number or the name as written in the Ingress. */
export type BackendKey = string;

export interface PathRoute extends Target {
  readonly path: string;
  readonly pathType: PathType;
  /** How it matches: ImplementationSpecific is treated as Prefix; 'regex' on a host matched as regex. */
  readonly match: 'exact' | 'prefix' | 'regex';
  /** Where in the Ingress it was written, for the status page ("spec.rules[0].http.paths[1]"). */
  readonly field: string;
  /** A canary Ingress's alternative backend for this rule (ingress-nginx canary-*); absent when none. */
  readonly canary?: Canary;
  /** Gateway API: headers, query and method checked after the path (only in `ordered` hosts). */
  readonly conditions?: RouteConditions;
  /** Gateway API: what the rule does beyond the policy model (gateway/route-data.ts). */
  readonly gateway?: GatewayRouteData;
}

export type HostKind = 'exact' | 'wildcard' | 'any';

/** All the path rules of one host, merged across Ingresses. */
export interface HostRules {
  /** Lower-case host, "*.example.com" for wildcards, "" for rules with no host. */
  readonly host: string;
  readonly kind: HostKind;
  /** Sorted: Exact first, then Prefix by descending segment count, then by path, then by source. */
  readonly routes: readonly PathRoute[];
  /** spec.defaultBackend of the oldest contributing Ingress that has one, else the controller's default. */
  readonly defaultBackend: Target | null;
  /** Secret serving this host, "namespace/name", or null when the host has no TLS. */
  readonly tlsSecret: string | null;
  /**
   * ingress-nginx's quirk, followed: a host with any use-regex / rewrite-target path matches every path
   * as a case-insensitive regex anchored at the start, longest path first. Absent when not.
   */
  readonly regex?: true;
  /** Gateway API: `routes` are in the spec's precedence; the first whose path and conditions match wins. */
  readonly ordered?: true;
  /** Gateway API: a wildcard matching one or more labels ("*.a.com" matches "x.y.a.com"), most specific first. */
  readonly deepWildcard?: true;
}

export interface RouteTable {
  /** Sorted by kind (exact, wildcard, any), then host. */
  readonly hosts: readonly HostRules[];
  /** For requests whose host matched nothing. */
  readonly defaultBackend: Target | null;
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  /** "namespace/pod" from targetRef, or null. */
  readonly pod: string | null;
  readonly zone: string | null;
}

export type BackendState =
  | 'ok' // endpoints usable
  | 'no-service'
  | 'no-port'
  | 'no-endpoints'
  | 'external-name';

export interface BackendEndpoints {
  readonly key: BackendKey;
  readonly namespace: string;
  readonly service: string;
  /** The Service port as the Ingress named it. */
  readonly servicePort: number | string;
  readonly state: BackendState;
  /** One-line reason for a 503 when state is not 'ok' / 'external-name'; null otherwise. */
  readonly reason: string | null;
  /** Endpoints to send traffic to: the ready ones, else serving-and-terminating ones. */
  readonly usable: readonly Endpoint[];
  /** Every endpoint seen, for the status page. */
  readonly all: readonly Endpoint[];
  /** For ExternalName Services: the DNS name and port; null otherwise. */
  readonly externalName: { readonly host: string; readonly port: number } | null;
  /** The Service port's appProtocol when it has one ("kubernetes.io/h2c", "https", ...). */
  readonly appProtocol?: string;
}

export type EndpointIndex = ReadonlyMap<BackendKey, BackendEndpoints>;

export interface TlsCertificate {
  /** "namespace/name" of the Secret. */
  readonly secret: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly dnsNames: readonly string[];
}

export interface TlsTable {
  /** SNI host (lower-case, "*.example.com" for wildcards) → Secret key in `certificates`. */
  readonly hosts: ReadonlyMap<string, string>;
  /** Valid certificates by "namespace/name". */
  readonly certificates: ReadonlyMap<string, TlsCertificate>;
  /** The --default-ssl-certificate when set and valid, else null (the edge then uses a self-signed one). */
  readonly defaultCertificate: string | null;
}

export interface BuildResult {
  readonly table: RouteTable;
  readonly endpoints: EndpointIndex;
  readonly tls: TlsTable;
  /** Sorted by object, then field, then code. */
  readonly problems: readonly Problem[];
  /** Our Ingresses ("namespace/name"), sorted: the status writer writes only these. */
  readonly ownedIngresses: readonly string[];
  /** Secrets route policies read (proxy-ssl-secret, auth-secret), decoded, by "namespace/name"; absent when none. */
  readonly policySecrets?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** ssl-passthrough: SNI host → the backend its TLS connections are spliced to; absent when none. */
  readonly passthrough?: ReadonlyMap<string, BackendKey>;
  /** What each owned Ingress's annotations do ("namespace/name" → one report each; absent: no annotation). */
  readonly annotationReports?: AnnotationReports;
}

/** Per Ingress, its annotation reports as translation made them: the audit and the status page read these. */
export interface AnnotationReports {
  get(ingress: string): readonly AnnotationReport[] | undefined;
}

/** What a request matched. */
export interface Match {
  /** 'path': a path rule; 'host-default': the host's default backend; 'default': the global default. */
  readonly kind: 'path' | 'host-default' | 'default';
  readonly target: Target;
  readonly host: HostRules | null;
  readonly route: PathRoute | null;
}

export interface ExplainCandidate {
  readonly host: string;
  readonly path: string | null;
  readonly pathType: PathType | null;
  readonly source: ObjectRef;
  /** Why it was passed over, e.g. "host does not match", "shorter prefix", "exact path differs". */
  readonly reason: string;
}

export interface Explanation {
  /** The host and path as matched, after normalisation. */
  readonly host: string;
  readonly path: string;
  readonly match: Match | null;
  /** How the host rule set was chosen: 'exact', 'wildcard', 'any' or 'none'. */
  readonly hostMatch: HostKind | 'none';
  readonly passedOver: readonly ExplainCandidate[];
}

/** What `ordered` (Gateway API) hosts test besides the path; the edge adapts its request, no copy. */
export interface RequestFacts {
  readonly method: string;
  /** The header's value (lower-case name; several joined by ", "), or undefined. */
  header(name: string): string | undefined;
  /** The first value of the query parameter, or undefined. */
  query(name: string): string | undefined;
}

export interface Matcher {
  /** host and path must already be normalised (see request-host.ts, request-path.ts). Never throws. */
  match(host: string, path: string, facts?: RequestFacts): Match | null;
  explain(host: string, path: string, facts?: RequestFacts): Explanation;
}
