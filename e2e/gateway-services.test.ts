import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { pollUntil, startScenario, type Scenario } from './fixtures.ts';
import type { KubeObject } from './support/api-emulator.ts';
import { freePorts, REPO_ROOT } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';

// In a cluster without --gateway-address-pool the leader provisions one Service per Gateway (issue 14 item 3):
// selecting the sluice pods by its own Pod's labels, each listener port mapped to a container port from
// --gateway-container-ports that every replica serves; status.addresses comes from the Service.

const V1 = 'gateway.networking.k8s.io/v1';
const NS = 'sluice';
const OWNER_LABEL = 'gateway.sluice.dev/controller';
const POD_LABELS = {
  'app.kubernetes.io/name': 'sluice',
  'app.kubernetes.io/component': 'controller',
  'pod-template-hash': '5d8f9c7b6',
};

let scenario: Scenario;
let containerPort: number;

const gateway: KubeObject = {
  apiVersion: V1,
  kind: 'Gateway',
  metadata: { namespace: NS, name: 'edge' },
  spec: {
    gatewayClassName: 'sluice',
    listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }],
  },
};

beforeAll(async () => {
  // The container port is picked with the listeners' ports, so that it is none of them (the controller refuses
  // a range holding one).
  const [httpPort, httpsPort, adminPort, gatewayPort] = await freePorts(4);
  containerPort = gatewayPort;
  scenario = await startScenario({
    namespace: NS,
    backends: { web: 1 },
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace: NS, name: 'sluice-5d8f9c7b6-x2k4p', labels: POD_LABELS },
      },
      {
        apiVersion: V1,
        kind: 'GatewayClass',
        metadata: { name: 'sluice' },
        spec: { controllerName: 'sluice.dev/gateway-controller' },
      },
    ],
    args: [
      '--http-port',
      String(httpPort),
      '--https-port',
      String(httpsPort),
      '--admin-port',
      String(adminPort),
      '--gateway-container-ports',
      `${containerPort}-${containerPort}`,
      '--gateway-api-recheck',
      '200ms',
    ],
    env: { POD_NAME: 'sluice-5d8f9c7b6-x2k4p', POD_NAMESPACE: NS },
  });
  scenario.api.installGatewayApi();
}, 60_000);

afterAll(() => scenario?.close());

function ownedServices(): KubeObject[] {
  return scenario.api.list('Service', NS).filter((s) => s.metadata.labels?.[OWNER_LABEL] !== undefined);
}

const waitFor = <T>(what: string, probe: () => T | undefined | false) =>
  pollUntil(
    what,
    async () => probe(),
    (value) => value !== undefined && value !== false,
    { timeoutMs: 30_000, everyMs: 50 },
  ) as Promise<T>;

describe('a Service per Gateway in a cluster', () => {
  it('provisions it, publishes its load balancer address, serves the container port, and deletes it with the Gateway', async () => {
    const { api } = scenario;
    const stored = api.apply(gateway);
    api.apply({
      apiVersion: V1,
      kind: 'HTTPRoute',
      metadata: { namespace: NS, name: 'web' },
      spec: { parentRefs: [{ name: 'edge' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
    });

    const service = await waitFor('the Gateway Service', () => ownedServices()[0]);
    expect(service.spec.type).toBe('LoadBalancer');
    // The pod's labels without the per-revision one, so a rolling update keeps both ReplicaSets' pods.
    expect(service.spec.selector).toEqual({
      'app.kubernetes.io/name': 'sluice',
      'app.kubernetes.io/component': 'controller',
    });
    expect(service.spec.ports).toEqual([{ name: 'port-80', protocol: 'TCP', port: 80, targetPort: containerPort }]);
    expect(service.metadata.ownerReferences).toEqual([
      { apiVersion: V1, kind: 'Gateway', name: 'edge', uid: stored.metadata.uid, controller: true },
    ]);

    // Before the load balancer answers: the clusterIP.
    const addresses = () => api.get('Gateway', NS, 'edge')?.status?.addresses;
    await waitFor('the clusterIP on the Gateway', () => addresses()?.[0]?.value === service.spec.clusterIP);
    api.modify('Service', NS, service.metadata.name, (s) => {
      s.status = { loadBalancer: { ingress: [{ ip: '127.0.0.77' }, { hostname: 'edge.lb.example' }] } };
    });
    await waitFor('the load balancer address on the Gateway', () => addresses()?.[0]?.value === '127.0.0.77');
    expect(addresses()).toEqual([
      { type: 'IPAddress', value: '127.0.0.77' },
      { type: 'Hostname', value: 'edge.lb.example' },
    ]);
    const programmed = api
      .get('Gateway', NS, 'edge')
      ?.status?.conditions?.find((c: { type: string }) => c.type === 'Programmed');
    expect(programmed?.status).toBe('True');

    // The replica serves the listener on the container port the Service maps port 80 to.
    const reply = await pollUntil(
      'an answer on the container port',
      () => edgeRequest(`http://127.0.0.1:${containerPort}`, { host: 'any.example', path: '/' }).catch(() => null),
      (r) => r?.status === 200,
      { timeoutMs: 30_000, everyMs: 100 },
    );
    expect(reply?.json().service).toBe('web');

    // A second replica (not the leader) serves the same container port, read from the Service the leader wrote.
    const replica = await scenario.startController(
      [
        '--bind-address',
        '127.0.0.2',
        '--gateway-container-ports',
        `${containerPort}-${containerPort}`,
        '--gateway-api-recheck',
        '200ms',
      ],
      { POD_NAME: 'sluice-5d8f9c7b6-r2', POD_NAMESPACE: NS },
    );
    await replica.waitReady(30_000);
    const fromReplica = await pollUntil(
      'an answer from the second replica',
      () => edgeRequest(`http://127.0.0.2:${containerPort}`, { host: 'any.example', path: '/' }).catch(() => null),
      (r) => r?.status === 200,
      { timeoutMs: 30_000, everyMs: 100 },
    );
    expect(fromReplica?.json().service).toBe('web');
    expect((await replica.status()).leader).toBe(false);

    api.remove('Gateway', NS, 'edge');
    await waitFor('the Service deleted', () => ownedServices().length === 0);
    const deletes = api.callsOf('delete', 'services');
    expect(deletes.map((c) => c.name)).toEqual([service.metadata.name]);
    // The listener closes with its Gateway, on every replica.
    for (const host of ['127.0.0.1', '127.0.0.2']) {
      await pollUntil(
        `the container port closed on ${host}`,
        () =>
          edgeRequest(`http://${host}:${containerPort}`, { host: 'any.example', timeoutMs: 1000 }).then(
            () => false,
            () => true,
          ),
        (closed) => closed,
        { timeoutMs: 30_000, everyMs: 100 },
      );
    }
  }, 90_000);

  // Gateway API's spec.infrastructure.parametersRef (apis/v1/gateway_types.go): a ConfigMap of sluice parameters.
  it('takes the Service type from a parametersRef ConfigMap and follows a change to it', async () => {
    const { api } = scenario;
    const parameters = (serviceType: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: NS, name: 'edge-params' },
      data: { serviceType },
    });
    api.apply(parameters('NodePort'));
    api.apply({
      ...gateway,
      metadata: { namespace: NS, name: 'params' },
      spec: {
        ...gateway.spec,
        infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: 'edge-params' } },
      },
    });
    const service = await waitFor('the NodePort Service', () =>
      ownedServices().find((s) => s.spec.type === 'NodePort'),
    );
    expect(service.metadata.annotations?.['gateway.sluice.dev/gateway']).toBe(`${NS}/params`);
    const accepted = () =>
      api.get('Gateway', NS, 'params')?.status?.conditions?.find((c: { type: string }) => c.type === 'Accepted');
    expect(accepted()?.status).toBe('True');

    api.apply(parameters('ClusterIP'));
    await waitFor('the Service turned ClusterIP', () => ownedServices()[0]?.spec.type === 'ClusterIP');
    expect(ownedServices().map((s) => s.metadata.name)).toEqual([service.metadata.name]);

    // A bad value: the Gateway is not accepted (InvalidParameters), so it is not served and its Service goes.
    api.apply(parameters('ExternalName'));
    await waitFor('InvalidParameters', () => accepted()?.reason === 'InvalidParameters');
    await waitFor('the Service deleted', () => ownedServices().length === 0);
    api.remove('Gateway', NS, 'params');
  }, 60_000);

  it('every Service and Pod call it made is granted by the gateway-api overlay, and no other Service is touched', () => {
    const text = execFileSync('kubectl', ['kustomize', resolve(REPO_ROOT, 'manifests/overlays/gateway-api')], {
      encoding: 'utf8',
    });
    const rules = parseAllDocuments(text)
      .map((d) => d.toJS())
      .filter((o) => (o?.kind === 'ClusterRole' || o?.kind === 'Role') && o.metadata.name.startsWith('sluice'))
      .flatMap((o) => o.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]);
    const granted = (resource: string, verb: string) =>
      rules.some((r) => r.apiGroups.includes('') && r.resources.includes(resource) && r.verbs.includes(verb));
    const calls = scenario.api.calls.filter(
      (c) => c.group === '' && (c.resource === 'services' || c.resource === 'pods'),
    );
    const writes = calls.filter((c) => !['list', 'watch'].includes(c.verb));
    expect([...new Set(writes.map((c) => `${c.verb} ${c.resource}`))].sort()).toEqual([
      'create services',
      'delete services',
      'get pods',
      'update services',
    ]);
    for (const call of calls) expect(granted(call.resource, call.verb), `${call.verb} ${call.resource}`).toBe(true);
    // Writes only in the controller's namespace, never to the backend Service.
    expect(new Set(writes.map((c) => c.namespace))).toEqual(new Set([NS]));
    expect(writes.some((c) => c.name === 'web')).toBe(false);
  });
});
