import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyMergePatch } from './emulator-patch.ts';
import { typeFromLooseName } from './emulator-resources.ts';
import { parseResourcePath } from './emulator-routes.ts';
import { parseFieldSelector, parseLabelSelector } from './emulator-selectors.ts';
import { serviceDefaults } from './emulator-services.ts';

function strip(route: ReturnType<typeof parseResourcePath>) {
  return route === undefined ? undefined : { ...route, type: route.type.kind };
}

describe('emulator parts', () => {
  it('label selectors follow the API server syntax', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(parseLabelSelector('')(labels)).toBe(true);
    expect(parseLabelSelector('app=web,tier==front')(labels)).toBe(true);
    expect(parseLabelSelector('app!=web')(labels)).toBe(false);
    expect(parseLabelSelector('app!=api')({})).toBe(true);
    expect(parseLabelSelector('app in (api,web), tier notin (back)')(labels)).toBe(true);
    expect(parseLabelSelector('app notin (web)')(labels)).toBe(false);
    expect(parseLabelSelector('!tier')(labels)).toBe(false);
    expect(parseLabelSelector('example.com/owner')({ 'example.com/owner': '' })).toBe(true);
    expect(() => parseLabelSelector('a b c')).toThrow(/unable to parse/);
  });

  it('field selectors resolve dotted paths and refuse unsupported fields', () => {
    const secret = { metadata: { name: 'x', namespace: 'n' }, type: 'kubernetes.io/tls' };
    expect(parseFieldSelector('type=kubernetes.io/tls,metadata.name!=y', ['type', 'metadata.name'])(secret)).toBe(true);
    expect(parseFieldSelector('metadata.namespace=m', ['metadata.namespace'])(secret)).toBe(false);
    expect(() => parseFieldSelector('spec.x=1', ['type'])).toThrow(/not supported/);
    expect(() => parseFieldSelector('type', ['type'])).toThrow(/invalid field selector/);
  });

  it('merge patch merges objects, deletes on null and replaces arrays', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2], keep: true };
    expect(applyMergePatch(target, { a: { b: null, d: 3 }, list: [3] })).toEqual({
      a: { c: 2, d: 3 },
      list: [3],
      keep: true,
    });
    expect(target.a.b).toBe(1);
  });

  it('JSON patch supports every operation and leaves the input alone', () => {
    const target = { list: ['a', 'c'], o: { 'x/y': 1, '~t': 2 } };
    const out = applyJsonPatch(target, [
      { op: 'add', path: '/list/1', value: 'b' },
      { op: 'add', path: '/list/-', value: 'd' },
      { op: 'remove', path: '/o/x~1y' },
      { op: 'copy', from: '/o/~0t', path: '/copied' },
      { op: 'move', from: '/copied', path: '/moved' },
      { op: 'replace', path: '/list/0', value: 'A' },
      { op: 'test', path: '/moved', value: 2 },
    ]);
    expect(out).toEqual({ list: ['A', 'b', 'c', 'd'], o: { '~t': 2 }, moved: 2 });
    expect(target.list).toEqual(['a', 'c']);
    expect(() => applyJsonPatch(target, [{ op: 'remove', path: '/nope' }])).toThrow(/does not exist/);
    expect(() => applyJsonPatch(target, [{ op: 'test', path: '/list/0', value: 'z' }])).toThrow(
      /test operation failed/,
    );
  });

  it('parses namespaced, cluster-scoped and subresource paths into RBAC calls', () => {
    expect(strip(parseResourcePath('GET', '/apis/networking.k8s.io/v1/ingresses', true))).toEqual({
      verb: 'watch',
      resource: 'ingresses',
      group: 'networking.k8s.io',
      subresource: '',
      namespace: '',
      name: '',
      type: 'Ingress',
    });
    expect(
      strip(parseResourcePath('PATCH', '/apis/networking.k8s.io/v1/namespaces/a/ingresses/x/status', false)),
    ).toMatchObject({
      verb: 'patch',
      namespace: 'a',
      name: 'x',
      subresource: 'status',
    });
    expect(strip(parseResourcePath('PUT', '/api/v1/namespaces/a/status', false))).toMatchObject({
      verb: 'update',
      resource: 'namespaces',
      name: 'a',
      subresource: 'status',
      namespace: '',
    });
    expect(parseResourcePath('GET', '/api/v1/namespaces/a/nodes', false)).toBeUndefined();
    expect(parseResourcePath('GET', '/apis/networking.k8s.io/v1beta1/ingresses', false)).toBeUndefined();
    expect(parseResourcePath('GET', '/api/v1/namespaces/a/secrets/x/status', false)).toBeUndefined();
  });

  it('resolves loose kind names', () => {
    expect(typeFromLooseName('Ingress').plural).toBe('ingresses');
    expect(typeFromLooseName('endpointslices').group).toBe('discovery.k8s.io');
    expect(typeFromLooseName('events.k8s.io/events').group).toBe('events.k8s.io');
    expect(typeFromLooseName('events.events.k8s.io').group).toBe('events.k8s.io');
    expect(typeFromLooseName('Event').group).toBe('');
    expect(() => typeFromLooseName('widgets')).toThrow(/unknown resource type/);
  });

  it('a Service created over HTTP gets a loopback clusterIP unless headless, ExternalName or given one', () => {
    const services = typeFromLooseName('services');
    const created = { spec: { type: 'LoadBalancer' } } as Record<string, any>;
    serviceDefaults(services, created);
    expect(created.spec.clusterIP).toMatch(/^127\.253\.\d+\.\d+$/);
    expect(created.spec.clusterIPs).toEqual([created.spec.clusterIP]);
    const defaulted = {} as Record<string, any>;
    serviceDefaults(services, defaulted);
    expect(defaulted.spec.type).toBe('ClusterIP');
    expect(defaulted.spec.clusterIP).not.toBe(created.spec.clusterIP);
    for (const spec of [{ clusterIP: 'None' }, { type: 'ExternalName' }, { clusterIP: '10.0.0.9' }]) {
      const object = { spec: { ...spec } } as Record<string, any>;
      serviceDefaults(services, object);
      expect(object.spec.clusterIP).toBe(spec.clusterIP);
    }
    const pod = { spec: {} } as Record<string, any>;
    serviceDefaults(typeFromLooseName('pods'), pod);
    expect(pod.spec).toEqual({});
  });
});
