import type { KubeConfig } from '@kubernetes/client-node';
import type { PublishSink } from '../controller/sink.ts';
import type { RoutingState } from '../controller/state.ts';
import type { KubeObject } from '../routing/types.ts';
import { Backoff, type BackoffPolicy } from '../util/backoff.ts';
import type { Logger } from '../util/logger.ts';
import { errorMessage, kubeCall } from './kube-http.ts';
import type { Leadership } from './leadership.ts';
import { canonical, sameIngress, type LoadBalancerIngress } from './load-balancer-ingress.ts';
import type { AddressSource } from './publish-service.ts';
import { ingresses, objectPath } from './resources.ts';

export interface StatusWriterOptions {
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  /** Only the leader writes. */
  readonly leadership: Leadership;
  /** publishServiceSource(...) or staticAddressSource(...). */
  readonly addresses: AddressSource;
  /** The Ingress as the informer holds it now (KubeSource.findIngress). */
  readonly findIngress: (namespace: string, name: string) => KubeObject | undefined;
  /** Retry delay after a failed write (default 1 s doubling to 30 s). */
  readonly backoff?: BackoffPolicy;
}

export interface StatusWriterStats {
  readonly writes: number;
  readonly failures: number;
  readonly lastError: string | null;
}

export interface StatusWriter extends PublishSink {
  stats(): StatusWriterStats;
  /** Resolves once no pass is running or queued (retries waiting on their timer do not count). */
  idle(): Promise<void>;
}

const retryBackoff: BackoffPolicy = Object.freeze({ initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.5 });

/**
 * Writes status.loadBalancer.ingress on our Ingresses (and only ours), from the published table, when
 * this replica leads and the value differs from what the Ingress holds. Runs again when addresses or
 * leadership change, and retries failed writes with backoff. Ingresses that stop being ours keep their
 * status: they are not ours to touch any more.
 */
export function createStatusWriter(options: StatusWriterOptions): StatusWriter {
  const { kubeConfig, leadership, addresses, findIngress } = options;
  const log = options.log.child({ component: 'status-writer' });
  const retry = new RetryTimer(new Backoff(options.backoff ?? retryBackoff));
  /** What we wrote per Ingress, and over which resourceVersion: the watch may not have brought it back yet. */
  const written: Written = new Map();
  let state: RoutingState | null = null;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  const patcher = new StatusPatcher(kubeConfig, log);

  function schedule(): void {
    if (stopped) return;
    if (running !== null) {
      again = true;
      return;
    }
    retry.cancel();
    running = syncAll().finally(() => {
      running = null;
      if (again) {
        again = false;
        schedule();
      }
    });
  }

  async function syncAll(): Promise<void> {
    const desired = addresses.addresses();
    if (state === null || desired === null || !leadership.isLeader()) return;
    const owned = state.result.ownedIngresses;
    const ownedSet = new Set(owned);
    for (const key of written.keys()) if (!ownedSet.has(key)) written.delete(key);
    const value = JSON.stringify(desired);
    let failed = false;
    for (const key of owned) {
      if (stopped || !leadership.isLeader()) return;
      const pending = pendingWrite(key, findIngress, desired, value, written);
      if (pending === null) continue;
      if (await patcher.patch(pending.namespace, pending.name, desired))
        written.set(key, { resourceVersion: pending.resourceVersion, value });
      else failed = true;
    }
    if (!failed) retry.reset();
    else log.warn({ retryInMs: retry.later(schedule) }, 'some Ingress status writes failed; retrying');
  }

  const unsubscribe = leadership.subscribe((leading) => {
    if (leading) {
      // A new term: what the Ingresses hold is the truth, whatever we wrote in an earlier one.
      written.clear();
      schedule();
    }
  });
  addresses.start(schedule);

  return {
    published(next) {
      state = next;
      schedule();
    },
    async stop() {
      stopped = true;
      unsubscribe();
      retry.cancel();
      await running;
      await addresses.stop();
    },
    stats: () => patcher.stats(),
    async idle() {
      for (let pass = running; pass !== null; pass = running) await pass;
    },
  };
}

/** One pending retry at a time, after the backoff's next delay. */
class RetryTimer {
  readonly #backoff: Backoff;
  #timer: NodeJS.Timeout | null = null;

  constructor(backoff: Backoff) {
    this.#backoff = backoff;
  }

  /** Runs `run` after the next delay; returns that delay in ms. */
  later(run: () => void): number {
    this.cancel();
    const delayMs = this.#backoff.next();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      run();
    }, delayMs);
    return delayMs;
  }

  cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  reset(): void {
    this.#backoff.reset();
  }
}

/** What was written per Ingress ("namespace/name"): the value, over which resourceVersion. */
type Written = Map<string, { readonly resourceVersion: unknown; readonly value: string }>;

/**
 * The Ingress `key` when its status needs writing: null when it is gone, already holds `desired` (then it is
 * forgotten in `written`), or was written with this value over its current resourceVersion (the watch has not
 * brought the write back yet).
 */
function pendingWrite(
  key: string,
  findIngress: StatusWriterOptions['findIngress'],
  desired: readonly LoadBalancerIngress[],
  value: string,
  written: Written,
): { namespace: string; name: string; resourceVersion: unknown } | null {
  const slash = key.indexOf('/');
  const namespace = key.slice(0, slash);
  const name = key.slice(slash + 1);
  const ingress = findIngress(namespace, name);
  if (ingress === undefined) return null;
  const status = ingress.status as { loadBalancer?: { ingress?: unknown } } | undefined;
  if (sameIngress(canonical(status?.loadBalancer?.ingress), desired)) {
    written.delete(key);
    return null;
  }
  const resourceVersion = (ingress.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
  const previous = written.get(key);
  if (previous !== undefined && previous.value === value && previous.resourceVersion === resourceVersion) return null;
  return { namespace, name, resourceVersion };
}

/** PATCHes one Ingress's status.loadBalancer.ingress, and counts what it did. */
class StatusPatcher {
  readonly #kubeConfig: KubeConfig;
  readonly #log: Logger;
  #writes = 0;
  #failures = 0;
  #lastError: string | null = null;

  constructor(kubeConfig: KubeConfig, log: Logger) {
    this.#kubeConfig = kubeConfig;
    this.#log = log;
  }

  /** True when written (or when the Ingress is gone: nothing to write); false after a failure, logged. */
  async patch(namespace: string, name: string, desired: readonly LoadBalancerIngress[]): Promise<boolean> {
    const path = `${objectPath(ingresses, namespace, name)}/status`;
    // Merge patch replaces the whole list; null removes it when there is nothing to publish.
    const body = { status: { loadBalancer: { ingress: desired.length === 0 ? null : desired } } };
    try {
      const response = await kubeCall(this.#kubeConfig, {
        method: 'PATCH',
        path,
        body,
        contentType: 'application/merge-patch+json',
      });
      if (response.status === 200) {
        this.#writes += 1;
        this.#log.info({ ingress: `${namespace}/${name}`, addresses: desired }, 'wrote Ingress status');
        return true;
      }
      if (response.status === 404) return true; // deleted meanwhile: nothing to write
      throw new Error(`PATCH ${path}: HTTP ${response.status}`);
    } catch (error) {
      this.#failures += 1;
      this.#lastError = errorMessage(error);
      this.#log.warn({ ingress: `${namespace}/${name}`, err: this.#lastError }, 'could not write Ingress status');
      return false;
    }
  }

  stats(): StatusWriterStats {
    return { writes: this.#writes, failures: this.#failures, lastError: this.#lastError };
  }
}
