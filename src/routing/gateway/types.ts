// The Gateway API core's output (docs/gateway-api-snapshot.md): per (Gateway, port) route tables in the
// shared route model, the endpoints they use, and status as data for the writer. All frozen.

import type { ServiceTypeChoice } from './parameters.ts';
import type { CertificateInspector, EndpointIndex, Problem, RouteTable, TlsTable } from '../types.ts';

export interface GatewayOptions {
  /** GatewayClass spec.controllerName we own (--gateway-controller-name). */
  readonly controllerName: string;
  readonly inspectCertificate: CertificateInspector;
  /** status.supportedFeatures of our GatewayClasses (default SUPPORTED_FEATURES). */
  readonly supportedFeatures?: readonly string[];
}

/** The Core features of the GATEWAY-HTTP profile. */
export const CORE_FEATURES: readonly string[] = ['Gateway', 'HTTPRoute', 'ReferenceGrant'];

/**
 * What our GatewayClasses claim: Core, and the Extended features whose upstream conformance tests the e2e
 * port runs and passes (e2e/gateway-extended-tests.ts EXTENDED_TESTS); GRPCRoute (the GATEWAY-GRPC profile's
 * Core) and GRPCRouteNamedRouteRule, whose tests e2e/gateway-grpc-tests.ts runs (the e2e checks they agree).
 */
export const SUPPORTED_FEATURES: readonly string[] = [
  ...CORE_FEATURES,
  'GRPCRoute',
  'GRPCRouteNamedRouteRule',
  'GatewayAddressEmpty',
  'GatewayHTTPListenerIsolation',
  'GatewayHTTPSListenerDetectMisdirectedRequests',
  'GatewayPort8080',
  'GatewayStaticAddresses',
  'HTTPRoute303RedirectStatusCode',
  'HTTPRoute307RedirectStatusCode',
  'HTTPRoute308RedirectStatusCode',
  'HTTPRouteBackendProtocolH2C',
  'HTTPRouteBackendProtocolWebSocket',
  'HTTPRouteBackendRequestHeaderModification',
  'HTTPRouteBackendTimeout',
  'HTTPRouteCORS',
  'HTTPRouteHostRewrite',
  'HTTPRouteMethodMatching',
  'HTTPRouteNamedRouteRule',
  'HTTPRouteParentRefPort',
  'HTTPRoutePathRedirect',
  'HTTPRoutePathRewrite',
  'HTTPRoutePortRedirect',
  'HTTPRouteQueryParamMatching',
  'HTTPRouteRequestMirror',
  'HTTPRouteRequestMultipleMirrors',
  'HTTPRouteRequestPercentageMirror',
  'HTTPRouteRequestTimeout',
  'HTTPRouteResponseHeaderModification',
  'HTTPRouteSchemeRedirect',
];

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration: number;
}

export interface RouteGroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface GatewayClassStatus {
  readonly name: string;
  readonly generation: number;
  readonly conditions: readonly Condition[];
  readonly supportedFeatures: readonly { readonly name: string }[];
}

export interface ListenerStatus {
  readonly name: string;
  readonly supportedKinds: readonly RouteGroupKind[];
  readonly attachedRoutes: number;
  readonly conditions: readonly Condition[];
}

export interface GatewayStatus {
  readonly namespace: string;
  readonly name: string;
  readonly generation: number;
  readonly conditions: readonly Condition[];
  readonly listeners: readonly ListenerStatus[];
}

export interface ParentRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly sectionName?: string;
  readonly port?: number;
}

export interface RouteParentStatus {
  readonly parentRef: ParentRef;
  readonly controllerName: string;
  readonly conditions: readonly Condition[];
}

export type RouteKind = 'HTTPRoute' | 'GRPCRoute';

export interface RouteStatus {
  readonly kind: RouteKind;
  readonly namespace: string;
  readonly name: string;
  readonly generation: number;
  readonly parents: readonly RouteParentStatus[];
}

export interface GatewayStatusSet {
  readonly gatewayClasses: readonly GatewayClassStatus[];
  readonly gateways: readonly GatewayStatus[];
  readonly routes: readonly RouteStatus[];
}

/** One port of one Gateway: the edge binds address:port and serves `table` there. */
export interface GatewayListener {
  /** "namespace/name". */
  readonly gateway: string;
  readonly gatewayClass: string;
  /** spec.addresses values of type IPAddress (or no type), in order. */
  readonly requestedAddresses: readonly string[];
  /** The type of its provisioned Service that a parametersRef (its own, else its class's) chooses; null: none. */
  readonly serviceType: ServiceTypeChoice | null;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  /** The Gateway listeners merged on this port, sorted. */
  readonly listenerNames: readonly string[];
  /** Their hostnames ('' for none), for telling misdirected HTTPS requests (listener-hosts.ts). */
  readonly listenerHostnames: readonly string[];
  readonly table: RouteTable;
  /** HTTPS: SNI host → certificate; null for HTTP. */
  readonly tls: TlsTable | null;
}

export interface GatewayBuildResult {
  readonly listeners: readonly GatewayListener[];
  readonly endpoints: EndpointIndex;
  readonly status: GatewayStatusSet;
  readonly problems: readonly Problem[];
}
