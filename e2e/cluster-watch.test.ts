// The cluster watch end to end (issue 3): the real controller (`npm start -- --kubeconfig …`) against the API
// emulator. Initial sync; add, update and delete of every kind it watches (IngressClass, Ingress, Service,
// EndpointSlice, TLS Secret) seen in request results and in /api/v1/status; watches closed by the server are
// resumed; a compaction (410 Gone) makes the informers relist and converge without ever serving an empty table.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiEmulator, KubeObject } from './support/api-emulator.ts';
import type { ControllerStatus, RunningController } from './support/controller.ts';
import { removeBackend, setEndpoints, slicesOf, writeBackend, writeService } from './support/endpoint-slices.ts';
import { edgeRequest, type EdgeResponse } from './support/http-client.ts';
import type { Pod } from './support/pods.ts';
import {
  CONTROLLER_CLASS,
  INFORMER_NAMES,
  WATCHED_KINDS,
  hostIngress,
  informers as informerStats,
  ingressClass,
  pollUntil,
  routesOf,
  selfSignedFor,
  servedCertificate as certificateAt,
  startScenario,
  tableHosts,
  tlsSecret as tlsSecretOf,
  type IngressOptions,
  type Scenario,
} from './fixtures.ts';
import { startLoad } from './load-support.ts';

const NS = 'shop';
const DEFAULT_CERT_CN = 'sluice default certificate';

let scenario: Scenario;
let api: ApiEmulator;
let pods: Pod[];
let controller: RunningController;

/** An Ingress in NS: `host` + `path` (Prefix) → `service` port http. */
function ingress(
  name: string,
  host: string,
  service: string,
  options: IngressOptions & { path?: string; tlsSecret?: string } = {},
): KubeObject {
  return hostIngress(NS, name, host, service, options);
}

/** A TLS Secret for `commonName` whose certificate carries `organization`, to tell versions apart. */
async function tlsSecret(name: string, commonName: string, organization: string): Promise<KubeObject> {
  return tlsSecretOf(NS, name, await selfSignedFor([commonName], { organization }));
}

/** The certificate the edge serves for an SNI name: subject CN and O. */
async function servedCertificate(servername: string): Promise<{ cn: string; o: string }> {
  const served = await certificateAt(controller.httpsPort, servername);
  return { cn: served.commonName, o: served.organization };
}

/** Polls `probe` every 20 ms until `accept` holds; fails after `timeoutMs` with the last value. */
const until = <T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5000): Promise<T> =>
  pollUntil(what, probe, accept, { timeoutMs, controller });

const get = (host: string, path = '/') => edgeRequest(controller.httpUrl, { host, path, timeoutMs: 3000 });
const podOf = (reply: EdgeResponse) => (reply.status === 200 ? (reply.json().pod as string) : `status ${reply.status}`);

/** Waits for `host``path` to answer `status` (and, for 200, from `pod` when given). */
function waitAnswer(host: string, path: string, status: number, pod?: string): Promise<EdgeResponse> {
  return until(
    `${host}${path} → ${status}${pod === undefined ? '' : ` from ${pod}`}`,
    () => get(host, path),
    (r) => r.status === status && (pod === undefined || podOf(r) === pod),
  );
}

/** Waits for the admin status to satisfy `predicate` after a change (by a generation newer than `after`). */
function waitStatus(
  what: string,
  after: number,
  predicate: (s: ControllerStatus) => boolean,
): Promise<ControllerStatus> {
  return controller.waitFor((s) => s.generation > after && predicate(s), { what, timeoutMs: 5000 });
}

const problemsOf = (s: ControllerStatus, name: string) =>
  s.problems.filter((p) => p.object.name === name).map((p) => p.code);
const counts = (s: ControllerStatus) =>
  s.counts as { ingresses: number; routes: number; backends: number; endpoints: number };
const routedHosts = async () => tableHosts(await routesOf(controller));

beforeAll(async () => {
  scenario = await startScenario({
    namespace: NS,
    backends: { web: { pods: 3, endpoints: 1 } }, // web-0 listed; web-1 and web-2 serve other Services later
    objects: [
      ingress('shop', 'shop.example', 'web'),
      await tlsSecret('secure-tls', 'secure.example', 'initial'),
      ingress('secure', 'secure.example', 'web', { tlsSecret: 'secure-tls' }),
    ],
  });
  ({ api, pods, controller } = scenario);
}, 60_000);

afterAll(() => scenario?.close());

describe('cluster watch', () => {
  test('initial sync: every informer lists, the first table serves what was there before start', async () => {
    const status = await controller.status();
    expect(status.synced).toBe(true);
    expect(status.ready).toBe(true);
    expect(status.generation).toBeGreaterThanOrEqual(1);
    expect(counts(status).ingresses).toBe(2);
    expect(counts(status).endpoints).toBe(1);
    expect(status.problems).toEqual([]);
    expect((status.sources as { name: string }[])[0].name).toBe('kubernetes');
    const informers = informerStats(status);
    expect(informers.map((i) => i.name).sort()).toEqual(INFORMER_NAMES);
    expect(informers.every((i) => i.synced)).toBe(true);
    for (const kind of ['ingresses', 'ingressclasses', 'services', 'endpointslices', 'secrets']) {
      expect(api.callsOf('list', kind).length, `list of ${kind}`).toBeGreaterThanOrEqual(1);
    }

    const reply = await get('shop.example', '/anything');
    expect(reply.status).toBe(200);
    expect(reply.json().pod).toBe('web-0');
    expect((await get('unknown.example')).status).toBe(404);
    expect(await servedCertificate('secure.example')).toEqual({ cn: 'secure.example', o: 'initial' });
  });

  test('Ingress: add, update, delete', async () => {
    let generation = (await controller.status()).generation;
    api.apply(ingress('cart', 'cart.example', 'web', { path: '/cart' }));
    await waitAnswer('cart.example', '/cart/items', 200, 'web-0');
    expect((await get('cart.example', '/basket')).status).toBe(404);
    let status = await waitStatus('3 Ingresses', generation, (s) => counts(s).ingresses === 3);
    expect(await routedHosts()).toContain('cart.example');

    generation = status.generation;
    api.modify('Ingress', NS, 'cart', (o) => {
      o.spec.rules[0].http.paths[0].path = '/basket';
    });
    await waitAnswer('cart.example', '/basket', 200);
    expect((await get('cart.example', '/cart')).status).toBe(404);
    status = await controller.waitGeneration(generation + 1);

    generation = status.generation;
    expect(api.remove('Ingress', NS, 'cart')).toBe(true);
    await waitAnswer('cart.example', '/basket', 404);
    await waitStatus('2 Ingresses', generation, (s) => counts(s).ingresses === 2);
    expect(await routedHosts()).not.toContain('cart.example');
  });

  test('IngressClass: add, update, delete decide which Ingresses are ours', async () => {
    let generation = (await controller.status()).generation;
    api.apply(ingress('classy', 'classy.example', 'web', { className: 'sluice-extra' }));
    let status = await controller.waitGeneration(generation + 1);
    expect((await get('classy.example')).status).toBe(404); // names a class that does not exist: not ours
    expect(counts(status).ingresses).toBe(2);

    generation = status.generation;
    api.apply(ingressClass('sluice-extra'));
    await waitAnswer('classy.example', '/', 200, 'web-0');
    status = await waitStatus('3 Ingresses', generation, (s) => counts(s).ingresses === 3);

    generation = status.generation;
    api.modify('IngressClass', undefined, 'sluice-extra', (o) => {
      o.spec.controller = 'example.com/another-controller';
    });
    await waitAnswer('classy.example', '/', 404);
    status = await waitStatus('2 Ingresses', generation, (s) => counts(s).ingresses === 2);

    generation = status.generation;
    api.modify('IngressClass', undefined, 'sluice-extra', (o) => {
      o.spec.controller = CONTROLLER_CLASS;
    });
    await waitAnswer('classy.example', '/', 200);
    status = await waitStatus('3 Ingresses', generation, (s) => counts(s).ingresses === 3);

    generation = status.generation;
    expect(api.remove('IngressClass', undefined, 'sluice-extra')).toBe(true);
    await waitAnswer('classy.example', '/', 404);
    await waitStatus('2 Ingresses', generation, (s) => counts(s).ingresses === 2);
    api.remove('Ingress', NS, 'classy');
  });

  test('Service: add, update, delete', async () => {
    let generation = (await controller.status()).generation;
    api.apply(ingress('late', 'late.example', 'late'));
    await waitAnswer('late.example', '/', 503); // the route claims its host and answers 503, no fall-through
    let status = await waitStatus('ServiceNotFound on late', generation, (s) =>
      problemsOf(s, 'late').includes('ServiceNotFound'),
    );

    generation = status.generation;
    writeBackend(api, {
      namespace: NS,
      name: 'late',
      ports: [{ name: 'http', port: 80, targetPort: pods[1].port }],
      endpoints: [pods[1]],
    });
    await waitAnswer('late.example', '/', 200, 'web-1');
    status = await waitStatus('no problem on late', generation, (s) => problemsOf(s, 'late').length === 0);

    generation = status.generation;
    writeService(api, { namespace: NS, name: 'late', ports: [{ name: 'other', port: 80, targetPort: pods[1].port }] });
    await waitAnswer('late.example', '/', 503);
    status = await waitStatus('ServicePortNotFound on late', generation, (s) =>
      problemsOf(s, 'late').includes('ServicePortNotFound'),
    );

    generation = status.generation;
    writeService(api, { namespace: NS, name: 'late', ports: [{ name: 'http', port: 80, targetPort: pods[1].port }] });
    setEndpoints(api, NS, 'late', [pods[1]]); // slices carry the Service's port names
    await waitAnswer('late.example', '/', 200, 'web-1');
    status = await waitStatus('no problem on late', generation, (s) => problemsOf(s, 'late').length === 0);

    generation = status.generation;
    expect(api.remove('Service', NS, 'late')).toBe(true);
    await waitAnswer('late.example', '/', 503);
    await waitStatus('ServiceNotFound on late again', generation, (s) =>
      problemsOf(s, 'late').includes('ServiceNotFound'),
    );
    removeBackend(api, NS, 'late');
    api.remove('Ingress', NS, 'late');
  });

  test('EndpointSlice: add, update, delete', async () => {
    const port = pods[0].port;
    let generation = (await controller.status()).generation;
    writeService(api, { namespace: NS, name: 'grow', ports: [{ name: 'http', port: 80, targetPort: port }] });
    api.apply(ingress('grow', 'grow.example', 'grow'));
    await waitAnswer('grow.example', '/', 503);
    let status = await waitStatus('NoReadyEndpoints on grow', generation, (s) =>
      problemsOf(s, 'grow').includes('NoReadyEndpoints'),
    );
    const baseEndpoints = counts(status).endpoints;
    expect(slicesOf(api, NS, 'grow')).toEqual([]);

    // add: the first slice appears
    generation = status.generation;
    setEndpoints(api, NS, 'grow', [pods[2]]);
    await waitAnswer('grow.example', '/', 200, 'web-2');
    status = await waitStatus(
      'one more endpoint',
      generation,
      (s) => counts(s).endpoints === baseEndpoints + 1 && problemsOf(s, 'grow').length === 0,
    );

    // update: a second endpoint joins, both get traffic
    generation = status.generation;
    setEndpoints(api, NS, 'grow', [pods[2], pods[1]]);
    await waitStatus('two endpoints', generation, (s) => counts(s).endpoints === baseEndpoints + 2);
    const seen = new Set<string>();
    for (let i = 0; i < 20 && seen.size < 2; i++) seen.add(podOf(await get('grow.example')));
    expect([...seen].sort()).toEqual(['web-1', 'web-2']);

    // update: one turns not ready, it gets no more traffic
    status = await controller.status();
    generation = status.generation;
    setEndpoints(api, NS, 'grow', [{ ...pods[2], ready: false, serving: false }, pods[1]]);
    await controller.waitGeneration(generation + 1);
    const after = new Set<string>();
    for (let i = 0; i < 10; i++) after.add(podOf(await get('grow.example')));
    expect([...after]).toEqual(['web-1']);

    // delete: the slice goes away, the route answers 503
    status = await controller.status();
    generation = status.generation;
    for (const slice of slicesOf(api, NS, 'grow')) api.remove('EndpointSlice', NS, slice.metadata.name);
    await waitAnswer('grow.example', '/', 503);
    await waitStatus('NoReadyEndpoints on grow again', generation, (s) =>
      problemsOf(s, 'grow').includes('NoReadyEndpoints'),
    );
    removeBackend(api, NS, 'grow');
    api.remove('Ingress', NS, 'grow');
  });

  test('TLS Secret: add, update, delete change the certificate served for the host', async () => {
    let generation = (await controller.status()).generation;
    api.apply(ingress('vault', 'vault.example', 'web', { tlsSecret: 'vault-tls' }));
    let status = await waitStatus('TlsSecretNotFound on vault', generation, (s) =>
      problemsOf(s, 'vault').includes('TlsSecretNotFound'),
    );
    expect((await servedCertificate('vault.example')).cn).toBe(DEFAULT_CERT_CN);

    generation = status.generation;
    api.apply(await tlsSecret('vault-tls', 'vault.example', 'first'));
    await until(
      'the first vault certificate',
      () => servedCertificate('vault.example'),
      (c) => c.o === 'first',
    );
    status = await waitStatus('no problem on vault', generation, (s) => problemsOf(s, 'vault').length === 0);
    const reply = await edgeRequest(controller.httpsUrl, { host: 'vault.example', timeoutMs: 3000 });
    expect(reply.status).toBe(200);
    expect(reply.json().pod).toBe('web-0');

    generation = status.generation;
    api.apply(await tlsSecret('vault-tls', 'vault.example', 'second'));
    await until(
      'the second vault certificate',
      () => servedCertificate('vault.example'),
      (c) => c.o === 'second',
    );
    status = await controller.waitGeneration(generation + 1);

    generation = status.generation;
    expect(api.remove('Secret', NS, 'vault-tls')).toBe(true);
    await until(
      'the default certificate for vault',
      () => servedCertificate('vault.example'),
      (c) => c.cn === DEFAULT_CERT_CN,
    );
    await waitStatus('TlsSecretNotFound on vault again', generation, (s) =>
      problemsOf(s, 'vault').includes('TlsSecretNotFound'),
    );
    api.remove('Ingress', NS, 'vault');
    await controller.waitFor((s) => counts(s).ingresses === 2, { what: 'vault gone' });
    // Secrets that are not kubernetes.io/tls are not watched at all (field selector on type). One watch stream
    // delivers in resourceVersion order: once the TLS Secret written after the Opaque one is in, the Opaque one
    // would have been too.
    const secretObjects = async () =>
      informerStats(await controller.status()).find((i) => i.name === 'secrets')?.objects ?? -1;
    const before = await secretObjects();
    api.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { namespace: NS, name: 'opaque' },
      data: { a: 'Yg==' },
    });
    api.apply(await tlsSecret('marker-tls', 'marker.example', 'marker'));
    const after = await until('the marker Secret in the informer', secretObjects, (n) => n >= before + 1);
    expect(after).toBe(before + 1);
    api.remove('Secret', NS, 'opaque');
    api.remove('Secret', NS, 'marker-tls');
  });

  test('watches closed by the server are resumed from their resourceVersion, without a relist', async () => {
    const kinds = WATCHED_KINDS;
    const listsBefore = api.callsOf('list').length;
    const watchesBefore = api.callsOf('watch').length;
    api.closeWatches();
    for (const kind of kinds) await api.waitForWatches(kind, 1, 5000);
    expect(api.callsOf('watch').length).toBeGreaterThanOrEqual(watchesBefore + kinds.length);

    const generation = (await controller.status()).generation;
    api.apply(ingress('resumed', 'resumed.example', 'web'));
    await waitAnswer('resumed.example', '/', 200);
    await controller.waitGeneration(generation + 1);
    expect(api.callsOf('list').length).toBe(listsBefore);
    api.remove('Ingress', NS, 'resumed');
    await waitAnswer('resumed.example', '/', 404);
  });

  for (const answer of ['event', 'status'] as const) {
    test(`compaction (410 as ${answer === 'event' ? 'an ERROR event' : 'HTTP 410'}) → relist, converge, never an empty table`, async () => {
      const listsBefore = api.callsOf('list').length;
      // Serve traffic through the relist: the known route must answer every time.
      const traffic = startLoad({
        baseUrl: controller.httpUrl,
        target: { host: 'shop.example' },
        concurrency: 1,
        timeoutMs: 3000,
        maxDurationMs: 15_000,
      });

      const started = Date.now();
      const name = `after-410-${answer}`;
      api.apply(ingress(name, `${name}.example`, 'web'));
      api.compact({ answer, expireOpenWatches: answer === 'event' });
      if (answer === 'status') api.closeWatches(); // the re-watch from an expired version gets HTTP 410
      // A change the old watches never saw: only a relist brings it.
      api.modify('Ingress', NS, name, (o) => {
        o.spec.rules[0].http.paths[0].path = '/relisted';
      });
      await until(
        'a relist of every kind',
        async () => api.callsOf('list').length,
        (n) => n >= listsBefore + 5,
      );
      await waitAnswer(`${name}.example`, '/relisted', 200);
      const convergedMs = Date.now() - started;
      const { requests, failed, firstFailures } = await traffic.stop();
      console.log(
        `410 (${answer}): relisted and converged in ${convergedMs} ms; ${requests} requests meanwhile, ${failed} failed`,
      );
      expect(failed, JSON.stringify(firstFailures)).toBe(0);
      expect(requests).toBeGreaterThan(0);
      expect(convergedMs).toBeLessThan(5000);
      expect(api.callsOf('list').length).toBeGreaterThanOrEqual(listsBefore + 5);
      const status = await controller.status();
      expect(status.synced).toBe(true);
      expect(counts(status).ingresses).toBe(3);
      api.remove('Ingress', NS, name);
      await waitAnswer(`${name}.example`, '/relisted', 404);
    });
  }
});
