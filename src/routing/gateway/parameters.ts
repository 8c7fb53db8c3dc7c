// sluice's Gateway parameters: a Gateway's spec.infrastructure.parametersRef (same namespace) and a
// GatewayClass's spec.parametersRef (with a namespace) may name a ConfigMap whose data holds them. Today one
// key: serviceType, the type of the Service provisioned for the Gateway. Spec (apis/v1/gateway_types.go
// GatewayInfrastructure.ParametersRef, gatewayclass_types.go ParametersRef): a referent that cannot be found,
// of an unsupported kind, or with malformed data rejects the object (Accepted=False, InvalidParameters);
// "GatewayClass provides defaults that can be overridden by a Gateway", so the Gateway's keys win, key by key.

import { isRecord, readRecord, readString } from '../kube-read.ts';
import { DEFAULT_NAMESPACE, type Named } from '../object-index.ts';
import { problem } from '../problems.ts';
import type { KubeObject, Problem } from '../types.ts';
import type { Verdict } from './conditions.ts';

export const SERVICE_TYPES = ['LoadBalancer', 'NodePort', 'ClusterIP'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** The ConfigMap keys sluice reads; any other key makes the ConfigMap malformed (nothing is silently ignored). */
export const PARAMETER_KEYS: readonly string[] = ['serviceType'];

export interface GatewayParameters {
  readonly serviceType?: ServiceType;
}

/** What the parametersRefs choose for a Gateway's Service: the type and where it was set. */
export interface ServiceTypeChoice {
  readonly type: ServiceType;
  readonly from: 'Gateway' | 'GatewayClass';
  /** "namespace/name" of the ConfigMap. */
  readonly configMap: string;
}

/** No reference (null), the parameters read, or why the reference is invalid. */
export type ParametersRead =
  | null
  | { readonly ok: true; readonly configMap: string; readonly parameters: GatewayParameters }
  | { readonly ok: false; readonly message: string };

export type ConfigMapLookup = Pick<ReadonlyMap<string, Named>, 'get'>;

/** Core group: "" as the spec writes it, and "core" as sluice also reads it in backendRefs. */
function isCoreGroup(group: string | null): boolean {
  return group === null || group === '' || group === 'core';
}

/**
 * "namespace/name" of the ConfigMap the parametersRef of a Gateway or GatewayClass names, or null (no ref,
 * another kind, or no namespace on a class's ref). The sources keep exactly these ConfigMaps.
 */
export function parametersConfigMapKey(kind: ReferringKind, object: KubeObject): string | null {
  const ref = parametersRefOf(kind, object);
  if (ref === null) return null;
  if (!isCoreGroup(readString(ref, 'group')) || readString(ref, 'kind') !== 'ConfigMap') return null;
  const name = readString(ref, 'name') ?? '';
  const namespace = kind === 'GatewayClass' ? readString(ref, 'namespace') : namespaceOf(object);
  return name === '' || namespace === null || namespace === '' ? null : `${namespace}/${name}`;
}

export type ReferringKind = 'Gateway' | 'GatewayClass';

function parametersRefOf(kind: ReferringKind, object: unknown): Record<string, unknown> | null {
  const spec = readRecord(object, 'spec');
  return kind === 'GatewayClass'
    ? readRecord(spec, 'parametersRef')
    : readRecord(readRecord(spec, 'infrastructure'), 'parametersRef');
}

function namespaceOf(object: unknown): string | null {
  const raw = readRecord(object, 'metadata')?.namespace;
  if (raw === undefined || raw === '') return DEFAULT_NAMESPACE;
  return typeof raw === 'string' ? raw : null;
}

/** Reads the parametersRef of `named`, a Gateway or a GatewayClass. */
export function readParametersRef(kind: ReferringKind, named: Named, configMaps: ConfigMapLookup): ParametersRead {
  const isClass = kind === 'GatewayClass';
  const ref = parametersRefOf(kind, named.object);
  if (ref === null) return null;
  const group = readString(ref, 'group');
  const refKind = readString(ref, 'kind') ?? '';
  const name = readString(ref, 'name') ?? '';
  const shown = `${group ?? ''}/${refKind} ${name}`;
  if (!isCoreGroup(group) || refKind !== 'ConfigMap')
    return invalid(
      `parametersRef ${shown}: sluice reads its parameters from a ConfigMap (group "", kind ConfigMap) only`,
    );
  const namespace = isClass ? (readString(ref, 'namespace') ?? '') : named.ref.namespace;
  if (namespace === '') return invalid(`parametersRef ConfigMap ${name}: a ConfigMap is namespaced; set namespace`);
  const key = `${namespace}/${name}`;
  const found = configMaps.get(key);
  if (found === undefined) return invalid(`parametersRef ConfigMap ${key} not found`);
  const parameters = readParameters(found.object);
  if (typeof parameters === 'string') return invalid(`parametersRef ConfigMap ${key}: ${parameters}`);
  return { ok: true, configMap: key, parameters };
}

function invalid(message: string): ParametersRead {
  return { ok: false, message };
}

/** The parameters in a ConfigMap's data, or why they are malformed. */
function readParameters(configMap: KubeObject): GatewayParameters | string {
  const binary = readRecord(configMap, 'binaryData');
  if (binary !== null && Object.keys(binary).length > 0) return 'binaryData is not read; put the keys in data';
  const data = configMap.data;
  if (data !== undefined && data !== null && !isRecord(data)) return 'data is not a map';
  const parameters: { serviceType?: ServiceType } = {};
  for (const [key, value] of Object.entries(data ?? {})) {
    if (!PARAMETER_KEYS.includes(key))
      return `unknown key ${JSON.stringify(key.slice(0, 64))} (known: ${PARAMETER_KEYS.join(', ')})`;
    if (!(SERVICE_TYPES as readonly unknown[]).includes(value))
      return `serviceType ${JSON.stringify(String(value).slice(0, 64))} is not one of ${SERVICE_TYPES.join(', ')}`;
    parameters.serviceType = value as ServiceType;
  }
  return parameters;
}

/** The Service type a Gateway's parameters choose: its own ConfigMap's key first, then its class's. */
export function chooseServiceType(gateway: ParametersRead, gatewayClass: ParametersRead): ServiceTypeChoice | null {
  for (const [read, from] of [
    [gateway, 'Gateway'],
    [gatewayClass, 'GatewayClass'],
  ] as const) {
    if (read?.ok === true && read.parameters.serviceType !== undefined)
      return { type: read.parameters.serviceType, from, configMap: read.configMap };
  }
  return null;
}

/** A GatewayClass's parametersRef read; an invalid one is a problem on the class (and rejects it). */
export function readClassParameters(named: Named, configMaps: ConfigMapLookup, problems: Problem[]): ParametersRead {
  const read = readParametersRef('GatewayClass', named, configMaps);
  if (read?.ok === false)
    problems.push(problem('GatewayParametersInvalid', named.ref, 'spec.parametersRef', read.message));
  return read;
}

export function parametersVerdict(read: ParametersRead): Verdict | null {
  return read?.ok === false ? [false, 'InvalidParameters', read.message] : null;
}

/**
 * Why a Gateway's parameters are invalid (its own parametersRef, else its class's), or null. Spec: either
 * rejects it with InvalidParameters (conformance/tests/gateway-invalid-parameters-ref.go).
 */
export function invalidParameters(
  named: Named,
  own: ParametersRead,
  ofClass: ParametersRead,
  problems: Problem[],
): string | null {
  if (own?.ok === false) {
    problems.push(problem('GatewayParametersInvalid', named.ref, 'spec.infrastructure.parametersRef', own.message));
    return own.message;
  }
  if (ofClass?.ok !== false) return null;
  const message = `its GatewayClass's ${ofClass.message}`;
  problems.push(problem('GatewayParametersInvalid', named.ref, 'spec.gatewayClassName', message));
  return message;
}
