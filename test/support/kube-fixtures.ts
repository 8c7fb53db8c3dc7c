import type { RoutingState } from '../../src/controller/state.ts';
import type { Problem } from '../../src/routing/types.ts';
import type { Leadership } from '../../src/kube/leadership.ts';

/** A published state carrying only what the sinks read: owned Ingresses and problems. */
export function stateWith(
  ownedIngresses: readonly string[],
  problems: readonly Problem[] = [],
  generation = 1,
): RoutingState {
  return {
    generation,
    builtAt: new Date(0).toISOString(),
    buildMs: 0,
    result: {
      table: { hosts: [], defaultBackend: null },
      endpoints: new Map(),
      tls: { hosts: new Map(), certificates: new Map(), defaultCertificate: null },
      problems,
      ownedIngresses,
    },
    matcher: {
      match: () => null,
      explain: () => ({ host: '', path: '', match: null, hostMatch: 'none', passedOver: [] }),
    },
  };
}

export interface ManualLeadership extends Leadership {
  set(leading: boolean): void;
}

export function manualLeadership(initial: boolean): ManualLeadership {
  let leading = initial;
  const listeners = new Set<(leading: boolean) => void>();
  return {
    isLeader: () => leading,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      leading = next;
      for (const listener of listeners) listener(next);
    },
  };
}
