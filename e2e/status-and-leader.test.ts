// Ingress status and leader election end to end (issue 3, routing-semantics §7): the real controller with
// --publish-status-address against the API emulator. Status goes to our Ingresses only, and only once their
// routes answer; with two replicas exactly one (the Lease holder) writes, and the other takes over within 20 s
// after the leader is SIGKILLed (Lease 15 s, retry 2 s).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiEmulator, KubeObject } from './support/api-emulator.ts';
import type { ControllerStatus, RunningController } from './support/controller.ts';
import {
  hostIngress,
  ingressClass,
  ingressStatusAddresses,
  pollUntil,
  startScenario,
  tryEdge as get,
  type Scenario,
} from './fixtures.ts';

const NS = 'status';
const LEASE_NAMESPACE = 'sluice-system';
const ELECTION_ID = 'e2e-status-leader';
const ADDRESS_A = '127.0.0.11';
const ADDRESS_B = '127.0.0.12';
const FOREIGN_STATUS = { loadBalancer: { ingress: [{ ip: '127.0.0.99' }] } };

let scenario: Scenario;
let api: ApiEmulator;
let replicaA: RunningController;

function ingress(
  name: string,
  host: string,
  className: string | null,
  options: { status?: KubeObject; annotations?: Record<string, string> } = {},
): KubeObject {
  return hostIngress(NS, name, host, 'web', { className, ...options });
}

/** A replica's flags and environment: its own status address, the shared election. */
function replica(identity: string, address: string) {
  return {
    args: ['--publish-status-address', address, '--election-id', ELECTION_ID],
    env: { POD_NAME: identity, POD_NAMESPACE: LEASE_NAMESPACE },
  };
}

const statusIps = (name: string): string[] => ingressStatusAddresses(api, NS, name);
const statusWrites = (name: string) =>
  api.calls.filter((c) => c.resource === 'ingresses' && c.subresource === 'status' && c.name === name);
const leaseHolder = (): string | undefined => api.get('Lease', LEASE_NAMESPACE, ELECTION_ID)?.spec?.holderIdentity;
const writerStats = (s: ControllerStatus) =>
  (s.sources as { detail: { status: { writes: number; failures: number } | null } }[])[0].detail.status;

const until = <T>(
  what: string,
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs: number,
  everyMs = 20,
): Promise<T> => pollUntil(what, probe, accept, { timeoutMs, everyMs });

beforeAll(async () => {
  scenario = await startScenario({
    namespace: NS,
    backends: { web: 1 },
    objects: [
      ingressClass('other', { controller: 'example.com/other-controller' }),
      ingress('ours', 'ours.example', 'sluice'),
      ingress('legacy', 'legacy.example', null, { annotations: { 'kubernetes.io/ingress.class': 'sluice' } }),
      ingress('theirs', 'theirs.example', 'other', { status: FOREIGN_STATUS }),
      ingress('unclassed', 'unclassed.example', null),
      ingress('ghost', 'ghost.example', 'no-such-class'),
    ],
    ...replica('sluice-a', ADDRESS_A),
  });
  ({ api, controller: replicaA } = scenario);
}, 60_000);

afterAll(() => scenario?.close());

describe('Ingress status and leader election', () => {
  test('status is written on our Ingresses only', async () => {
    await until('the Lease held by sluice-a', leaseHolder, (h) => h === 'sluice-a', 10_000);
    await until(
      'status on ours and legacy',
      () => [statusIps('ours'), statusIps('legacy')],
      (v) => v.every((ips) => ips.join() === ADDRESS_A),
      10_000,
    );
    const status = await replicaA.status();
    expect(status.leader).toBe(true);
    expect(writerStats(status)?.writes).toBe(2);
    expect(statusIps('theirs')).toEqual(['127.0.0.99']);
    expect(statusIps('unclassed')).toEqual([]);
    expect(statusIps('ghost')).toEqual([]);
    for (const name of ['theirs', 'unclassed', 'ghost']) expect(statusWrites(name), name).toEqual([]);
    expect(statusWrites('ours')).toHaveLength(1);
    expect((await get(replicaA, 'theirs.example'))?.status).toBe(404);
  });

  test('status is written only once the Ingress routes answer', async () => {
    const written = statusWrites('fresh').length;
    expect(written).toBe(0);
    const started = Date.now();
    api.apply(ingress('fresh', 'fresh.example', 'sluice'));
    // Watch the emulator's copy closely; the moment status appears, the route must already answer.
    await until(
      'status on fresh',
      () => statusIps('fresh'),
      (ips) => ips.length > 0,
      10_000,
      1,
    );
    const statusMs = Date.now() - started;
    const reply = await get(replicaA, 'fresh.example');
    console.log(
      `status on a new Ingress written ${statusMs} ms after the API write; the route answered ${reply?.status}`,
    );
    expect(reply?.status).toBe(200);
    expect(reply?.json().pod).toBe('web-0');
    expect(statusIps('fresh')).toEqual([ADDRESS_A]);
    expect(statusMs).toBeLessThan(5000);
    // Writes happen only when the value differs: an unrelated change to the Ingress writes nothing.
    api.modify('Ingress', NS, 'fresh', (o) => {
      o.metadata.labels = { touched: 'yes' };
    });
    api.apply(ingress('fresh-marker', 'fresh-marker.example', 'sluice'));
    await until(
      'status on fresh-marker',
      () => statusIps('fresh-marker'),
      (ips) => ips.length > 0,
      10_000,
    );
    expect(statusWrites('fresh')).toHaveLength(1);
  });

  test('two replicas: only the Lease holder writes; the other takes over within 20 s of a SIGKILL', async () => {
    const { args, env } = replica('sluice-b', ADDRESS_B);
    const b = await scenario.startController(args, env);
    await b.waitReady(30_000);
    api.apply(ingress('shared', 'shared.example', 'sluice'));
    // Both replicas serve the new Ingress; only A (the leader) writes its address.
    await until(
      'shared.example on both replicas',
      async () => [(await get(replicaA, 'shared.example'))?.status, (await get(b, 'shared.example'))?.status],
      (v) => v.every((s) => s === 200),
      10_000,
    );
    await until(
      'status on shared',
      () => statusIps('shared'),
      (ips) => ips.length > 0,
      10_000,
    );
    // B published a table with "shared" (it answers it), so a writing B would have written by the time A's
    // write and B's next build are in. Make B build once more and look again.
    const bGeneration = (await b.status()).generation;
    api.apply(ingress('shared-2', 'shared-2.example', 'sluice'));
    await b.waitGeneration(bGeneration + 1);
    await until(
      'status on shared-2',
      () => statusIps('shared-2'),
      (ips) => ips.length > 0,
      10_000,
    );
    const [statusA, statusB] = await Promise.all([replicaA.status(), b.status()]);
    expect(leaseHolder()).toBe('sluice-a');
    expect([statusA.leader, statusB.leader]).toEqual([true, false]);
    expect(writerStats(statusB)?.writes).toBe(0);
    expect(writerStats(statusA)?.writes).toBeGreaterThanOrEqual(5);
    for (const name of ['ours', 'legacy', 'fresh', 'shared', 'shared-2'])
      expect(statusIps(name), name).toEqual([ADDRESS_A]);
    expect(statusWrites('shared')).toHaveLength(1);

    // Kill the leader without letting it release the Lease: the successor must wait out the expiry.
    const killedAt = Date.now();
    await replicaA.kill();
    const takeover = await b.waitFor((s) => s.leader === true, { what: 'sluice-b leading', timeoutMs: 22_000 });
    const leadingMs = Date.now() - killedAt;
    await until(
      'status rewritten with B address',
      () => ['ours', 'shared', 'shared-2'].map(statusIps),
      (v) => v.every((ips) => ips.join() === ADDRESS_B),
      10_000,
    );
    const rewrittenMs = Date.now() - killedAt;
    const reply = await get(b, 'shared.example');
    console.log(
      `leader SIGKILLed: sluice-b leads after ${leadingMs} ms, status rewritten after ${rewrittenMs} ms; lease holder ${leaseHolder()}`,
    );
    expect(takeover.leader).toBe(true);
    expect(leaseHolder()).toBe('sluice-b');
    expect(leadingMs).toBeLessThan(20_000);
    expect(leadingMs).toBeGreaterThan(5_000); // it did wait for the Lease to expire (15 s after the last renewal seen)
    expect(rewrittenMs).toBeLessThan(22_000);
    expect(reply?.status).toBe(200);
    expect(writerStats(await b.status())?.writes).toBeGreaterThanOrEqual(5);
    expect(statusIps('theirs')).toEqual(['127.0.0.99']);
  }, 90_000);
});
