// A Gateway's spec.infrastructure.parametersRef and its GatewayClass's spec.parametersRef naming a ConfigMap
// of sluice's parameters (serviceType). Spec: apis/v1/gateway_types.go GatewayInfrastructure.ParametersRef and
// gatewayclass_types.go ParametersRef — a referent not found, of an unsupported kind or with malformed data
// rejects the object with Accepted=False, reason InvalidParameters.

import { describe, expect, it } from 'vitest';
import { configMap, fakeInspector } from '../../../test/support/routing-build-fixtures.ts';
import { CONTROLLER, NS, gateway, gatewaySnapshot, ourClass } from '../../../test/support/routing-gateway-fixtures.ts';
import type { KubeObject } from '../types.ts';
import { buildGateway } from './build-gateway.ts';
import { parametersConfigMapKey } from './parameters.ts';

const OPTIONS = { controllerName: CONTROLLER, inspectCertificate: fakeInspector };
const http = { name: 'http', port: 80, protocol: 'HTTP' };

function withRef(ref: Record<string, unknown>): KubeObject {
  const base = gateway('gw', [http]);
  return { ...base, spec: { ...(base.spec as object), infrastructure: { parametersRef: ref } } };
}

const toConfigMap = withRef({ group: '', kind: 'ConfigMap', name: 'gw-params' });

function classWithRef(ref: Record<string, unknown>): KubeObject {
  return { ...ourClass, spec: { ...(ourClass.spec as object), parametersRef: ref } };
}

function accepted(conditions: readonly { type: string; status: string; reason: string }[] | undefined): string {
  const found = conditions?.find((c) => c.type === 'Accepted');
  return `${found?.status} ${found?.reason}`;
}

function built(objects: KubeObject[]) {
  const result = buildGateway(gatewaySnapshot(objects), OPTIONS);
  return {
    result,
    gateway: accepted(result.status.gateways[0]?.conditions),
    gatewayClass: accepted(result.status.gatewayClasses[0]?.conditions),
    serviceType: result.listeners[0]?.serviceType ?? null,
    problems: result.problems.map((p) => `${p.object.kind} ${p.field} ${p.code}: ${p.message}`),
  };
}

describe('Gateway spec.infrastructure.parametersRef', () => {
  it('accepts a ConfigMap of sluice parameters and passes its serviceType on', () => {
    const out = built([ourClass, toConfigMap, configMap('gw-params', { serviceType: 'NodePort' }, NS)]);
    expect(out.gateway).toBe('True Accepted');
    expect(out.problems).toEqual([]);
    expect(out.serviceType).toEqual({ type: 'NodePort', from: 'Gateway', configMap: `${NS}/gw-params` });
  });

  it('accepts the core group as "core" too, and an empty ConfigMap (no choice made)', () => {
    const core = withRef({ group: 'core', kind: 'ConfigMap', name: 'gw-params' });
    const out = built([ourClass, core, configMap('gw-params', {}, NS)]);
    expect(out.gateway).toBe('True Accepted');
    expect(out.serviceType).toBeNull();
  });

  it('is InvalidParameters when the ConfigMap is missing (or in another namespace: the ref is local)', () => {
    const out = built([ourClass, toConfigMap, configMap('gw-params', { serviceType: 'NodePort' }, 'elsewhere')]);
    expect(out.gateway).toBe('False InvalidParameters');
    expect(out.result.listeners).toEqual([]);
    expect(out.problems).toEqual([
      `Gateway spec.infrastructure.parametersRef GatewayParametersInvalid: parametersRef ConfigMap ${NS}/gw-params not found`,
    ]);
  });

  it('is InvalidParameters for a kind other than a core ConfigMap', () => {
    for (const ref of [
      { group: 'invalid.io', kind: 'InvalidParameters', name: 'invalid' },
      { group: 'v1', kind: 'ConfigMap', name: 'gw-params' },
      { group: '', kind: 'Secret', name: 'gw-params' },
    ]) {
      const out = built([ourClass, withRef(ref), configMap('gw-params', { serviceType: 'NodePort' }, NS)]);
      expect(out.gateway, JSON.stringify(ref)).toBe('False InvalidParameters');
      expect(out.problems[0]).toMatch(
        /^Gateway spec.infrastructure.parametersRef GatewayParametersInvalid: .*ConfigMap/,
      );
    }
  });

  it('is InvalidParameters for malformed data: a bad value, an unknown key, binaryData', () => {
    const cases: [KubeObject, RegExp][] = [
      [configMap('gw-params', { serviceType: 'ExternalName' }, NS), /serviceType "ExternalName" is not one of/],
      [configMap('gw-params', { serviceType: 'NodePort', replicas: '2' }, NS), /unknown key "replicas"/],
      [{ ...configMap('gw-params', {}, NS), binaryData: { serviceType: 'Tm9kZVBvcnQ=' } }, /binaryData/],
    ];
    for (const [params, why] of cases) {
      const out = built([ourClass, toConfigMap, params]);
      expect(out.gateway).toBe('False InvalidParameters');
      expect(out.problems).toHaveLength(1);
      expect(out.problems[0]).toMatch(why);
    }
  });

  it('follows the ConfigMap: a change flips the type, and a bad value rejects the Gateway until fixed', () => {
    const types = ['NodePort', 'ClusterIP', 'Bad', 'LoadBalancer'].map((serviceType) => {
      const out = built([ourClass, toConfigMap, configMap('gw-params', { serviceType }, NS)]);
      return `${out.gateway} ${out.serviceType?.type ?? '-'}`;
    });
    expect(types).toEqual([
      'True Accepted NodePort',
      'True Accepted ClusterIP',
      'False InvalidParameters -',
      'True Accepted LoadBalancer',
    ]);
  });
});

describe('GatewayClass spec.parametersRef', () => {
  const classRef = { group: '', kind: 'ConfigMap', name: 'class-params', namespace: 'sluice' };

  it('gives its Gateways a default that a Gateway ConfigMap overrides', () => {
    const classParams = configMap('class-params', { serviceType: 'ClusterIP' }, 'sluice');
    const plain = built([classWithRef(classRef), gateway('gw', [http]), classParams]);
    expect(plain.gatewayClass).toBe('True Accepted');
    expect(plain.serviceType).toEqual({ type: 'ClusterIP', from: 'GatewayClass', configMap: 'sluice/class-params' });
    const own = built([
      classWithRef(classRef),
      toConfigMap,
      classParams,
      configMap('gw-params', { serviceType: 'NodePort' }, NS),
    ]);
    expect(own.serviceType).toEqual({ type: 'NodePort', from: 'Gateway', configMap: `${NS}/gw-params` });
    // A Gateway ConfigMap without the key keeps the class's value (key by key).
    const empty = built([classWithRef(classRef), toConfigMap, classParams, configMap('gw-params', {}, NS)]);
    expect(empty.serviceType?.from).toBe('GatewayClass');
  });

  it('rejects the class (and its Gateways) when invalid: missing, no namespace, another kind', () => {
    for (const ref of [classRef, { ...classRef, namespace: undefined }, { ...classRef, kind: 'Secret' }]) {
      const out = built([classWithRef(ref), gateway('gw', [http])]);
      expect(out.gatewayClass, JSON.stringify(ref)).toBe('False InvalidParameters');
      expect(out.gateway).toBe('False InvalidParameters');
      expect(out.result.listeners).toEqual([]);
      expect(out.problems.map((p) => p.split(':')[0])).toEqual([
        'Gateway spec.gatewayClassName GatewayParametersInvalid',
        'GatewayClass spec.parametersRef GatewayParametersInvalid',
      ]);
    }
  });
});

describe('parametersConfigMapKey (which ConfigMaps the sources keep)', () => {
  it('names the ConfigMap of a Gateway (its namespace) or a GatewayClass (the ref namespace), nothing else', () => {
    expect(parametersConfigMapKey('Gateway', toConfigMap)).toBe(`${NS}/gw-params`);
    expect(parametersConfigMapKey('Gateway', withRef({ group: 'x.io', kind: 'ConfigMap', name: 'p' }))).toBeNull();
    expect(parametersConfigMapKey('Gateway', gateway('gw', [http]))).toBeNull();
    const ref = { group: '', kind: 'ConfigMap', name: 'p', namespace: 'sluice' };
    expect(parametersConfigMapKey('GatewayClass', classWithRef(ref))).toBe('sluice/p');
    expect(parametersConfigMapKey('GatewayClass', classWithRef({ ...ref, namespace: undefined }))).toBeNull();
  });
});
