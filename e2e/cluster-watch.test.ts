// The cluster watch end to end (issue 3): the real controller (`npm start -- --kubeconfig …`) against the API
// emulator. Initial sync; add, update and delete of every kind it watches (IngressClass, Ingress, Service,
// EndpointSlice, TLS Secret) seen in request results and in /api/v1/status; watches closed by the server are
// resumed; a compaction (410 Gone) makes the informers relist and converge without ever serving an empty table.
import { connect as tlsConnect } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiEmulator, type ApiEmulator, type KubeObject } from './support/api-emulator.ts';
import { startController, type ControllerStatus, type RunningController } from './support/controller.ts';
import { removeBackend, setEndpoints, slicesOf, writeBackend, writeService } from './support/endpoint-slices.ts';
import { closeHttpClients, edgeRequest, type EdgeResponse } from './support/http-client.ts';
import { writeKubeconfig } from './support/kubeconfig.ts';
import { startPods, type Pod } from './support/pods.ts';

const NS = 'shop';
const CONTROLLER_CLASS = 'sluice.dev/ingress-controller';
const DEFAULT_CERT_CN = 'sluice default certificate';

let api: ApiEmulator;
let pods: Pod[];
let controller: RunningController;

interface PathSpec {
  path: string;
  service: string;
  pathType?: string;
}

function ingressClass(name: string, controllerClass = CONTROLLER_CLASS): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name }, spec: { controller: controllerClass } };
}

function ingress(name: string, host: string, paths: PathSpec[], extra: { className?: string; tlsSecret?: string } = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { namespace: NS, name },
    spec: {
      ingressClassName: extra.className ?? 'sluice',
      ...(extra.tlsSecret === undefined ? {} : { tls: [{ hosts: [host], secretName: extra.tlsSecret }] }),
      rules: [
        {
          host,
          http: {
            paths: paths.map((p) => ({
              path: p.path,
              pathType: p.pathType ?? 'Prefix',
              backend: { service: { name: p.service, port: { name: 'http' } } },
            })),
          },
        },
      ],
    },
  };
}

async function tlsSecret(name: string, commonName: string, organization: string): Promise<KubeObject> {
  const now = Date.now();
  const pair = await generate(
    [
      { name: 'commonName', value: commonName },
      { name: 'organizationName', value: organization },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now - 60_000),
      notAfterDate: new Date(now + 24 * 3600_000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2 as const, value: commonName }] }],
    },
  );
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { namespace: NS, name },
    data: { 'tls.crt': Buffer.from(pair.cert).toString('base64'), 'tls.key': Buffer.from(pair.private).toString('base64') },
  };
}

/** The certificate the edge serves for an SNI name: subject CN and O. */
function servedCertificate(servername: string): Promise<{ cn: string; o: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: controller.httpsPort, servername, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      const subject = (cert.subject ?? {}) as unknown as Record<string, string | undefined>;
      resolve({ cn: String(subject.CN ?? ''), o: String(subject.O ?? '') });
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('TLS handshake timed out')));
    socket.once('error', reject);
  });
}

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls `probe` every 20 ms until `accept` holds; fails after `timeoutMs` with the last value. */
async function until<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'nothing yet';
  for (;;) {
    try {
      const value = await probe();
      if (accept(value)) return value;
      last = value;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last).slice(0, 600)}\n${controller.outputTail(15)}`);
    }
    await delay(20);
  }
}

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
function waitStatus(what: string, after: number, predicate: (s: ControllerStatus) => boolean): Promise<ControllerStatus> {
  return controller.waitFor((s) => s.generation > after && predicate(s), { what, timeoutMs: 5000 });
}

const problemsOf = (s: ControllerStatus, name: string) => s.problems.filter((p) => p.object.name === name).map((p) => p.code);
const counts = (s: ControllerStatus) => s.counts as { ingresses: number; routes: number; backends: number; endpoints: number };

interface InformerStats {
  name: string;
  synced: boolean;
  objects: number;
  restarts: number;
  lastError: string | null;
}

function informerStats(s: ControllerStatus): InformerStats[] {
  return (s.sources as { detail: { informers: InformerStats[] } }[])[0].detail.informers;
}

async function routedHosts(): Promise<string[]> {
  const response = await fetch(`${controller.adminUrl}/api/v1/routes`, { signal: AbortSignal.timeout(5000) });
  const body = (await response.json()) as { hosts: { host: string }[] };
  return body.hosts.map((h) => h.host);
}

beforeAll(async () => {
  api = await startApiEmulator();
  pods = await startPods(3, { namePrefix: 'web', namespace: NS, service: 'web' });
  const port = pods[0].port;
  api.apply(ingressClass('sluice'));
  writeBackend(api, { namespace: NS, name: 'web', ports: [{ name: 'http', port: 80, targetPort: port }], endpoints: [pods[0]] });
  api.apply(ingress('shop', 'shop.example', [{ path: '/', service: 'web' }]));
  api.apply(await tlsSecret('secure-tls', 'secure.example', 'initial'));
  api.apply(ingress('secure', 'secure.example', [{ path: '/', service: 'web' }], { tlsSecret: 'secure-tls' }));
  controller = await startController(['--kubeconfig', writeKubeconfig(api.url), '--access-log', 'off']);
  await controller.waitReady(30_000);
}, 60_000);

afterAll(async () => {
  await controller?.stop();
  await Promise.all((pods ?? []).map((p) => p.kill()));
  await closeHttpClients();
  await api?.close();
});

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
    expect(informers.map((i) => i.name).sort()).toEqual(['endpointslices', 'ingressclasses', 'ingresses', 'secrets', 'services']);
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
    api.apply(ingress('cart', 'cart.example', [{ path: '/cart', service: 'web' }]));
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
    api.apply(ingress('classy', 'classy.example', [{ path: '/', service: 'web' }], { className: 'sluice-extra' }));
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
    api.apply(ingress('late', 'late.example', [{ path: '/', service: 'late' }]));
    await waitAnswer('late.example', '/', 503); // the route claims its host and answers 503, no fall-through
    let status = await waitStatus('ServiceNotFound on late', generation, (s) => problemsOf(s, 'late').includes('ServiceNotFound'));

    generation = status.generation;
    writeBackend(api, { namespace: NS, name: 'late', ports: [{ name: 'http', port: 80, targetPort: pods[1].port }], endpoints: [pods[1]] });
    await waitAnswer('late.example', '/', 200, 'web-1');
    status = await waitStatus('no problem on late', generation, (s) => problemsOf(s, 'late').length === 0);

    generation = status.generation;
    writeService(api, { namespace: NS, name: 'late', ports: [{ name: 'other', port: 80, targetPort: pods[1].port }] });
    await waitAnswer('late.example', '/', 503);
    status = await waitStatus('ServicePortNotFound on late', generation, (s) => problemsOf(s, 'late').includes('ServicePortNotFound'));

    generation = status.generation;
    writeService(api, { namespace: NS, name: 'late', ports: [{ name: 'http', port: 80, targetPort: pods[1].port }] });
    setEndpoints(api, NS, 'late', [pods[1]]); // slices carry the Service's port names
    await waitAnswer('late.example', '/', 200, 'web-1');
    status = await waitStatus('no problem on late', generation, (s) => problemsOf(s, 'late').length === 0);

    generation = status.generation;
    expect(api.remove('Service', NS, 'late')).toBe(true);
    await waitAnswer('late.example', '/', 503);
    await waitStatus('ServiceNotFound on late again', generation, (s) => problemsOf(s, 'late').includes('ServiceNotFound'));
    removeBackend(api, NS, 'late');
    api.remove('Ingress', NS, 'late');
  });

  test('EndpointSlice: add, update, delete', async () => {
    const port = pods[0].port;
    let generation = (await controller.status()).generation;
    writeService(api, { namespace: NS, name: 'grow', ports: [{ name: 'http', port: 80, targetPort: port }] });
    api.apply(ingress('grow', 'grow.example', [{ path: '/', service: 'grow' }]));
    await waitAnswer('grow.example', '/', 503);
    let status = await waitStatus('NoReadyEndpoints on grow', generation, (s) => problemsOf(s, 'grow').includes('NoReadyEndpoints'));
    const baseEndpoints = counts(status).endpoints;
    expect(slicesOf(api, NS, 'grow')).toEqual([]);

    // add: the first slice appears
    generation = status.generation;
    setEndpoints(api, NS, 'grow', [pods[2]]);
    await waitAnswer('grow.example', '/', 200, 'web-2');
    status = await waitStatus('one more endpoint', generation, (s) => counts(s).endpoints === baseEndpoints + 1 && problemsOf(s, 'grow').length === 0);

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
    await waitStatus('NoReadyEndpoints on grow again', generation, (s) => problemsOf(s, 'grow').includes('NoReadyEndpoints'));
    removeBackend(api, NS, 'grow');
    api.remove('Ingress', NS, 'grow');
  });

  test('TLS Secret: add, update, delete change the certificate served for the host', async () => {
    let generation = (await controller.status()).generation;
    api.apply(ingress('vault', 'vault.example', [{ path: '/', service: 'web' }], { tlsSecret: 'vault-tls' }));
    let status = await waitStatus('TlsSecretNotFound on vault', generation, (s) => problemsOf(s, 'vault').includes('TlsSecretNotFound'));
    expect((await servedCertificate('vault.example')).cn).toBe(DEFAULT_CERT_CN);

    generation = status.generation;
    api.apply(await tlsSecret('vault-tls', 'vault.example', 'first'));
    await until('the first vault certificate', () => servedCertificate('vault.example'), (c) => c.o === 'first');
    status = await waitStatus('no problem on vault', generation, (s) => problemsOf(s, 'vault').length === 0);
    const reply = await edgeRequest(controller.httpsUrl, { host: 'vault.example', timeoutMs: 3000 });
    expect(reply.status).toBe(200);
    expect(reply.json().pod).toBe('web-0');

    generation = status.generation;
    api.apply(await tlsSecret('vault-tls', 'vault.example', 'second'));
    await until('the second vault certificate', () => servedCertificate('vault.example'), (c) => c.o === 'second');
    status = await controller.waitGeneration(generation + 1);

    generation = status.generation;
    expect(api.remove('Secret', NS, 'vault-tls')).toBe(true);
    await until('the default certificate for vault', () => servedCertificate('vault.example'), (c) => c.cn === DEFAULT_CERT_CN);
    await waitStatus('TlsSecretNotFound on vault again', generation, (s) => problemsOf(s, 'vault').includes('TlsSecretNotFound'));
    api.remove('Ingress', NS, 'vault');
    await controller.waitFor((s) => counts(s).ingresses === 2, { what: 'vault gone' });
    // Secrets that are not kubernetes.io/tls are not watched at all (field selector on type). One watch stream
    // delivers in resourceVersion order: once the TLS Secret written after the Opaque one is in, the Opaque one
    // would have been too.
    const secretObjects = async () => informerStats(await controller.status()).find((i) => i.name === 'secrets')?.objects ?? -1;
    const before = await secretObjects();
    api.apply({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { namespace: NS, name: 'opaque' }, data: { a: 'Yg==' } });
    api.apply(await tlsSecret('marker-tls', 'marker.example', 'marker'));
    const after = await until('the marker Secret in the informer', secretObjects, (n) => n >= before + 1);
    expect(after).toBe(before + 1);
    api.remove('Secret', NS, 'opaque');
    api.remove('Secret', NS, 'marker-tls');
  });

  test('watches closed by the server are resumed from their resourceVersion, without a relist', async () => {
    const kinds = ['ingresses', 'ingressclasses', 'services', 'endpointslices', 'secrets'];
    const listsBefore = api.callsOf('list').length;
    const watchesBefore = api.callsOf('watch').length;
    api.closeWatches();
    for (const kind of kinds) await api.waitForWatches(kind, 1, 5000);
    expect(api.callsOf('watch').length).toBeGreaterThanOrEqual(watchesBefore + kinds.length);

    const generation = (await controller.status()).generation;
    api.apply(ingress('resumed', 'resumed.example', [{ path: '/', service: 'web' }]));
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
      const traffic = { stop: false };
      const deadline = Date.now() + 15_000;
      const failures: string[] = [];
      let requests = 0;
      const load = (async () => {
        while (!traffic.stop && Date.now() < deadline) {
          const reply = await get('shop.example');
          requests++;
          if (reply.status !== 200) failures.push(`${reply.status} ${reply.body.slice(0, 80)}`);
        }
      })();

      const started = Date.now();
      const name = `after-410-${answer}`;
      api.apply(ingress(name, `${name}.example`, [{ path: '/', service: 'web' }]));
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
      traffic.stop = true;
      await load;
      console.log(`410 (${answer}): relisted and converged in ${convergedMs} ms; ${requests} requests meanwhile, ${failures.length} failed`);
      expect(failures).toEqual([]);
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
