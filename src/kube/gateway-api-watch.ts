import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, Snapshot } from '../routing/types.ts';
import type { BackoffPolicy } from '../util/backoff.ts';
import type { Logger } from '../util/logger.ts';
import { createInformer, type Informer, type InformerStats } from './informer.ts';
import { errorMessage, kubeCall } from './kube-http.ts';
import {
  GATEWAY_API_GROUP,
  gatewayClasses,
  gateways,
  grpcRoutes,
  httpRoutes,
  namespaces,
  referenceGrants,
  referenceGrantsBeta,
  type WatchedResource,
} from './resources.ts';

export interface GatewayApiWatchOptions {
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  /** The namespaces namespaced kinds are watched in; [null] is all. */
  readonly namespaces: readonly (string | null)[];
  readonly onChange: () => void;
  /** How often discovery is asked again (a missing CRD may be installed later, an installed one removed). */
  readonly recheckMs: number;
  readonly backoff?: BackoffPolicy;
}

/** The Gateway API part of the snapshot (docs/gateway-api-snapshot.md). */
export type GatewayApiLists = Pick<
  Snapshot,
  'namespaces' | 'gatewayClasses' | 'gateways' | 'httpRoutes' | 'grpcRoutes' | 'referenceGrants'
>;

type ListKey = keyof GatewayApiLists;

export interface GatewayApiWatch {
  start(): void;
  stop(): Promise<void>;
  /** True once discovery answered (or failed) and every informer it started has listed: readiness never waits on a missing CRD. */
  settled(): boolean;
  /** True while the Gateway API group is served. */
  installed(): boolean;
  /** Empty while the CRDs are absent. */
  lists(): GatewayApiLists;
  stats(): readonly InformerStats[];
  find(kind: string, namespace: string, name: string): KubeObject | undefined;
}

interface Running {
  readonly key: ListKey;
  readonly resource: WatchedResource;
  readonly informers: readonly Informer[];
}

const served: readonly [ListKey, WatchedResource][] = [
  ['gatewayClasses', gatewayClasses],
  ['gateways', gateways],
  ['httpRoutes', httpRoutes],
  ['grpcRoutes', grpcRoutes],
  ['referenceGrants', referenceGrants],
];

/**
 * Watches the Gateway API kinds only while discovery serves them. Asks /apis/gateway.networking.k8s.io/v1
 * (every authenticated client may read discovery: no extra RBAC) now and every `recheckMs`; starts an
 * informer per served kind and stops it when the kind goes away. Absence and errors are logged once per
 * change, never per check.
 */
export function createGatewayApiWatch(options: GatewayApiWatchOptions): GatewayApiWatch {
  const log = options.log.child({ component: 'gateway-api' });
  const running = new Map<string, Running>();
  let stopped = true;
  let checked = false;
  let present = false;
  let lastReport = '';
  let timer: NodeJS.Timeout | null = null;

  const report = (text: string, level: 'info' | 'warn', fields: Record<string, unknown> = {}): void => {
    if (text === lastReport) return;
    lastReport = text;
    log[level]({ ...fields, recheckMs: options.recheckMs }, text);
  };

  async function check(): Promise<void> {
    const wanted = await servedResources(options.kubeConfig);
    if (stopped) return;
    const first = !checked;
    checked = true;
    // The source may have been waiting for this first answer to call itself synced.
    if (first) options.onChange();
    if (wanted instanceof Error) {
      report('Gateway API discovery failed; will look again', 'warn', { err: wanted.message });
      return;
    }
    present = wanted.length > 0;
    if (!present) report('Gateway API CRDs are not installed; Gateways and routes are not watched', 'info');
    else report('Gateway API CRDs found; watching', 'info', { kinds: wanted.map(([, r]) => r.name) });
    await reconcile(wanted);
  }

  async function reconcile(wanted: readonly [ListKey, WatchedResource][]): Promise<void> {
    const names = new Set(wanted.map(([, resource]) => resource.name));
    let changed = false;
    for (const [name, entry] of running) {
      if (names.has(name)) continue;
      running.delete(name);
      changed = true;
      await Promise.all(entry.informers.map((informer) => informer.stop()));
    }
    for (const [key, resource] of wanted) {
      if (running.has(resource.name) || stopped) continue;
      const scopes = resource.namespaced ? options.namespaces : [null];
      const informers = scopes.map((namespace) =>
        createInformer({
          kubeConfig: options.kubeConfig,
          resource,
          namespace,
          log,
          onChange: options.onChange,
          backoff: options.backoff,
        }),
      );
      running.set(resource.name, { key, resource, informers });
      for (const informer of informers) informer.start();
    }
    if (changed && !stopped) options.onChange();
  }

  function loop(): void {
    void check()
      .catch((error: unknown) => report('Gateway API check failed', 'warn', { err: errorMessage(error) }))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(loop, options.recheckMs);
        timer.unref();
      });
  }

  const all = (): Informer[] => [...running.values()].flatMap((entry) => entry.informers);

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await Promise.all(all().map((informer) => informer.stop()));
      running.clear();
    },
    settled: () => checked && all().every((informer) => informer.synced()),
    installed: () => present,
    lists() {
      const lists: Partial<Record<ListKey, readonly KubeObject[]>> = {};
      for (const entry of running.values()) lists[entry.key] = objectsOf(entry.informers);
      return lists;
    },
    stats: () => all().map((informer) => informer.stats()),
    find(kind, namespace, name) {
      for (const entry of running.values()) {
        if (entry.resource.kind !== kind) continue;
        for (const informer of entry.informers) {
          const found = informer.get(entry.resource.namespaced ? namespace : '', name);
          if (found !== undefined) return found;
        }
      }
      return undefined;
    },
  };
}

/** The kinds discovery serves now (Namespaces with them), [] when the group is absent, or the error. */
async function servedResources(kubeConfig: KubeConfig): Promise<[ListKey, WatchedResource][] | Error> {
  const v1 = await discover(kubeConfig, 'v1');
  if (v1 instanceof Error) return v1;
  const wanted = served.filter(([, resource]) => v1.has(resource.plural));
  if (!v1.has(referenceGrants.plural)) {
    const beta = await discover(kubeConfig, 'v1beta1');
    if (beta instanceof Error) return beta;
    if (beta.has(referenceGrantsBeta.plural)) wanted.push(['referenceGrants', referenceGrantsBeta]);
  }
  if (wanted.length === 0) return [];
  return [['namespaces', namespaces], ...wanted];
}

/** Resource names (without subresources) of one version of the group; an empty set when not served. */
async function discover(kubeConfig: KubeConfig, version: string): Promise<Set<string> | Error> {
  const path = `/apis/${GATEWAY_API_GROUP}/${version}`;
  try {
    const answer = await kubeCall(kubeConfig, { method: 'GET', path, timeoutMs: 5_000 });
    if (answer.status === 404) return new Set();
    if (answer.status !== 200) return new Error(`GET ${path}: HTTP ${answer.status}`);
    const resources = (answer.body as { resources?: unknown } | null)?.resources;
    const names = new Set<string>();
    if (Array.isArray(resources)) {
      for (const resource of resources) {
        const name = (resource as { name?: unknown } | null)?.name;
        if (typeof name === 'string' && !name.includes('/')) names.add(name);
      }
    }
    return names;
  } catch (error) {
    return new Error(`GET ${path}: ${errorMessage(error)}`);
  }
}

function objectsOf(informers: readonly Informer[]): readonly KubeObject[] {
  if (informers.length === 1) return informers[0].objects();
  return Object.freeze(informers.flatMap((informer) => informer.objects()));
}
