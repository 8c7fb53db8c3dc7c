// Writes Gateway API status (GatewayClass, Gateway, HTTPRoute, GRPCRoute; the status subresource) from
// the core's status data, when this replica leads and only where the object holds something else.
// The Ingress sibling is status-writer.ts.
import type { KubeConfig } from '@kubernetes/client-node';
import type { PublishSink } from '../controller/sink.ts';
import type { RoutingState } from '../controller/state.ts';
import type { KubeObject } from '../routing/types.ts';
import { Backoff, type BackoffPolicy } from '../util/backoff.ts';
import type { Logger } from '../util/logger.ts';
import {
  gatewayBody,
  gatewayClassBody,
  routeBody,
  sameStatus,
  type GatewayAddressInfo,
} from './gateway-status-body.ts';
import { errorMessage, kubeCall } from './kube-http.ts';
import type { Leadership } from './leadership.ts';
import { gatewayClasses, gateways, grpcRoutes, httpRoutes, objectPath, type WatchedResource } from './resources.ts';

/** What the edge knows of Gateway addresses; `settled` resolves once it has served the latest state. */
export interface GatewayAddressLookup {
  settled(): Promise<void>;
  infoOf(gateway: string): GatewayAddressInfo | undefined;
}

export interface GatewayStatusWriterOptions {
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  readonly leadership: Leadership;
  readonly controllerName: string;
  /** The object as the informer holds it now (KubeSource.findGatewayApiObject). */
  readonly find: (kind: string, namespace: string, name: string) => KubeObject | undefined;
  readonly addresses: GatewayAddressLookup | null;
  readonly backoff?: BackoffPolicy;
  /** ISO time for lastTransitionTime (tests). */
  readonly now?: () => string;
}

export interface GatewayStatusWriter extends PublishSink {
  stats(): { writes: number; failures: number; lastError: string | null };
  idle(): Promise<void>;
}

interface Pending {
  readonly resource: WatchedResource;
  readonly namespace: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

const retryBackoff: BackoffPolicy = Object.freeze({ initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.5 });

export function createGatewayStatusWriter(options: GatewayStatusWriterOptions): GatewayStatusWriter {
  const { kubeConfig, leadership, find, controllerName } = options;
  const log = options.log.child({ component: 'gateway-status' });
  const backoff = new Backoff(options.backoff ?? retryBackoff);
  const now = options.now ?? (() => new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
  let state: RoutingState | null = null;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let writes = 0;
  let failures = 0;
  let lastError: string | null = null;

  function schedule(): void {
    if (stopped) return;
    if (running !== null) {
      again = true;
      return;
    }
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
    running = syncAll().finally(() => {
      running = null;
      if (again) {
        again = false;
        schedule();
      }
    });
  }

  function wanted(current: RoutingState): Pending[] {
    const status = current.gateway?.status;
    if (status === undefined) return [];
    const at = now();
    const out: Pending[] = [];
    const add = (
      resource: WatchedResource,
      namespace: string,
      name: string,
      body: (o: KubeObject) => Record<string, unknown>,
    ) => {
      const object = find(resource.kind, namespace, name);
      if (object === undefined) return;
      const next = body(object);
      if (!sameStatus(next, object)) out.push({ resource, namespace, name, body: next });
    };
    for (const c of status.gatewayClasses) add(gatewayClasses, '', c.name, (o) => gatewayClassBody(c, o, at));
    for (const g of status.gateways) {
      const info = options.addresses?.infoOf(`${g.namespace}/${g.name}`);
      add(gateways, g.namespace, g.name, (o) => gatewayBody(g, o, info, at));
    }
    for (const r of status.routes) {
      const resource = r.kind === 'HTTPRoute' ? httpRoutes : grpcRoutes;
      add(resource, r.namespace, r.name, (o) => routeBody(r, o, controllerName, at));
    }
    return out;
  }

  async function syncAll(): Promise<void> {
    if (state === null || !leadership.isLeader()) return;
    await options.addresses?.settled();
    let failed = false;
    for (const pending of wanted(state)) {
      if (stopped || !leadership.isLeader()) return;
      if (!(await write(pending))) failed = true;
    }
    if (!failed) {
      backoff.reset();
      return;
    }
    const delayMs = backoff.next();
    retryTimer = setTimeout(() => {
      retryTimer = null;
      schedule();
    }, delayMs);
  }

  async function write(pending: Pending): Promise<boolean> {
    const path = `${objectPath(pending.resource, pending.namespace, pending.name)}/status`;
    const what = `${pending.resource.kind} ${pending.namespace === '' ? '' : `${pending.namespace}/`}${pending.name}`;
    try {
      const response = await kubeCall(kubeConfig, {
        method: 'PATCH',
        path,
        body: { status: pending.body },
        contentType: 'application/merge-patch+json',
      });
      if (response.status === 200 || response.status === 404) {
        if (response.status === 200) writes += 1;
        log.debug({ object: what }, 'wrote Gateway API status');
        return true;
      }
      throw new Error(`PATCH ${path}: HTTP ${response.status}`);
    } catch (error) {
      failures += 1;
      lastError = errorMessage(error);
      log.warn({ object: what, err: lastError }, 'could not write Gateway API status');
      return false;
    }
  }

  const unsubscribe = leadership.subscribe((leading) => {
    if (leading) schedule();
  });

  return {
    published(next) {
      state = next;
      schedule();
    },
    async stop() {
      stopped = true;
      unsubscribe();
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      await running;
    },
    stats: () => ({ writes, failures, lastError }),
    async idle() {
      for (let pass = running; pass !== null; pass = running) await pass;
    },
  };
}
