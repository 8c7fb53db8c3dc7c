import type { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from '../../e2e/support/api-emulator.ts';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import type { Problem } from '../routing/types.ts';
import { silentLogger } from '../util/logger.ts';
import { createEventRecorder, type EventRecorder } from './event-recorder.ts';
import { loadKubeConfig } from './kube-config.ts';
import { manualLeadership, stateWith } from '../../test/support/kube-fixtures.ts';
import { alwaysLeader } from '../../test/support/kube-leadership.ts';
import type { Leadership } from './leadership.ts';

const problem = (
  name: string,
  code: string,
  field = 'spec.rules[0]',
  message = `${code} happened`,
  kind = 'Ingress',
): Problem => ({
  code,
  object: { kind, namespace: 'default', name },
  field,
  message,
});

describe('createEventRecorder against the API emulator', () => {
  let api: ApiEmulator;
  let kubeConfig: KubeConfig;
  let recorder: EventRecorder | null;

  beforeEach(async () => {
    api = await startApiEmulator();
    kubeConfig = loadKubeConfig(writeKubeconfig(api.url))!;
    recorder = null;
  });

  afterEach(async () => {
    await recorder?.stop();
    await api.close();
  });

  function startRecorder(
    leadership: Leadership = alwaysLeader,
    rate: { ratePerSecond?: number; burst?: number } = {},
  ): EventRecorder {
    recorder = createEventRecorder({
      kubeConfig,
      log: silentLogger,
      leadership,
      findIngress: (namespace, name) =>
        name === 'ours' ? { metadata: { namespace, name, uid: 'uid-ours', resourceVersion: '7' } } : undefined,
      reportingInstance: 'test-replica',
      ...rate,
    });
    return recorder;
  }

  const events = () => api.list('events.k8s.io/events', 'default');
  const reasons = () =>
    events()
      .map((event) => event.reason)
      .sort();

  it('posts one Warning per new problem on our Ingresses, none for others, none twice', async () => {
    const sink = startRecorder();
    const first = [
      problem('ours', 'ServiceNotFound', 'spec.rules[0].http.paths[0].backend.service.name', 'Service "web" not found'),
      problem('ours', 'ServiceNotFound', 'spec.rules[0].http.paths[0].backend.service.name', 'Service "web" not found'),
      problem('ours', 'InvalidPath'),
      problem('theirs', 'InvalidPath'),
      problem('web', 'SecretNotFound', 'data', 'no', 'Secret'),
    ];
    sink.published(stateWith(['default/ours', 'default/web'], first));
    await sink.idle();
    expect(reasons()).toEqual(['InvalidPath', 'ServiceNotFound']);
    const missing = events().find((event) => event.reason === 'ServiceNotFound')!;
    expect(missing).toMatchObject({
      type: 'Warning',
      note: 'spec.rules[0].http.paths[0].backend.service.name: Service "web" not found',
      reportingController: 'sluice.dev/ingress-controller',
      reportingInstance: 'test-replica',
      regarding: {
        kind: 'Ingress',
        apiVersion: 'networking.k8s.io/v1',
        namespace: 'default',
        name: 'ours',
        uid: 'uid-ours',
      },
    });
    expect(missing.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    // The same problems again: nothing new. A changed message is a new problem; a fixed one is forgotten.
    sink.published(stateWith(['default/ours'], first, 2));
    await sink.idle();
    expect(events()).toHaveLength(2);
    sink.published(stateWith(['default/ours'], [problem('ours', 'InvalidPath', 'spec.rules[0]', 'worse')], 3));
    await sink.idle();
    expect(events()).toHaveLength(3);
    sink.published(stateWith(['default/ours'], [], 4));
    sink.published(stateWith(['default/ours'], [problem('ours', 'InvalidPath', 'spec.rules[0]', 'worse')], 5));
    await sink.idle();
    expect(events()).toHaveLength(4);
    expect(sink.stats()).toEqual({ emitted: 4, failed: 0, dropped: 0, queued: 0 });
  });

  it('emits nothing as a follower; on becoming leader it reports the problems present, each once', async () => {
    const leadership = manualLeadership(false);
    const sink = startRecorder(leadership);
    sink.published(stateWith(['default/ours'], [problem('ours', 'InvalidPath')]));
    await sink.idle();
    expect(api.callsOf('create', 'events.k8s.io/events')).toHaveLength(0);
    leadership.set(true);
    await sink.idle();
    expect(reasons()).toEqual(['InvalidPath']);
    sink.published(stateWith(['default/ours'], [problem('ours', 'InvalidPath'), problem('ours', 'PortNotFound')], 2));
    await sink.idle();
    expect(reasons().sort()).toEqual(['InvalidPath', 'PortNotFound']);
  });

  it('rate-limits: a burst goes out at once, the rest at the rate', async () => {
    const sink = startRecorder(alwaysLeader, { ratePerSecond: 50, burst: 5 });
    const many = Array.from({ length: 12 }, (_, index) => problem('ours', `Problem${index}`));
    sink.published(stateWith(['default/ours'], many));
    expect(sink.stats().queued).toBe(7);
    await sink.idle();
    expect(events()).toHaveLength(12);
    expect(sink.stats()).toMatchObject({ emitted: 12, queued: 0 });
  });

  it('counts a failed post and carries on', async () => {
    api.failNext(1, 500, { verb: 'create' });
    const sink = startRecorder();
    sink.published(stateWith(['default/ours'], [problem('ours', 'A'), problem('ours', 'B')]));
    await sink.idle();
    expect(sink.stats()).toMatchObject({ emitted: 1, failed: 1 });
    expect(events()).toHaveLength(1);
  });
});
