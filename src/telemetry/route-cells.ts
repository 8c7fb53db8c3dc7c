import type { RoutingState } from '../controller/state.ts';
import type { BackendKey } from '../routing/types.ts';
import { DURATION_BUCKETS_SECONDS } from './duration-buckets.ts';
import { RollingWindow } from './rolling-window.ts';

export const DURATION_BUCKET_COUNT = DURATION_BUCKETS_SECONDS.length + 1;

/** Everything counted for one (namespace, ingress, service): plain numbers, bumped per request. */
export class RouteCell {
  readonly namespace: string;
  readonly ingress: string;
  readonly service: string;
  readonly labels: Readonly<Record<string, string>>;
  /** By methodIndex * CODE_SPAN + status code. */
  readonly requestCounts = new Map<number, number>();
  readonly durationCounts = new Float64Array(DURATION_BUCKET_COUNT);
  durationSum = 0;
  readonly window = new RollingWindow();

  constructor(namespace: string, ingress: string, service: string) {
    this.namespace = namespace;
    this.ingress = ingress;
    this.service = service;
    this.labels = Object.freeze({ namespace, ingress, service });
  }
}

/** The cells by namespace → ingress → service: nested maps, so a lookup builds no key string. */
export class RouteCells {
  private readonly cells = new Map<string, Map<string, Map<string, RouteCell>>>();

  cellFor(namespace: string, ingress: string, service: string): RouteCell {
    let byIngress = this.cells.get(namespace);
    if (byIngress === undefined) this.cells.set(namespace, (byIngress = new Map()));
    let byService = byIngress.get(ingress);
    if (byService === undefined) byIngress.set(ingress, (byService = new Map()));
    let cell = byService.get(service);
    if (cell === undefined) byService.set(service, (cell = new RouteCell(namespace, ingress, service)));
    return cell;
  }

  forEach(visit: (cell: RouteCell) => void): void {
    for (const byIngress of this.cells.values()) {
      for (const byService of byIngress.values()) for (const cell of byService.values()) visit(cell);
    }
  }

  /** Forgets cells of routes gone from the table once they have been idle for a minute (bounds memory). */
  prune(state: RoutingState, nowMs: number): void {
    const live = liveRouteKeys(state);
    for (const [namespace, byIngress] of this.cells) {
      for (const [ingress, byService] of byIngress) {
        for (const [service, cell] of byService) {
          if (namespace === '' && ingress === '') continue; // unmatched requests
          if (!live.has(`${namespace}/${ingress}/${service}`) && cell.window.summary(nowMs).requests === 0)
            byService.delete(service);
        }
        if (byService.size === 0) byIngress.delete(ingress);
      }
      if (byIngress.size === 0) this.cells.delete(namespace);
    }
  }
}

/** "namespace/ingress/service" of every target in the table. */
function liveRouteKeys(state: RoutingState): Set<string> {
  const live = new Set<string>();
  const add = (namespace: string, ingress: string, backend: BackendKey) => {
    const service = state.result.endpoints.get(backend)?.service ?? '';
    live.add(`${namespace}/${ingress}/${service}`);
  };
  const table = state.result.table;
  if (table.defaultBackend !== null)
    add(table.defaultBackend.source.namespace, table.defaultBackend.source.name, table.defaultBackend.backend);
  for (const host of table.hosts) {
    if (host.defaultBackend !== null)
      add(host.defaultBackend.source.namespace, host.defaultBackend.source.name, host.defaultBackend.backend);
    for (const route of host.routes) add(route.source.namespace, route.source.name, route.backend);
  }
  return live;
}
