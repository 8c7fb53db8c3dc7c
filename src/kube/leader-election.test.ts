import type { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from '../../e2e/support/api-emulator.ts';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import { silentLogger } from '../util/logger.ts';
import { loadKubeConfig } from './kube-config.ts';
import { createLeaderElector, type LeaderElector } from './leader-election.ts';
import { microTime } from './micro-time.ts';
import { waitFor } from '../../test/support/wait-for.ts';

const durations = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 50 };

describe('createLeaderElector against the API emulator', () => {
  let api: ApiEmulator;
  let kubeConfig: KubeConfig;
  let electors: LeaderElector[];
  let log: string[];

  beforeEach(async () => {
    api = await startApiEmulator();
    kubeConfig = loadKubeConfig(writeKubeconfig(api.url))!;
    electors = [];
    log = [];
  });

  afterEach(async () => {
    await Promise.all(electors.map((elector) => elector.stop()));
    await api.close();
  });

  function startElector(identity: string): LeaderElector {
    const created = createLeaderElector({
      kubeConfig,
      log: silentLogger,
      electionId: 'sluice-leader',
      namespace: 'ingress',
      identity,
      ...durations,
      onStartedLeading: () => log.push(`${identity} started`),
      onStoppedLeading: () => log.push(`${identity} stopped`),
    });
    electors.push(created);
    created.start();
    return created;
  }

  const lease = () => api.get('Lease', 'ingress', 'sluice-leader');

  it('elects exactly one of two, and the other takes over fast when the leader stops', async () => {
    const a = startElector('a');
    const b = startElector('b');
    const leader = await waitFor(() => (a.isLeader() ? a : b.isLeader() ? b : null), { what: 'a leader' });
    const follower = leader === a ? b : a;
    // Over many retry periods, never two leaders and never a change of hands.
    const until = Date.now() + 400;
    while (Date.now() < until) {
      expect(leader.isLeader()).toBe(true);
      expect(follower.isLeader()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(lease()?.spec).toMatchObject({
      holderIdentity: leader.identity,
      leaseDurationSeconds: 1,
      leaseTransitions: 0,
    });
    expect(log).toEqual([`${leader.identity} started`]);

    const stoppedAt = Date.now();
    await leader.stop();
    expect(leader.isLeader()).toBe(false);
    await waitFor(() => follower.isLeader(), { what: 'the follower to lead' });
    // Released, not expired: the successor did not wait out the lease.
    expect(Date.now() - stoppedAt).toBeLessThan(durations.leaseDurationMs);
    expect(lease()?.spec).toMatchObject({ holderIdentity: follower.identity, leaseTransitions: 1 });
    expect(log).toEqual([`${leader.identity} started`, `${leader.identity} stopped`, `${follower.identity} started`]);
    expect(api.callsOf('update', 'leases').length).toBeGreaterThan(2);
  });

  it('takes a lease whose holder stopped renewing, once it has been stale for its duration', async () => {
    const now = microTime();
    api.apply({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { namespace: 'ingress', name: 'sluice-leader' },
      spec: {
        holderIdentity: 'crashed',
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 4,
      },
    });
    const startedAt = Date.now();
    const c = startElector('c');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(c.isLeader()).toBe(false);
    await waitFor(() => c.isLeader(), { what: 'c to lead', timeoutMs: 3000 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
    expect(lease()?.spec).toMatchObject({ holderIdentity: 'c', leaseTransitions: 5 });
  });

  it('steps down when it cannot renew within the deadline, and leads again when the API is back', async () => {
    const a = startElector('a');
    await waitFor(() => a.isLeader(), { what: 'a to lead' });
    await api.stop();
    await waitFor(() => !a.isLeader(), { what: 'a to step down', timeoutMs: 3000 });
    expect(log).toEqual(['a started', 'a stopped']);
    await api.restart();
    await waitFor(() => a.isLeader(), { what: 'a to lead again', timeoutMs: 3000 });
    expect(log).toEqual(['a started', 'a stopped', 'a started']);
  });

  it('a lost 409 race leaves the loser a follower', async () => {
    api.failNext(1, 409, { verb: 'create', resource: 'leases' });
    const a = startElector('a');
    await waitFor(() => api.callsOf('create', 'leases').length >= 1, { what: 'a create attempt' });
    expect(a.isLeader()).toBe(false);
    await waitFor(() => a.isLeader(), { what: 'a to lead on a later attempt' });
    expect(api.callsOf('create', 'leases').length).toBe(2);
  });
});
