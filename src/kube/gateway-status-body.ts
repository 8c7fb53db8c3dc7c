// The status bodies the Gateway API status writer wants on the objects, from the core's status data:
// lastTransitionTime kept while a condition's status holds, addresses from the edge, other controllers'
// route parents left as they are. Pure (the clock is passed in).
import type { Condition, GatewayClassStatus, GatewayStatus, RouteStatus } from '../routing/gateway/types.ts';
import type { KubeObject } from '../routing/types.ts';

/** What the edge says of a Gateway's address and listeners (GatewayListenerManager). */
export interface GatewayAddressInfo {
  readonly address: string | null;
  readonly problem: string | null;
  /** The Gateway's requested addresses cannot be used. */
  readonly unusable?: boolean;
  /** Ports that could not be served, with why. */
  readonly failures: readonly string[];
  /** status.addresses from the Gateway's provisioned Service (instead of `address`), when there is one. */
  readonly addresses?: readonly { readonly type: string; readonly value: string }[];
}

type Timed = Condition & { readonly lastTransitionTime: string };

function oldConditions(status: unknown): readonly Record<string, unknown>[] {
  const conditions = (status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(conditions) ? conditions : [];
}

/** Keeps the old lastTransitionTime while type and status are unchanged (the API's convention). */
export function timed(conditions: readonly Condition[], oldStatus: unknown, now: string): Timed[] {
  const old = oldConditions(oldStatus);
  return conditions.map((condition) => {
    const before = old.find((c) => c.type === condition.type);
    const keep =
      before !== undefined && before.status === condition.status && typeof before.lastTransitionTime === 'string';
    return { ...condition, lastTransitionTime: keep ? (before.lastTransitionTime as string) : now };
  });
}

export function gatewayClassBody(status: GatewayClassStatus, object: KubeObject, now: string): Record<string, unknown> {
  return {
    conditions: timed(status.conditions, object.status, now),
    supportedFeatures: status.supportedFeatures,
  };
}

export function gatewayBody(
  status: GatewayStatus,
  object: KubeObject,
  info: GatewayAddressInfo | undefined,
  now: string,
): Record<string, unknown> {
  const conditions = status.conditions.map((condition) => {
    if (condition.type !== 'Programmed' || condition.status !== 'True' || info === undefined) return condition;
    if (info.address === null) {
      return {
        ...condition,
        status: 'False' as const,
        reason: info.unusable === true ? 'AddressNotUsable' : 'AddressNotAssigned',
        message: info.problem ?? 'no address',
      };
    }
    if (info.failures.length > 0) {
      return { ...condition, status: 'False' as const, reason: 'Invalid', message: info.failures.join('; ') };
    }
    return condition;
  });
  const oldListeners = (object.status as { listeners?: unknown } | undefined)?.listeners;
  const listeners = status.listeners.map((listener) => {
    const before = Array.isArray(oldListeners) ? oldListeners.find((l) => l?.name === listener.name) : undefined;
    return { ...listener, conditions: timed(listener.conditions, before, now) };
  });
  return {
    conditions: timed(conditions, object.status, now),
    listeners,
    addresses: statusAddresses(info),
  };
}

function statusAddresses(info: GatewayAddressInfo | undefined): readonly object[] | null {
  if (info?.addresses !== undefined) return info.addresses.length > 0 ? info.addresses : null;
  const address = info?.address ?? null;
  const published = address !== null && address !== '0.0.0.0' && address !== '::';
  return published ? [{ type: 'IPAddress', value: address }] : null;
}

/** status.parents: ours replaced, other controllers' kept in place. */
export function routeBody(
  status: RouteStatus,
  object: KubeObject,
  controllerName: string,
  now: string,
): Record<string, unknown> {
  const oldParents = (object.status as { parents?: unknown } | undefined)?.parents;
  const old = Array.isArray(oldParents) ? (oldParents as Record<string, unknown>[]) : [];
  const others = old.filter((parent) => parent?.controllerName !== controllerName);
  const ours = status.parents.map((parent) => {
    const before = old.find(
      (p) => p?.controllerName === controllerName && sameParentRef(p.parentRef, parent.parentRef),
    );
    return { ...parent, conditions: timed(parent.conditions, before, now) };
  });
  return { parents: [...others, ...ours] };
}

function sameParentRef(a: unknown, b: object): boolean {
  return JSON.stringify(normalRef(a)) === JSON.stringify(normalRef(b));
}

function normalRef(ref: unknown): unknown[] {
  const r = (ref ?? {}) as Record<string, unknown>;
  return [
    r.group ?? 'gateway.networking.k8s.io',
    r.kind ?? 'Gateway',
    r.namespace ?? '',
    r.name,
    r.sectionName ?? null,
    r.port ?? null,
  ];
}

/** True when `wanted` (a status body) equals what the object holds, ignoring field order. */
export function sameStatus(wanted: Record<string, unknown>, object: KubeObject): boolean {
  const current = (object.status ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(wanted)) {
    if (stable(value ?? undefined) !== stable(current[key] ?? undefined)) return false;
  }
  return true;
}

function stable(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
          )
        : v,
    ) ?? 'undefined'
  );
}
