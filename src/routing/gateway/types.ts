// The Gateway API core's output (docs/gateway-api-snapshot.md): per (Gateway, port) route tables in the
// shared route model, the endpoints they use, and status as data for the writer. All frozen.

import type { CertificateInspector, EndpointIndex, Problem, RouteTable, TlsTable } from '../types.ts';

export interface GatewayOptions {
  /** GatewayClass spec.controllerName we own (--gateway-controller-name). */
  readonly controllerName: string;
  readonly inspectCertificate: CertificateInspector;
  /** status.supportedFeatures of our GatewayClasses: what the conformance run passes (default CORE_FEATURES). */
  readonly supportedFeatures?: readonly string[];
}

/** The Core features the pure core compiles; the Extended ones are claimed by the caller once the edge passes them. */
export const CORE_FEATURES: readonly string[] = ['Gateway', 'HTTPRoute', 'ReferenceGrant'];

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
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  /** The Gateway listeners merged on this port, sorted. */
  readonly listenerNames: readonly string[];
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
