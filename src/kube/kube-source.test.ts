import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from '../../e2e/support/api-emulator.ts';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import type { KubeObject } from '../routing/types.ts';
import { silentLogger } from '../util/logger.ts';
import { loadKubeConfig } from './kube-config.ts';
import { createKubeSource, type KubeSource } from './kube-source.ts';
import { waitFor } from '../../test/support/wait-for.ts';

const NGINX = 'nginx.ingress.kubernetes.io/';

const fastBackoff = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.5 };

const ingressClass = (name: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name },
  spec: { controller: 'sluice.dev/ingress-controller' },
});
const ingress = (namespace: string, name: string, host = 'a.example') => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { namespace, name },
  spec: { ingressClassName: 'sluice', rules: [{ host }] },
});
const service = (namespace: string, name: string, port = 80) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace, name },
  spec: { ports: [{ port }] },
});
const endpointSlice = (namespace: string, name: string, ip = '127.0.0.2') => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { namespace, name, labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints: [{ addresses: [ip], conditions: { ready: true } }],
  ports: [{ port: 8080 }],
});
const secret = (namespace: string, name: string, type = 'kubernetes.io/tls') => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { namespace, name },
  type,
  data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
});

type Kind = 'ingressClasses' | 'ingresses' | 'services' | 'endpointSlices' | 'secrets' | 'configMaps';

function names(objects: readonly KubeObject[]): string[] {
  return objects
    .map((object) => {
      const metadata = object.metadata as { namespace?: string; name: string };
      return metadata.namespace === undefined ? metadata.name : `${metadata.namespace}/${metadata.name}`;
    })
    .sort();
}

/** An Ingress carrying what a real API server adds: managed fields and kubectl's last-applied copy. */
function bulkyIngress(host: string): KubeObject {
  const object = ingress('default', 'web', host) as KubeObject & { metadata: Record<string, unknown> };
  object.metadata.managedFields = [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } }];
  object.metadata.annotations = {
    'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(object),
    'sluice.dev/request-timeout': '5s',
  };
  return object;
}

/** The first rule's host of Ingress default/web as the source holds it. */
function hostOf(kube: KubeSource): unknown {
  return field(kube.findIngress('default', 'web'), 'spec.rules.0.host');
}

function field(object: KubeObject | undefined, path: string): unknown {
  let value: unknown = object;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

const opaque = (name: string, auth = 'dXNlcjpoYXNo') => ({ ...secret('default', name, 'Opaque'), data: { auth } });
const annotated = (annotations: Record<string, string>) => {
  const object = ingress('default', 'web') as KubeObject & { metadata: Record<string, unknown> };
  object.metadata.annotations = annotations;
  return object;
};

/** ConfigMap default/`name` with one header, as kubectl apply leaves it (managed fields, last-applied copy). */
function headers(name: string, value: string): KubeObject {
  const object = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: 'default', name },
    data: { 'X-A': value },
  };
  const metadata = object.metadata as Record<string, unknown>;
  metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(object) };
  metadata.managedFields = [{ manager: 'kubectl', operation: 'Apply' }];
  return object;
}

/** A ConfigMap of Gateway parameters, and the Gateway API objects naming one. */
const parameters = (name: string, namespace: string, serviceType: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace, name },
  data: { serviceType },
});
const ref = (name: string, namespace?: string) => ({ group: '', kind: 'ConfigMap', name, namespace });
const gatewayObject = (parametersRef: Record<string, unknown>) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { namespace: 'default', name: 'web' },
  spec: { gatewayClassName: 'sluice', listeners: [], infrastructure: { parametersRef } },
});

describe('createKubeSource against the API emulator', () => {
  let api: ApiEmulator;
  let source: KubeSource | null;
  let changes: number;

  beforeEach(async () => {
    api = await startApiEmulator();
    source = null;
    changes = 0;
  });

  afterEach(async () => {
    await source?.stop();
    await api.close();
  });

  async function startSource(watchNamespaces: string[] | null = null): Promise<KubeSource> {
    const kubeConfig = loadKubeConfig(writeKubeconfig(api.url));
    expect(kubeConfig).not.toBeNull();
    source = createKubeSource({ kubeConfig: kubeConfig!, watchNamespaces, log: silentLogger, backoff: fastBackoff });
    await source.start(() => {
      changes += 1;
    });
    return source;
  }

  const has = (kind: Kind, key: string) => () => names(source!.snapshot()[kind] ?? []).includes(key);
  const lacks = (kind: Kind, key: string) => () => !names(source!.snapshot()[kind] ?? []).includes(key);
  const restartsOf = (informer: string) => source!.stats().find((s) => s.name === informer)!.restarts;

  it('syncs every kind, keeps TLS Secrets (Opaque ones only when named), and gives list items their kind', async () => {
    api.apply(ingressClass('sluice'));
    api.apply(ingress('default', 'web'));
    api.apply(service('default', 'web'));
    api.apply(endpointSlice('default', 'web-abc'));
    api.apply(secret('default', 'tls'));
    api.apply(secret('default', 'opaque', 'Opaque'));
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    expect(changes).toBeGreaterThan(0);
    const snapshot = kube.snapshot();
    expect(names(snapshot.ingressClasses)).toEqual(['sluice']);
    expect(names(snapshot.ingresses)).toEqual(['default/web']);
    expect(names(snapshot.services)).toEqual(['default/web']);
    expect(names(snapshot.endpointSlices)).toEqual(['default/web-abc']);
    expect(names(snapshot.secrets)).toEqual(['default/tls']);
    expect(snapshot.ingresses[0].kind).toBe('Ingress');
    expect(snapshot.ingresses[0].apiVersion).toBe('networking.k8s.io/v1');
    expect(kube.findIngress('default', 'web')).toBe(snapshot.ingresses[0]);
    expect(api.callsOf('list', 'secrets')[0]).toMatchObject({ verb: 'list' });
    expect(kube.stats().every((s) => s.synced && s.restarts === 0)).toBe(true);
  });

  it('keeps an Opaque Secret only while an Ingress annotation names it, re-reading it without a relist', async () => {
    api.apply(annotated({ [`${NGINX}auth-type`]: 'basic', [`${NGINX}auth-secret`]: 'htpasswd' }));
    api.apply(secret('default', 'tls'));
    api.apply(opaque('htpasswd'));
    api.apply(opaque('unrelated'));
    api.apply(opaque('ca'));
    api.apply({ ...opaque('other-ns'), metadata: { namespace: 'elsewhere', name: 'other-ns' } });
    api.apply(secret('default', 'registry', 'kubernetes.io/dockerconfigjson'));
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    expect(names(kube.snapshot().secrets)).toEqual(['default/htpasswd', 'default/tls']);
    expect(kube.snapshot().secrets.find((s) => field(s, 'metadata.name') === 'htpasswd')?.data).toEqual({
      auth: 'dXNlcjpoYXNo',
    });
    expect(kube.stats().find((s) => s.name === 'opaque-secrets')).toMatchObject({ synced: true, objects: 4 });
    kube.takeChanges();
    const listsBefore = api.callsOf('list', 'secrets').length;

    // Now naming a Secret seen (and dropped) before: it is read again at once, by one narrowed list.
    api.apply(
      annotated({
        [`${NGINX}auth-type`]: 'basic',
        [`${NGINX}auth-secret`]: 'default/htpasswd',
        [`${NGINX}proxy-ssl-secret`]: 'default/ca',
      }),
    );
    await waitFor(has('secrets', 'default/ca'), { what: 'the newly named Secret' });
    expect(api.callsOf('list', 'secrets').length).toBe(listsBefore + 1);
    expect(kube.takeChanges().filter((c) => c.kind === 'secrets')).toMatchObject([
      { id: 'default/ca', object: { data: { auth: 'dXNlcjpoYXNo' } } },
    ]);

    // Updates of a named Secret come through; a Secret no longer named leaves at once.
    api.apply(opaque('ca', 'bmV3'));
    await waitFor(
      () =>
        field(
          kube.snapshot().secrets.find((s) => field(s, 'metadata.name') === 'ca'),
          'data.auth',
        ) === 'bmV3',
      {
        what: 'the update',
      },
    );
    api.apply(annotated({ [`${NGINX}auth-type`]: 'basic', [`${NGINX}auth-secret`]: 'late' }));
    await waitFor(() => names(kube.snapshot().secrets).join() === 'default/tls', { what: 'unnamed Secrets to leave' });
    expect(
      kube
        .takeChanges()
        .filter((c) => c.kind === 'secrets' && c.object === null)
        .map((c) => c.id)
        .sort(),
    ).toEqual(['default/ca', 'default/htpasswd']);

    // A Secret created after the Ingress that names it is kept as it arrives; deleted, it leaves.
    api.apply(opaque('late'));
    await waitFor(has('secrets', 'default/late'), { what: 'the late Secret' });
    api.remove('Secret', 'default', 'late');
    await waitFor(lacks('secrets', 'default/late'), { what: 'the deleted Secret to leave' });
    expect(names(kube.snapshot().secrets)).toEqual(['default/tls']);
  });

  it('keeps a ConfigMap only while an Ingress annotation names it, trimmed, re-read without a relist', async () => {
    api.apply(annotated({ [`${NGINX}custom-headers`]: 'named' }));
    api.apply(headers('named', 'one'));
    api.apply(headers('unrelated', 'secret-ish'));
    const kube = await startSource();
    // Synced means the named ConfigMap is in, even when its list came before the Ingress naming it.
    await waitFor(() => kube.synced(), { what: 'sync' });
    const kept = kube.snapshot().configMaps ?? [];
    expect(names(kept)).toEqual(['default/named']);
    expect(kept[0].data).toEqual({ 'X-A': 'one' });
    expect(field(kept[0], 'metadata.managedFields')).toBeUndefined();
    expect(field(kept[0], 'metadata.annotations')).toEqual({});
    expect(kube.stats().find((s) => s.name === 'configmaps')).toMatchObject({ synced: true, objects: 2 });
    kube.takeChanges();
    const listsBefore = api.callsOf('list', 'configmaps').length;

    // Naming the other one (seen and dropped before) reads it again by one narrowed list; the first leaves.
    api.apply(
      annotated({ [`${NGINX}auth-url`]: 'http://auth.example/', [`${NGINX}auth-proxy-set-headers`]: 'unrelated' }),
    );
    await waitFor(has('configMaps', 'default/unrelated'), { what: 'the newly named ConfigMap' });
    await waitFor(lacks('configMaps', 'default/named'), { what: 'the unnamed ConfigMap to leave' });
    expect(api.callsOf('list', 'configmaps').length).toBe(listsBefore + 1);
    const changed = kube.takeChanges().filter((c) => c.kind === 'configMaps');
    expect(changed.sort((a, b) => (a.id < b.id ? -1 : 1))).toMatchObject([
      { id: 'default/named', object: null },
      { id: 'default/unrelated', object: { data: { 'X-A': 'secret-ish' } } },
    ]);

    // An update of a named ConfigMap comes through as a change.
    api.apply(headers('unrelated', 'two'));
    await waitFor(() => field((kube.snapshot().configMaps ?? [])[0], 'data.X-A') === 'two', { what: 'the update' });
  });

  it('keeps a ConfigMap while a Gateway or GatewayClass parametersRef names it, and follows its changes', async () => {
    api.installGatewayApi();
    api.apply(parameters('gw-params', 'default', 'NodePort'));
    api.apply(parameters('class-params', 'sluice', 'ClusterIP'));
    api.apply(parameters('unrelated', 'default', 'LoadBalancer'));
    api.apply({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'sluice' },
      spec: { controllerName: 'sluice.dev/gateway-controller', parametersRef: ref('class-params', 'sluice') },
    });
    // An Ingress of the same namespace/name as the Gateway names nothing: the two are told apart.
    api.apply(ingress('default', 'web'));
    api.apply(gatewayObject(ref('gw-params')));
    const kube = await startSource();
    await waitFor(has('configMaps', 'default/gw-params'), { what: 'the Gateway ConfigMap' });
    await waitFor(has('configMaps', 'sluice/class-params'), { what: 'the GatewayClass ConfigMap' });
    expect(names(kube.snapshot().configMaps ?? [])).toEqual(['default/gw-params', 'sluice/class-params']);

    api.apply(parameters('gw-params', 'default', 'ClusterIP'));
    const dataOf = (key: string) =>
      (kube.snapshot().configMaps ?? []).find((c) => names([c])[0] === key)?.data as Record<string, string>;
    await waitFor(() => dataOf('default/gw-params')?.serviceType === 'ClusterIP', { what: 'the update' });

    // The Gateway names another ConfigMap: that one is read, the first one leaves.
    api.apply(gatewayObject(ref('unrelated')));
    await waitFor(has('configMaps', 'default/unrelated'), { what: 'the newly named ConfigMap' });
    await waitFor(lacks('configMaps', 'default/gw-params'), { what: 'the unnamed ConfigMap to leave' });
    api.remove('GatewayClass', '', 'sluice');
    await waitFor(lacks('configMaps', 'sluice/class-params'), { what: 'the class ConfigMap to leave' });
  });

  it('reports synced (and a change) with an empty cluster', async () => {
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    await waitFor(() => changes > 0, { what: 'a change' });
    expect(kube.snapshot().ingresses).toEqual([]);
  });

  it('returns the same arrays while nothing changes', async () => {
    api.apply(ingress('default', 'web'));
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    const first = kube.snapshot();
    expect(kube.snapshot()).toBe(first);
    expect(Object.isFrozen(first.ingresses)).toBe(true);
    api.apply(service('default', 'web'));
    await waitFor(has('services', 'default/web'), { what: 'the Service' });
    const second = kube.snapshot();
    expect(second).not.toBe(first);
    expect(second.ingresses).toBe(first.ingresses);
  });

  it('reflects add, update and delete of every kind', async () => {
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    await api.waitForWatches('secrets');

    api.apply(ingressClass('sluice'));
    api.apply(ingress('team', 'web'));
    api.apply(service('team', 'web'));
    api.apply(endpointSlice('team', 'web-1'));
    api.apply(secret('team', 'tls'));
    await waitFor(
      () =>
        ['ingressClasses', 'ingresses', 'services', 'endpointSlices', 'secrets'].every(
          (kind) => kube.snapshot()[kind as Kind]?.length === 1,
        ),
      { what: 'adds' },
    );

    const before = changes;
    api.apply({ ...ingressClass('sluice'), spec: { controller: 'other' } });
    api.apply(ingress('team', 'web', 'b.example'));
    api.apply(service('team', 'web', 81));
    api.apply(endpointSlice('team', 'web-1', '127.0.0.3'));
    api.apply({ ...secret('team', 'tls'), data: { 'tls.crt': 'bmV3', 'tls.key': 'a2V5' } });
    const snap = () => kube.snapshot();
    await waitFor(
      () =>
        field(snap().ingressClasses[0], 'spec.controller') === 'other' &&
        field(snap().ingresses[0], 'spec.rules.0.host') === 'b.example' &&
        field(snap().services[0], 'spec.ports.0.port') === 81 &&
        field(snap().endpointSlices[0], 'endpoints.0.addresses.0') === '127.0.0.3' &&
        (snap().secrets[0].data as Record<string, string>)['tls.crt'] === 'bmV3',
      { what: 'updates' },
    );
    expect(changes).toBeGreaterThanOrEqual(before + 5);

    // A Secret that stops being a TLS Secret leaves the store, as the field-selected watch reports.
    api.apply(secret('team', 'tls', 'Opaque'));
    await waitFor(lacks('secrets', 'team/tls'), { what: 'the Secret to leave' });

    api.remove('IngressClass', undefined, 'sluice');
    api.remove('Ingress', 'team', 'web');
    api.remove('Service', 'team', 'web');
    api.remove('EndpointSlice', 'team', 'web-1');
    await waitFor(
      () =>
        ['ingressClasses', 'ingresses', 'services', 'endpointSlices', 'secrets'].every(
          (kind) => kube.snapshot()[kind as Kind]?.length === 0,
        ),
      { what: 'deletes' },
    );
    expect(kube.findIngress('team', 'web')).toBeUndefined();
  });

  it('watches only the given namespaces (IngressClasses cluster-wide)', async () => {
    api.apply(ingressClass('sluice'));
    api.apply(ingress('a', 'one'));
    api.apply(ingress('b', 'two'));
    api.apply(ingress('c', 'three'));
    api.apply(secret('c', 'tls'));
    const kube = await startSource(['a', 'b']);
    await waitFor(() => kube.synced(), { what: 'sync' });
    expect(names(kube.snapshot().ingresses)).toEqual(['a/one', 'b/two']);
    expect(names(kube.snapshot().ingressClasses)).toEqual(['sluice']);
    expect(kube.snapshot().secrets).toEqual([]);
    expect(kube.stats().map((s) => s.name)).toContain('ingresses@b');
    api.apply(ingress('b', 'four'));
    api.apply(ingress('c', 'five'));
    await waitFor(has('ingresses', 'b/four'), { what: 'b/four' });
    expect(names(kube.snapshot().ingresses)).toEqual(['a/one', 'b/four', 'b/two']);
    expect(api.callsOf('list', 'ingresses').every((call) => call.namespace === 'a' || call.namespace === 'b')).toBe(
      true,
    );
  });

  it('resumes after the server closes its watches', async () => {
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    await api.waitForWatches('ingresses');
    const watches = api.callsOf('watch', 'ingresses').length;
    const lists = api.callsOf('list', 'ingresses').length;
    api.closeWatches();
    api.apply(ingress('default', 'after-close'));
    await waitFor(has('ingresses', 'default/after-close'), { what: 'the new Ingress' });
    expect(api.callsOf('watch', 'ingresses').length).toBeGreaterThan(watches);
    expect(api.callsOf('list', 'ingresses').length).toBe(lists);
    expect(restartsOf('ingresses')).toBe(0);
  });

  it('relists when the watch answers 410 with an ERROR event, dropping what was deleted meanwhile', async () => {
    api.apply(ingress('default', 'old'));
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    await api.waitForWatches('ingresses');
    const lists = api.callsOf('list', 'ingresses').length;
    api.compact({ expireOpenWatches: true });
    api.remove('Ingress', 'default', 'old');
    api.apply(ingress('default', 'new'));
    await waitFor(() => api.callsOf('list', 'ingresses').length > lists, { what: 'the relist' });
    await waitFor(() => has('ingresses', 'default/new')() && lacks('ingresses', 'default/old')(), {
      what: 'new in, old out',
    });
    expect(restartsOf('ingresses')).toBe(0);
  });

  it('relists when a watch request is answered HTTP 410', async () => {
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    await api.waitForWatches('services');
    const lists = api.callsOf('list', 'services').length;
    // All at once, before the informer re-watches: the version it resumes from is then expired.
    api.closeWatches('services');
    api.apply(service('default', 'meanwhile'));
    api.compact({ answer: 'status' });
    await waitFor(() => api.callsOf('list', 'services').length > lists, { what: 'the relist' });
    await waitFor(has('services', 'default/meanwhile'), { what: 'the Service' });
    expect(restartsOf('services')).toBe(0);
  });

  it('restarts an informer whose list fails with 500', async () => {
    api.apply(ingress('default', 'web'));
    api.failNext(3, 500, { verb: 'list', resource: 'ingresses' });
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    expect(restartsOf('ingresses')).toBe(3);
    expect(kube.stats().find((s) => s.name === 'ingresses')!.lastError).toContain('500');
    expect(names(kube.snapshot().ingresses)).toEqual(['default/web']);
    expect(restartsOf('services')).toBe(0);
  });

  it('restarts an informer whose watch fails with 500, then converges', async () => {
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    await api.waitForWatches('endpointslices');
    api.failNext(2, 500, { verb: 'watch', resource: 'endpointslices' });
    api.closeWatches('endpointslices');
    api.apply(endpointSlice('default', 'web-1'));
    await waitFor(() => restartsOf('endpointslices') === 2, { what: 'the restarts' });
    await waitFor(has('endpointSlices', 'default/web-1'), { what: 'the slice' });
    expect(kube.stats().find((s) => s.name === 'endpointslices')!.lastError).toContain('500');
    expect(restartsOf('ingresses')).toBe(0);
  });

  it('survives the API server going away and converges when it is back', async () => {
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    await api.waitForWatches('ingresses');
    await api.stop();
    await waitFor(() => restartsOf('ingresses') >= 2, { what: 'refused connections to restart informers' });
    api.apply(ingress('default', 'while-down'));
    api.apply(service('default', 'while-down'));
    expect(kube.synced()).toBe(true);
    await api.restart();
    await waitFor(() => has('ingresses', 'default/while-down')() && has('services', 'default/while-down')(), {
      what: 'convergence',
    });
  });

  it('tells which objects changed: every object first, then each changed object once, as last written or deleted', async () => {
    api.apply(ingressClass('sluice'));
    api.apply(ingress('default', 'web'));
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    const first = kube.takeChanges().map((change) => `${change.kind} ${change.id}`);
    expect(first.sort()).toEqual(['ingressClasses sluice', 'ingresses default/web']);
    expect(kube.takeChanges()).toEqual([]);
    await api.waitForWatches('services');
    api.apply(service('default', 'web'));
    api.apply(ingress('default', 'web', 'b.example'));
    api.apply(ingress('default', 'web', 'c.example'));
    api.remove('IngressClass', undefined, 'sluice');
    await waitFor(() => lacks('ingressClasses', 'sluice')() && has('services', 'default/web')(), {
      what: 'the writes',
    });
    await waitFor(() => hostOf(kube) === 'c.example', { what: 'the last Ingress write' });
    const written = kube.takeChanges();
    const described = written.map(
      (change) => `${change.kind} ${change.id} ${change.object === null ? 'gone' : 'stored'}`,
    );
    // Each kind has its own watch, so only the order within a kind is the order of the writes.
    expect(described.sort()).toEqual([
      'ingressClasses sluice gone',
      'ingresses default/web stored',
      'services default/web stored',
    ]);
    expect(written.find((change) => change.kind === 'ingresses')?.object).toBe(kube.findIngress('default', 'web'));
  });

  it('keeps no managedFields or last-applied copy of the objects it stores (listed or watched)', async () => {
    api.apply(bulkyIngress('a.example'));
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    const metadataOf = () => kube.findIngress('default', 'web')?.metadata as Record<string, unknown>;
    expect(metadataOf().managedFields).toBeUndefined();
    expect(metadataOf().annotations).toEqual({ 'sluice.dev/request-timeout': '5s' });
    await api.waitForWatches('ingresses');
    api.apply(bulkyIngress('b.example'));
    await waitFor(() => hostOf(kube) === 'b.example', { what: 'the watched write' });
    expect(metadataOf().managedFields).toBeUndefined();
    expect(metadataOf().annotations).toEqual({ 'sluice.dev/request-timeout': '5s' });
  });

  it('stops promptly while a watch request hangs, and leaves no watch behind', async () => {
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    await api.waitForWatches('secrets');
    const watches = api.callsOf('watch').length;
    api.pause();
    api.closeWatches();
    await waitFor(() => api.callsOf('watch').length > watches, { what: 'held re-watches' });
    const started = Date.now();
    await kube.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    api.resume();
    await waitFor(() => api.openWatches() === 0, { what: 'no open watches' });
  });

  it('stops: closes its watches and reports no more changes', async () => {
    const kube = await startSource();
    await waitFor(() => kube.synced(), { what: 'sync' });
    await api.waitForWatches('secrets');
    await kube.stop();
    await waitFor(() => api.openWatches() === 0, { what: 'no open watches' });
    const seen = changes;
    api.apply(ingress('default', 'after-stop'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(changes).toBe(seen);
  });
});
