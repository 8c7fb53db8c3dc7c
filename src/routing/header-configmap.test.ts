import { describe, expect, it } from 'vitest';
import {
  configMap,
  ingress,
  service,
  slice,
  sluiceClass,
  snapshotOf,
  testOptions,
} from '../../test/support/routing-build-fixtures.ts';
import { build } from './build.ts';
import { keptConfigMaps, referencedConfigMapKeys } from './configmap-references.ts';
import { MAX_CONFIGMAP_HEADERS, MAX_HEADER_VALUE_LENGTH, readHeaderConfigMap } from './header-configmap.ts';
import { indexObjects } from './object-index.ts';
import type { KubeObject } from './types.ts';

const NGINX = 'nginx.ingress.kubernetes.io/';

function lookup(...objects: KubeObject[]) {
  return indexObjects('ConfigMap', objects, true, []);
}

function many(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-${i}`, 'v']));
}

function long(length: number) {
  return lookup(configMap('h', { 'X-A': 'v'.repeat(length) }));
}

function shop(annotations: Record<string, string>): KubeObject {
  return ingress({ name: 'shop', host: 'a.example.com', paths: [{ path: '/', service: 'web' }], annotations });
}

function traffic(objects: KubeObject[]) {
  const result = build(snapshotOf(objects), testOptions);
  return { traffic: result.table.hosts[0].routes[0].policy.traffic, problems: result.problems };
}

describe('readHeaderConfigMap', () => {
  it('reads every key as a lower-cased header name, sorted by key', () => {
    const read = readHeaderConfigMap('default/h', 'default', lookup(configMap('h', { 'X-B': '2', 'X-A': 'one, two' })));
    expect(read).toEqual({
      ok: true,
      headers: [
        ['x-a', 'one, two'],
        ['x-b', '2'],
      ],
    });
  });

  it('a missing ConfigMap, or one in another namespace, is ConfigMapNotFound', () => {
    expect(readHeaderConfigMap('default/h', 'default', lookup())).toMatchObject({
      ok: false,
      code: 'ConfigMapNotFound',
    });
    const other = lookup(configMap('h', { 'X-A': '1' }, 'team'));
    expect(readHeaderConfigMap('team/h', 'default', other)).toMatchObject({
      ok: false,
      code: 'ConfigMapNotFound',
      message: expect.stringContaining('another namespace'),
    });
  });

  // ingress-nginx customheaders.ValidHeader: ^[a-zA-Z\d\-_]+$; one bad key refuses the ConfigMap.
  it('one key that is not a header name refuses the whole ConfigMap, naming the key', () => {
    const read = readHeaderConfigMap('default/h', 'default', lookup(configMap('h', { 'X-A': '1', 'bad key': 'x' })));
    expect(read).toMatchObject({
      ok: false,
      code: 'AnnotationValueInvalid',
      message: expect.stringContaining('"bad key"'),
    });
  });

  it('a value with a line break or control character refuses the ConfigMap (no header splitting)', () => {
    for (const value of ['a\r\nSet-Cookie: x=1', 'a\nb', 'a\u0000b', 'a\u0100']) {
      const read = readHeaderConfigMap('default/h', 'default', lookup(configMap('h', { 'X-A': value })));
      expect(read).toMatchObject({
        ok: false,
        code: 'AnnotationValueInvalid',
        message: expect.stringContaining('"X-A"'),
      });
    }
  });

  it(`limits: at most ${MAX_CONFIGMAP_HEADERS} keys and values of ${MAX_HEADER_VALUE_LENGTH} characters`, () => {
    const at = readHeaderConfigMap('default/h', 'default', lookup(configMap('h', many(MAX_CONFIGMAP_HEADERS))));
    expect(at.ok && at.headers.length).toBe(MAX_CONFIGMAP_HEADERS);
    const over = readHeaderConfigMap('default/h', 'default', lookup(configMap('h', many(MAX_CONFIGMAP_HEADERS + 1))));
    expect(over).toMatchObject({ ok: false, code: 'AnnotationValueInvalid' });
    expect(readHeaderConfigMap('default/h', 'default', long(MAX_HEADER_VALUE_LENGTH)).ok).toBe(true);
    expect(readHeaderConfigMap('default/h', 'default', long(MAX_HEADER_VALUE_LENGTH + 1)).ok).toBe(false);
  });

  it('binaryData is never read as headers: a ConfigMap with some is refused, naming its key', () => {
    const binary = { ...configMap('h', { 'X-A': '1' }), binaryData: { 'X-B': 'AAE=' } };
    expect(readHeaderConfigMap('default/h', 'default', lookup(binary))).toMatchObject({
      ok: false,
      code: 'AnnotationValueInvalid',
      message: expect.stringContaining('binaryData (key "X-B")'),
    });
  });

  it('a ConfigMap without data sets no header', () => {
    const empty = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'h', namespace: 'default' } };
    expect(readHeaderConfigMap('default/h', 'default', lookup(empty))).toEqual({ ok: true, headers: [] });
  });
});

describe('which ConfigMaps are kept', () => {
  const named = ingress({
    name: 'a',
    annotations: { [`${NGINX}custom-headers`]: 'h', [`${NGINX}auth-proxy-set-headers`]: 'team/x' },
  });
  it('only those an Ingress names in its own namespace (a bare name is in the Ingress namespace)', () => {
    expect(referencedConfigMapKeys(named)).toEqual(['default/h']);
    const kept = keptConfigMaps([configMap('h', {}), configMap('other', {}), configMap('x', {}, 'team')], [named]);
    expect(kept.map((object) => (object.metadata as { name: string }).name)).toEqual(['h']);
  });

  it('and those a Gateway or GatewayClass parametersRef names (the manifest source keeps them too)', () => {
    const ref = { group: '', kind: 'ConfigMap', name: 'params' };
    const gateway = {
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'team' },
      spec: { infrastructure: { parametersRef: ref } },
    };
    const gatewayClass = {
      kind: 'GatewayClass',
      metadata: { name: 'c' },
      spec: { parametersRef: { ...ref, name: 'c', namespace: 'ops' } },
    };
    const all = [
      configMap('params', {}, 'team'),
      configMap('params', {}),
      configMap('c', {}, 'ops'),
      configMap('h', {}),
    ];
    const kept = keptConfigMaps(all, [], { gateways: [gateway], gatewayClasses: [gatewayClass] });
    expect(kept).toEqual([all[0], all[2]]);
    expect(keptConfigMaps(all, [])).toEqual([]);
  });
});

describe('custom-headers and auth-proxy-set-headers in a build', () => {
  const world = [sluiceClass, service('web'), slice('web', ['10.0.0.1'])];

  it('custom-headers become the route response headers; a snippet line of the same name comes later and wins', () => {
    const { traffic: policy, problems } = traffic([
      ...world,
      configMap('headers', { 'X-Frame-Options': 'DENY', 'X-Team': 'shop' }),
      shop({
        [`${NGINX}custom-headers`]: 'default/headers',
        [`${NGINX}configuration-snippet`]: 'more_set_headers "X-Team: snippet";',
      }),
    ]);
    expect(problems.filter((problem) => problem.code !== 'AnnotationPartial')).toEqual([]);
    expect(policy?.responseHeaders?.set).toEqual([
      ['x-frame-options', 'DENY'],
      ['x-team', 'shop'],
      ['x-team', 'snippet'],
    ]);
  });

  it('a missing ConfigMap is a ConfigMapNotFound problem on the annotation and sets no header', () => {
    const { traffic: policy, problems } = traffic([...world, shop({ [`${NGINX}custom-headers`]: 'headers' })]);
    expect(policy?.responseHeaders ?? null).toBe(null);
    expect(problems.map((problem) => `${problem.code} ${problem.field}`)).toEqual([
      `ConfigMapNotFound metadata.annotations["${NGINX}custom-headers"]`,
    ]);
  });

  it('auth-proxy-set-headers become the auth request headers, only with auth-url', () => {
    const headers = configMap('auth-headers', { 'X-Auth-Team': 'shop' });
    const { traffic: policy } = traffic([
      ...world,
      headers,
      shop({
        [`${NGINX}auth-url`]: 'http://auth.example.com/check',
        [`${NGINX}auth-proxy-set-headers`]: 'auth-headers',
      }),
    ]);
    expect(policy?.externalAuth?.proxySetHeaders).toEqual([['x-auth-team', 'shop']]);
    const alone = traffic([...world, headers, shop({ [`${NGINX}auth-proxy-set-headers`]: 'auth-headers' })]);
    expect(alone.problems.map((problem) => problem.code)).toEqual(['AnnotationWithoutEffect']);
  });
});
