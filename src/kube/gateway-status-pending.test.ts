import { describe, expect, it } from 'vitest';
import { testOptions } from '../../test/support/routing-build-fixtures.ts';
import { emptyRoutingState } from '../controller/routing-state.ts';
import type { RoutingState } from '../controller/state.ts';
import type { RouteStatus } from '../routing/gateway/types.ts';
import type { KubeObject } from '../routing/types.ts';
import { pendingStatusWrites, type PendingStatusInputs } from './gateway-status-pending.ts';

const CONTROLLER = 'sluice.dev/gateway-controller';
const NOW = '2026-12-07T00:00:00Z';

const accepted = {
  type: 'Accepted',
  status: 'True' as const,
  reason: 'Accepted',
  message: 'ok',
  observedGeneration: 1,
};

function routeStatus(name: string): RouteStatus {
  return Object.freeze({
    kind: 'HTTPRoute',
    namespace: 'apps',
    name,
    generation: 1,
    parents: [
      {
        parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'apps' },
        controllerName: CONTROLLER,
        conditions: [accepted],
      },
    ],
  });
}

function stateWith(routes: RouteStatus[]): RoutingState {
  return {
    ...emptyRoutingState(testOptions),
    gateway: {
      listeners: [],
      endpoints: new Map(),
      status: { gatewayClasses: [], gateways: [], routes },
      problems: [],
    },
  };
}

/** An HTTPRoute that holds `route`'s status already, counting how often its status is read. */
function routeObject(route: RouteStatus, reads: { count: number }): KubeObject {
  const status = {
    parents: route.parents.map((parent) => ({
      ...parent,
      conditions: parent.conditions.map((c) => ({ ...c, lastTransitionTime: NOW })),
    })),
  };
  return {
    kind: 'HTTPRoute',
    metadata: { namespace: 'apps', name: route.name },
    get status() {
      reads.count++;
      return status;
    },
  };
}

describe('pendingStatusWrites with an in-sync memo', () => {
  it('compares a route once while its status data and its object stay the same, again when either changes', () => {
    const reads = { count: 0 };
    const first = routeStatus('a');
    const objects = new Map<string, KubeObject>([['a', routeObject(first, reads)]]);
    const inputs: PendingStatusInputs = {
      find: (_kind, _namespace, name) => objects.get(name),
      addressOf: () => undefined,
      controllerName: CONTROLLER,
      now: () => NOW,
      inSync: new WeakMap(),
    };
    expect(pendingStatusWrites(stateWith([first]), inputs)).toEqual([]);
    const afterFirst = reads.count;
    expect(afterFirst).toBeGreaterThan(0);

    // The same status data, the same object: no compare at all.
    expect(pendingStatusWrites(stateWith([first]), inputs)).toEqual([]);
    expect(reads.count).toBe(afterFirst);

    // A new object (someone wrote the route's status): compared again, and found to need ours back.
    objects.set('a', { kind: 'HTTPRoute', metadata: { namespace: 'apps', name: 'a' }, status: { parents: [] } });
    expect(pendingStatusWrites(stateWith([first]), inputs)).toMatchObject([{ name: 'a' }]);
    // Still out of sync: asked for again on the next pass (nothing was remembered).
    expect(pendingStatusWrites(stateWith([first]), inputs)).toMatchObject([{ name: 'a' }]);

    // New status data (a rebuild) on an object that holds it: compared, nothing to write.
    objects.set('a', routeObject(first, reads));
    const rebuilt = routeStatus('a');
    const before = reads.count;
    expect(pendingStatusWrites(stateWith([rebuilt]), inputs)).toEqual([]);
    expect(reads.count).toBeGreaterThan(before);
  });

  it('without a memo, compares every route on every pass', () => {
    const reads = { count: 0 };
    const route = routeStatus('b');
    const object = routeObject(route, reads);
    const inputs: PendingStatusInputs = {
      find: () => object,
      addressOf: () => undefined,
      controllerName: CONTROLLER,
      now: () => NOW,
    };
    pendingStatusWrites(stateWith([route]), inputs);
    const once = reads.count;
    pendingStatusWrites(stateWith([route]), inputs);
    expect(reads.count).toBe(2 * once);
  });
});
