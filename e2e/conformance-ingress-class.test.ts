/**
 * Conformance feature `ingress_class` (kubernetes-sigs/ingress-controller-conformance, features/ingress_class.feature)
 * through the real binary: an Ingress is ours by `ingressClassName` naming an IngressClass of our controller, by the
 * legacy `kubernetes.io/ingress.class` annotation, or (with no class at all) when our IngressClass is the default
 * class. Another controller's class, an unknown class or another legacy class value is never ours: no routes, no
 * status write, no events. routing-semantics §1 and §7.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEmulator } from './support/api-emulator.ts';
import type { RunningController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';
import type { EchoReply } from './support/pods.ts';
import {
  PUBLISHED_ADDRESS,
  conformancePath as pathRule,
  ingress,
  ingressClass,
  ingressStatusAddresses,
  routesOf,
  startConformance,
  tableHosts,
  waitIngressStatus,
  waitRoutes,
  type IngressOptions,
  type Scenario,
} from './fixtures.ts';

const NS = 'conformance-ingress-class';
const LEGACY = 'kubernetes.io/ingress.class';

let scenario: Scenario;
let api: ApiEmulator;
let controller: RunningController;

function simple(name: string, host: string, options: IngressOptions) {
  return ingress(
    NS,
    name,
    { rules: [{ host, http: { paths: [pathRule('/', 'Prefix', 'ingress-class-prefix')] } }] },
    options,
  );
}

/** Ingresses that must never be ours, whatever happens in this file. */
const NEVER_OURS = ['test-ingress-class', 'other-controller', 'other-legacy-class'];

beforeAll(async () => {
  scenario = await startConformance(NS, { 'ingress-class-prefix': 1 }, [
    ingressClass('other', { controller: 'example.com/other-controller' }),
    // The suite's Ingress: a class name that names no IngressClass.
    simple('test-ingress-class', 'ingress-class', { className: 'some-invalid-class-name' }),
    simple('other-controller', 'other-controller.example', { className: 'other' }),
    simple('other-legacy-class', 'other-legacy.example', { className: null, annotations: { [LEGACY]: 'nginx' } }),
    simple('by-class-name', 'by-class-name.example', {}),
    simple('by-legacy-annotation', 'by-legacy.example', { className: null, annotations: { [LEGACY]: 'sluice' } }),
    simple('no-class', 'no-class.example', { className: null }),
  ]);
  ({ api, controller } = scenario);
});

afterAll(() => scenario?.close());

/** The Service that answered a request for `host`, or the status code when it was not a 200. */
async function routedTo(host: string): Promise<string | number> {
  const reply = await edgeRequest(controller.httpUrl, { host });
  return reply.status === 200 ? reply.json<EchoReply>().service : reply.status;
}

async function expectRouted(host: string): Promise<void> {
  expect(await routedTo(host), host).toBe('ingress-class-prefix');
}

async function expectNotRouted(host: string): Promise<void> {
  expect(await routedTo(host), host).toBe(404);
}

/** Names of Ingresses that got a status write (update or patch on ingresses/status) over HTTP. */
function statusWrites(): string[] {
  return api.calls
    .filter(
      (c) => c.resource === 'ingresses' && c.subresource === 'status' && (c.verb === 'patch' || c.verb === 'update'),
    )
    .map((c) => c.name ?? '');
}

/** Names of objects any Event (core or events.k8s.io) in the namespace is about. */
function eventSubjects(): string[] {
  const core = api.list('events', NS).map((e) => e.involvedObject?.name);
  const modern = api.list('events.k8s.io/events', NS).map((e) => e.regarding?.name);
  return [...core, ...modern].filter((name): name is string => typeof name === 'string');
}

describe('conformance ingress_class', () => {
  it('by ingressClassName and by legacy annotation: routed, status written', async () => {
    expect(await waitIngressStatus(api, NS, 'by-class-name')).toEqual([PUBLISHED_ADDRESS]);
    expect(await waitIngressStatus(api, NS, 'by-legacy-annotation')).toEqual([PUBLISHED_ADDRESS]);
    await expectRouted('by-class-name.example');
    await expectRouted('by-legacy.example');
    const status = await controller.status();
    expect(status.counts).toMatchObject({ ingresses: 2 });
  });

  it("an invalid class, another controller's class, another legacy class and no class (no default): ignored", async () => {
    // Our own Ingresses have their status already (previous test or wait here), so the build saw everything.
    await waitIngressStatus(api, NS, 'by-class-name');
    for (const host of ['ingress-class', 'other-controller.example', 'other-legacy.example', 'no-class.example']) {
      await expectNotRouted(host);
    }
    const hosts = tableHosts(await routesOf(controller));
    expect(hosts.sort()).toEqual(['by-class-name.example', 'by-legacy.example']);
    // The suite's check: the status does not contain the IP address. And nothing was written or reported on them.
    for (const name of [...NEVER_OURS, 'no-class']) expect(ingressStatusAddresses(api, NS, name), name).toEqual([]);
    const writes = statusWrites();
    console.log('ingress_class: status writes by Ingress', writes);
    expect(writes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(writes)).toEqual(new Set(['by-class-name', 'by-legacy-annotation']));
    for (const name of [...NEVER_OURS, 'no-class']) expect(eventSubjects()).not.toContain(name);
  });

  it('our IngressClass becoming the default class adopts the Ingress without a class, and only that one', async () => {
    api.apply(ingressClass('sluice', { isDefault: true }));
    await waitRoutes(controller, (r) => tableHosts(r).includes('no-class.example'), 'no-class.example in the table');
    await expectRouted('no-class.example');
    expect(await waitIngressStatus(api, NS, 'no-class')).toEqual([PUBLISHED_ADDRESS]);
    for (const host of ['ingress-class', 'other-controller.example', 'other-legacy.example'])
      await expectNotRouted(host);
    for (const name of NEVER_OURS) expect(ingressStatusAddresses(api, NS, name), name).toEqual([]);
    expect(new Set(statusWrites())).toEqual(new Set(['by-class-name', 'by-legacy-annotation', 'no-class']));
    for (const name of NEVER_OURS) expect(eventSubjects()).not.toContain(name);
  });

  it("an Ingress moved to another controller's class stops routing", async () => {
    expect(await routedTo('by-class-name.example')).toBe('ingress-class-prefix');
    api.modify('Ingress', NS, 'by-class-name', (object) => {
      object.spec.ingressClassName = 'other';
    });
    await waitRoutes(controller, (r) => !tableHosts(r).includes('by-class-name.example'), 'by-class-name.example gone');
    expect(await routedTo('by-class-name.example')).toBe(404);
    // The others are untouched.
    expect(await routedTo('by-legacy.example')).toBe('ingress-class-prefix');
    expect(await routedTo('no-class.example')).toBe('ingress-class-prefix');
  });
});
