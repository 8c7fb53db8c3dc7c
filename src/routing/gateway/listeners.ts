// Gateway listeners: protocol, allowed route kinds, TLS certificate references and conflicts, each
// judged into the four listener conditions (Accepted, Programmed, ResolvedRefs, Conflicted).
// Upstream: conformance/tests/gateway-invalid-route-kind.go, gateway-invalid-tls-configuration.go,
// gateway-secret-missing-reference-grant.go, gateway-secret-invalid-reference-grant.go.

import { readArray, readRecord, readString, readValue } from '../kube-read.ts';
import type { Named } from '../object-index.ts';
import { checkTlsSecret } from '../tls.ts';
import type { CertificateInspector, TlsCertificate } from '../types.ts';
import type { Verdict } from './conditions.ts';
import { isGatewayHostname } from './hostnames.ts';
import type { ReferenceGrants } from './reference-grants.ts';
import { GATEWAY_GROUP, type RouteGroupKind, type RouteKind } from './types.ts';

export const ROUTE_KINDS: readonly RouteKind[] = ['HTTPRoute', 'GRPCRoute'];

export interface ListenerModel {
  readonly name: string;
  readonly field: string;
  /** Lower-case, "*.x" for wildcards; null: any host. */
  readonly hostname: string | null;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly from: string;
  readonly selector: unknown;
  readonly kinds: readonly RouteKind[];
  readonly supportedKinds: readonly RouteGroupKind[];
  readonly certificates: readonly TlsCertificate[];
  accepted: Verdict;
  programmed: Verdict;
  resolvedRefs: Verdict;
  conflicted: Verdict;
  /** Served by the edge: accepted, programmed and not conflicted. */
  served: boolean;
  attachedRoutes: number;
}

const OK_ACCEPTED: Verdict = [true, 'Accepted', 'listener accepted'];
const OK_PROGRAMMED: Verdict = [true, 'Programmed', 'listener programmed'];
const OK_REFS: Verdict = [true, 'ResolvedRefs', 'all references resolved'];
const NO_CONFLICT: Verdict = [false, 'NoConflicts', 'no conflicts'];

export interface ListenerContext {
  readonly gateway: Named;
  readonly secrets: ReadonlyMap<string, Named>;
  readonly grants: ReferenceGrants;
  readonly inspect: CertificateInspector;
}

export function readListeners(context: ListenerContext): ListenerModel[] {
  const list = readArray(readRecord(context.gateway.object, 'spec'), 'listeners') ?? [];
  const models = list.map((raw, index) => readListener(raw, `spec.listeners[${index}]`, context));
  markConflicts(models);
  for (const model of models) model.served = model.accepted[0] && model.programmed[0] && !model.conflicted[0];
  return models;
}

function readListener(raw: unknown, field: string, context: ListenerContext): ListenerModel {
  const protocol = readString(raw, 'protocol') ?? '';
  const port = readValue(raw, 'port');
  const hostnameText = readString(raw, 'hostname');
  const hostname = hostnameText === null || hostnameText === '' ? null : hostnameText.toLowerCase();
  const allowed = readRecord(raw, 'allowedRoutes');
  const namespaces = readRecord(allowed, 'namespaces');
  const model: ListenerModel = {
    name: readString(raw, 'name') ?? '',
    field,
    hostname,
    port: typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535 ? port : 0,
    protocol: protocol === 'HTTPS' ? 'HTTPS' : 'HTTP',
    from: readString(namespaces, 'from') ?? 'Same',
    selector: readValue(namespaces, 'selector'),
    kinds: [],
    supportedKinds: [],
    certificates: [],
    accepted: OK_ACCEPTED,
    programmed: OK_PROGRAMMED,
    resolvedRefs: OK_REFS,
    conflicted: NO_CONFLICT,
    served: false,
    attachedRoutes: 0,
  };
  if (protocol !== 'HTTP' && protocol !== 'HTTPS') {
    model.accepted = [false, 'UnsupportedProtocol', `protocol ${JSON.stringify(protocol)} is not supported`];
    model.programmed = [false, 'Invalid', 'listener not accepted'];
    return model;
  }
  if (model.port === 0 || (hostname !== null && !isGatewayHostname(hostname))) {
    model.accepted = [false, 'UnsupportedValue', 'port or hostname is not valid'];
    model.programmed = [false, 'Invalid', 'listener not accepted'];
    return model;
  }
  readKinds(allowed, model);
  if (protocol === 'HTTPS') readCertificates(readRecord(raw, 'tls'), model, context);
  return model;
}

function readKinds(allowed: unknown, model: ListenerModel): void {
  const listed = readArray(allowed, 'kinds');
  if (listed === null || listed.length === 0) {
    Object.assign(model, {
      kinds: ROUTE_KINDS,
      supportedKinds: ROUTE_KINDS.map((kind) => ({ group: GATEWAY_GROUP, kind })),
    });
    return;
  }
  const kinds: RouteKind[] = [];
  let invalid = false;
  for (const entry of listed) {
    const group = readString(entry, 'group') ?? GATEWAY_GROUP;
    const kind = readString(entry, 'kind') ?? '';
    const known = ROUTE_KINDS.find((k) => k === kind);
    if (group === GATEWAY_GROUP && known !== undefined) {
      if (!kinds.includes(known)) kinds.push(known);
    } else invalid = true;
  }
  Object.assign(model, { kinds, supportedKinds: kinds.map((kind) => ({ group: GATEWAY_GROUP, kind })) });
  if (invalid) model.resolvedRefs = [false, 'InvalidRouteKinds', 'some allowedRoutes.kinds are not supported'];
  if (kinds.length === 0) model.programmed = [false, 'Invalid', 'no supported route kind'];
}

const SECRET: RouteGroupKind = { group: '', kind: 'Secret' };
const GATEWAY: RouteGroupKind = { group: GATEWAY_GROUP, kind: 'Gateway' };

function readCertificates(tls: unknown, model: ListenerModel, context: ListenerContext): void {
  const refs = readArray(tls, 'certificateRefs') ?? [];
  const mode = readString(tls, 'mode') ?? 'Terminate';
  const fail = (reason: string, message: string): void => {
    model.resolvedRefs = [false, reason, message];
    model.programmed = [false, 'Invalid', message];
  };
  if (mode !== 'Terminate') return fail('InvalidCertificateRef', `tls.mode ${mode} is not supported on HTTPS`);
  if (refs.length === 0) return fail('InvalidCertificateRef', 'an HTTPS listener needs tls.certificateRefs');
  const certificates: TlsCertificate[] = [];
  const namespace = context.gateway.ref.namespace;
  for (const ref of refs) {
    const group = readString(ref, 'group') ?? '';
    const kind = readString(ref, 'kind') ?? 'Secret';
    const name = readString(ref, 'name') ?? '';
    const refNamespace = readString(ref, 'namespace') ?? namespace;
    const key = `${refNamespace}/${name}`;
    if (group !== '' || kind !== 'Secret') return fail('InvalidCertificateRef', `${kind} is not a Secret`);
    if (!context.grants.allows(GATEWAY, namespace, SECRET, refNamespace, name))
      return fail('RefNotPermitted', `no ReferenceGrant in ${refNamespace} allows Secret ${name}`);
    const check = checkTlsSecret(key, context.secrets.get(key), context.inspect);
    if (!check.ok) return fail('InvalidCertificateRef', check.message);
    certificates.push(check.certificate);
  }
  Object.assign(model, { certificates });
}

/** Same port: different protocols conflict (ProtocolConflict); same hostname conflicts (HostnameConflict). */
function markConflicts(models: ListenerModel[]): void {
  for (const a of models) {
    if (!a.accepted[0]) continue;
    for (const b of models) {
      if (a === b || !b.accepted[0] || a.port !== b.port) continue;
      if (a.protocol !== b.protocol) a.conflicted = [true, 'ProtocolConflict', `port ${a.port} has another protocol`];
      else if (a.hostname === b.hostname && a.conflicted[0] === false)
        a.conflicted = [true, 'HostnameConflict', `another listener on port ${a.port} has the same hostname`];
    }
    if (a.conflicted[0]) a.programmed = [false, 'Invalid', a.conflicted[2]];
  }
}
