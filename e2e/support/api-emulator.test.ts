import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator, type KubeObject } from './api-emulator.ts';

interface Reply {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

async function call(
  emulator: ApiEmulator,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<Reply> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text answers (health endpoints) stay text
  }
  return { status: response.status, body: parsed, headers: Object.fromEntries(response.headers) };
}

/** Opens a raw watch and collects its lines; `close()` aborts it. */
function openWatch(emulator: ApiEmulator, path: string) {
  const events: any[] = [];
  let ended = false;
  let statusCode = 0;
  const req = httpRequest(`${emulator.url}${path}`, (res) => {
    statusCode = res.statusCode ?? 0;
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        events.push(JSON.parse(buffer.slice(0, newline)));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    });
    res.on('end', () => {
      ended = true;
    });
  });
  req.on('error', () => {
    ended = true;
  });
  req.end();
  return {
    events,
    ended: () => ended,
    status: () => statusCode,
    close: () => req.destroy(),
  };
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const ingressPath = '/apis/networking.k8s.io/v1/namespaces/default/ingresses';

function ingress(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, labels },
    spec: { rules: [{ host: `${name}.example` }] },
  };
}

describe('api emulator over raw HTTP', () => {
  let emulator: ApiEmulator;

  beforeEach(async () => {
    emulator = await startApiEmulator();
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('creates with uid, creationTimestamp, generation and an increasing resourceVersion', async () => {
    const first = await call(emulator, 'POST', ingressPath, ingress('a'));
    const second = await call(emulator, 'POST', ingressPath, ingress('b'));
    expect(first.status).toBe(201);
    expect(first.body.metadata).toMatchObject({ name: 'a', namespace: 'default', generation: 1 });
    expect(first.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(second.body.metadata.resourceVersion)).toBeGreaterThan(Number(first.body.metadata.resourceVersion));
    const again = await call(emulator, 'POST', ingressPath, ingress('a'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', code: 409 });
    const got = await call(emulator, 'GET', `${ingressPath}/a`);
    expect(got.body).toMatchObject({ kind: 'Ingress', apiVersion: 'networking.k8s.io/v1', metadata: { name: 'a' } });
    expect((await call(emulator, 'GET', `${ingressPath}/nope`)).status).toBe(404);
  });

  it('answers 409 to a PUT with a stale resourceVersion and bumps generation only on spec changes', async () => {
    const created = (await call(emulator, 'POST', ingressPath, ingress('a'))).body;
    const changed = structuredClone(created);
    changed.spec.rules[0].host = 'new.example';
    const updated = await call(emulator, 'PUT', `${ingressPath}/a`, changed);
    expect(updated.status).toBe(200);
    expect(updated.body.metadata.generation).toBe(2);
    const stale = await call(emulator, 'PUT', `${ingressPath}/a`, changed);
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    const labelled = structuredClone(updated.body);
    labelled.metadata.labels = { team: 'x' };
    const relabelled = await call(emulator, 'PUT', `${ingressPath}/a`, labelled);
    expect(relabelled.status).toBe(200);
    expect(relabelled.body.metadata.generation).toBe(2);
  });

  it('keeps status and the rest apart: /status writes change only status, main writes ignore status', async () => {
    await call(emulator, 'POST', ingressPath, ingress('a'));
    const lb = { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } };
    const patched = await call(
      emulator,
      'PATCH',
      `${ingressPath}/a/status`,
      { status: lb, spec: { rules: [] } },
      'application/merge-patch+json',
    );
    expect(patched.status).toBe(200);
    expect(patched.body.status).toEqual(lb);
    expect(patched.body.spec.rules).toHaveLength(1);
    expect(patched.body.metadata.generation).toBe(1);

    const main = structuredClone(patched.body);
    main.status = { loadBalancer: {} };
    main.spec.rules[0].host = 'b.example';
    const put = await call(emulator, 'PUT', `${ingressPath}/a`, main);
    expect(put.body.status).toEqual(lb);
    expect(put.body.spec.rules[0].host).toBe('b.example');

    const statusPut = structuredClone(put.body);
    statusPut.status = { loadBalancer: { ingress: [{ hostname: 'lb.example' }] } };
    statusPut.spec.rules = [];
    const viaStatus = await call(emulator, 'PUT', `${ingressPath}/a/status`, statusPut);
    expect(viaStatus.body.status.loadBalancer.ingress[0].hostname).toBe('lb.example');
    expect(viaStatus.body.spec.rules).toHaveLength(1);

    expect(emulator.calls.filter((c) => c.subresource === 'status').map((c) => c.verb)).toEqual(['patch', 'update']);
    expect((await call(emulator, 'GET', '/apis/networking.k8s.io/v1/ingressclasses/x/status')).status).toBe(404);
  });

  it('applies merge, strategic-merge and JSON patches, with resourceVersion preconditions', async () => {
    await call(emulator, 'POST', ingressPath, {
      ...ingress('a'),
      metadata: { name: 'a', annotations: { keep: '1', drop: '2' } },
    });
    const merged = await call(
      emulator,
      'PATCH',
      `${ingressPath}/a`,
      { metadata: { annotations: { drop: null, added: '3' } } },
      'application/merge-patch+json',
    );
    expect(merged.body.metadata.annotations).toEqual({ keep: '1', added: '3' });
    const strategic = await call(
      emulator,
      'PATCH',
      `${ingressPath}/a`,
      { spec: { ingressClassName: 'sluice' } },
      'application/strategic-merge-patch+json',
    );
    expect(strategic.body.spec).toMatchObject({ ingressClassName: 'sluice', rules: [{ host: 'a.example' }] });
    const json = await call(
      emulator,
      'PATCH',
      `${ingressPath}/a`,
      [
        { op: 'test', path: '/spec/ingressClassName', value: 'sluice' },
        { op: 'replace', path: '/spec/rules/0/host', value: 'j.example' },
        { op: 'add', path: '/metadata/labels', value: { via: 'json-patch' } },
      ],
      'application/json-patch+json',
    );
    expect(json.status).toBe(200);
    expect(json.body.spec.rules[0].host).toBe('j.example');
    expect(json.body.metadata.labels).toEqual({ via: 'json-patch' });
    const failedTest = await call(
      emulator,
      'PATCH',
      `${ingressPath}/a`,
      [{ op: 'test', path: '/spec/ingressClassName', value: 'other' }],
      'application/json-patch+json',
    );
    expect(failedTest.status).toBe(409);
    const stale = await call(
      emulator,
      'PATCH',
      `${ingressPath}/a`,
      { metadata: { resourceVersion: '1' }, spec: { ingressClassName: 'x' } },
      'application/merge-patch+json',
    );
    expect(stale.status).toBe(409);
    expect((await call(emulator, 'PATCH', `${ingressPath}/a`, {}, 'application/apply-patch+yaml')).status).toBe(415);
  });

  it('filters lists by label selector', async () => {
    emulator.apply({
      ...ingress('a', { app: 'web', tier: 'front' }),
      metadata: { name: 'a', namespace: 'default', labels: { app: 'web', tier: 'front' } },
    });
    emulator.apply({ ...ingress('b'), metadata: { name: 'b', namespace: 'default', labels: { app: 'api' } } });
    emulator.apply({ ...ingress('c'), metadata: { name: 'c', namespace: 'other', labels: { app: 'web' } } });
    const names = async (query: string, path = '/apis/networking.k8s.io/v1/ingresses') => {
      const reply = await call(emulator, 'GET', `${path}?${query}`);
      expect(reply.status).toBe(200);
      return reply.body.items.map((i: KubeObject) => i.metadata.name);
    };
    expect(await names('labelSelector=app%3Dweb')).toEqual(['a', 'c']);
    expect(await names('labelSelector=app%3D%3Dweb,tier')).toEqual(['a']);
    expect(await names('labelSelector=app!%3Dweb')).toEqual(['b']);
    expect(await names(`labelSelector=${encodeURIComponent('app in (api, web),!tier')}`)).toEqual(['b', 'c']);
    expect(await names(`labelSelector=${encodeURIComponent('app notin (web)')}`)).toEqual(['b']);
    expect(await names('labelSelector=app%3Dweb', ingressPath)).toEqual(['a']);
    const list = await call(emulator, 'GET', '/apis/networking.k8s.io/v1/ingresses');
    expect(list.body).toMatchObject({ kind: 'IngressList', apiVersion: 'networking.k8s.io/v1' });
    expect(list.body.metadata.resourceVersion).toBe(emulator.resourceVersion());
    expect(list.headers['content-type']).toBe('application/json');
  });

  it('filters by field selector, including type for Secrets, and refuses unsupported fields', async () => {
    emulator.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'tls', namespace: 'a' },
      type: 'kubernetes.io/tls',
    });
    emulator.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'opaque', namespace: 'a' }, type: 'Opaque' });
    emulator.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'tls2', namespace: 'b' },
      type: 'kubernetes.io/tls',
    });
    const names = async (query: string) =>
      (await call(emulator, 'GET', `/api/v1/secrets?fieldSelector=${encodeURIComponent(query)}`)).body.items.map(
        (i: KubeObject) => i.metadata.name,
      );
    expect(await names('type=kubernetes.io/tls')).toEqual(['tls', 'tls2']);
    expect(await names('type!=kubernetes.io/tls')).toEqual(['opaque']);
    expect(await names('metadata.namespace=b')).toEqual(['tls2']);
    expect(await names('metadata.name==tls,type=kubernetes.io/tls')).toEqual(['tls']);
    const bad = await call(emulator, 'GET', '/api/v1/secrets?fieldSelector=spec.x%3D1');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('field label not supported');
  });

  it('streams watch events chunked, replays history from a resourceVersion and honours selectors', async () => {
    const created = emulator.apply({
      ...ingress('a'),
      metadata: { name: 'a', namespace: 'default', labels: { app: 'web' } },
    });
    emulator.apply({ ...ingress('b'), metadata: { name: 'b', namespace: 'default' } });
    const replay = openWatch(emulator, `${ingressPath}?watch=true&resourceVersion=${created.metadata.resourceVersion}`);
    const selected = openWatch(emulator, `${ingressPath}?watch=true&labelSelector=app%3Dweb`);
    await waitUntil(() => replay.events.length === 1 && selected.events.length === 1, 'replay and initial events');
    expect(replay.events[0]).toMatchObject({ type: 'ADDED', object: { kind: 'Ingress', metadata: { name: 'b' } } });
    expect(selected.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });
    expect(replay.status()).toBe(200);

    emulator.modify('Ingress', 'default', 'a', (o) => {
      o.metadata.labels = { app: 'other' };
    });
    await waitUntil(() => selected.events.length === 2 && replay.events.length === 2, 'the label change');
    expect(selected.events[1].type).toBe('DELETED');
    expect(replay.events[1].type).toBe('MODIFIED');
    emulator.remove('Ingress', 'default', 'b');
    await waitUntil(() => replay.events.length === 3, 'the delete');
    expect(replay.events[2]).toMatchObject({
      type: 'DELETED',
      object: { metadata: { name: 'b', resourceVersion: emulator.resourceVersion() } },
    });
    expect(selected.events).toHaveLength(2);
    emulator.closeWatches();
    await waitUntil(() => replay.ended() && selected.ended(), 'the watches to end');
  });

  it('ends a watch after timeoutSeconds, as the API server does', async () => {
    const watch = openWatch(emulator, `${ingressPath}?watch=true&timeoutSeconds=0.05`);
    await emulator.waitForWatches('ingresses');
    await waitUntil(() => watch.ended(), 'the watch to time out');
    expect(emulator.openWatches()).toBe(0);
  });

  it('answers a watch from before compaction with a 410 ERROR event, or HTTP 410 when asked', async () => {
    const old = emulator.apply(ingress('a')).metadata.resourceVersion;
    emulator.compact();
    const expired = openWatch(emulator, `${ingressPath}?watch=true&resourceVersion=${old}`);
    await waitUntil(() => expired.ended(), 'the expired watch to end');
    expect(expired.events).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410 }) }]);
    const fresh = openWatch(emulator, `${ingressPath}?watch=true&resourceVersion=${emulator.resourceVersion()}`);
    await emulator.waitForWatches('ingresses');
    expect(fresh.ended()).toBe(false);
    fresh.close();
    emulator.compact({ answer: 'status' });
    const reply = await call(emulator, 'GET', `${ingressPath}?watch=true&resourceVersion=${old}`);
    expect(reply.status).toBe(410);
    expect(reply.body.reason).toBe('Expired');
  });

  it('injects failures on matching requests only, with a Status body', async () => {
    emulator.failNext(2, 500, { verb: 'list' });
    emulator.failNext(1, 429, (c) => c.resource === 'leases');
    expect((await call(emulator, 'GET', `${ingressPath}/x`)).status).toBe(404);
    const failed = await call(emulator, 'GET', ingressPath);
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ kind: 'Status', status: 'Failure', code: 500 });
    expect((await call(emulator, 'GET', '/api/v1/services')).status).toBe(500);
    expect((await call(emulator, 'GET', '/api/v1/services')).status).toBe(200);
    const limited = await call(emulator, 'GET', '/apis/coordination.k8s.io/v1/namespaces/x/leases/y');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
  });

  it('logs calls with RBAC verbs for namespaced and cluster-scoped resources', async () => {
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'sluice-leader' },
      spec: { holderIdentity: 'me', leaseDurationSeconds: 15 },
    };
    const leases = '/apis/coordination.k8s.io/v1/namespaces/sluice/leases';
    const created = (await call(emulator, 'POST', leases, lease)).body;
    await call(emulator, 'GET', `${leases}/sluice-leader`);
    await call(emulator, 'PUT', `${leases}/sluice-leader`, created);
    await call(emulator, 'POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { generateName: 'x.' },
      reason: 'Bad',
    });
    await call(emulator, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team' },
    });
    await call(emulator, 'GET', '/api/v1/namespaces/team');
    await call(emulator, 'GET', '/api/v1/nodes');
    await call(emulator, 'DELETE', `${leases}/sluice-leader`);
    expect(emulator.calls).toEqual([
      {
        verb: 'create',
        resource: 'leases',
        group: 'coordination.k8s.io',
        subresource: '',
        namespace: 'sluice',
        name: '',
      },
      {
        verb: 'get',
        resource: 'leases',
        group: 'coordination.k8s.io',
        subresource: '',
        namespace: 'sluice',
        name: 'sluice-leader',
      },
      {
        verb: 'update',
        resource: 'leases',
        group: 'coordination.k8s.io',
        subresource: '',
        namespace: 'sluice',
        name: 'sluice-leader',
      },
      { verb: 'create', resource: 'events', group: 'events.k8s.io', subresource: '', namespace: 'default', name: '' },
      { verb: 'create', resource: 'namespaces', group: '', subresource: '', namespace: '', name: '' },
      { verb: 'get', resource: 'namespaces', group: '', subresource: '', namespace: '', name: 'team' },
      { verb: 'list', resource: 'nodes', group: '', subresource: '', namespace: '', name: '' },
      {
        verb: 'delete',
        resource: 'leases',
        group: 'coordination.k8s.io',
        subresource: '',
        namespace: 'sluice',
        name: 'sluice-leader',
      },
    ]);
    expect(emulator.list('events.k8s.io/events', 'default')[0].metadata.name).toMatch(/^x\./);
    expect(emulator.list('Event')).toEqual([]);
    expect(emulator.get('Namespace', undefined, 'team')?.metadata.namespace).toBeUndefined();
  });

  it('restarts on the same port with the same state, and refuses connections while stopped', async () => {
    await call(emulator, 'POST', ingressPath, ingress('a'));
    const port = emulator.port;
    const rv = emulator.resourceVersion();
    await emulator.stop();
    await expect(fetch(`${emulator.url}${ingressPath}`)).rejects.toThrow();
    await emulator.restart();
    expect(emulator.port).toBe(port);
    const list = await call(emulator, 'GET', ingressPath);
    expect(list.body.items.map((i: KubeObject) => i.metadata.name)).toEqual(['a']);
    expect(list.body.metadata.resourceVersion).toBe(rv);
  });

  it('holds requests while paused and answers them on resume', async () => {
    emulator.pause();
    let answered = false;
    const pending = call(emulator, 'GET', ingressPath).then((reply) => {
      answered = true;
      return reply;
    });
    await waitUntil(() => emulator.calls.length === 1, 'the request to arrive');
    expect(answered).toBe(false);
    emulator.resume();
    expect((await pending).status).toBe(200);
  });

  it('serves minimal discovery', async () => {
    expect((await call(emulator, 'GET', '/version')).body.major).toBe('1');
    expect((await call(emulator, 'GET', '/api')).body.versions).toEqual(['v1']);
    const groups = (await call(emulator, 'GET', '/apis')).body.groups.map((g: KubeObject) => g.name);
    expect(groups).toContain('networking.k8s.io');
    const resources = (await call(emulator, 'GET', '/apis/networking.k8s.io/v1')).body.resources.map(
      (r: KubeObject) => r.name,
    );
    expect(resources).toEqual(expect.arrayContaining(['ingresses', 'ingresses/status', 'ingressclasses']));
    expect((await call(emulator, 'GET', '/healthz')).body).toBe('ok');
  });
});
