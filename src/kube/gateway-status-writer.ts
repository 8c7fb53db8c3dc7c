// Writes Gateway API status (GatewayClass, Gateway, HTTPRoute, GRPCRoute; the status subresource) from
// the core's status data, when this replica leads and only where the object holds something else
// (gateway-status-pending.ts). The Ingress sibling is status-writer.ts.
import type { KubeConfig } from '@kubernetes/client-node';
import type { PublishSink } from '../controller/sink.ts';
import type { RoutingState } from '../controller/state.ts';
import type { KubeObject } from '../routing/types.ts';
import { Backoff, type BackoffPolicy } from '../util/backoff.ts';
import type { Logger } from '../util/logger.ts';
import type { GatewayAddressInfo } from './gateway-status-body.ts';
import { type PendingStatus, type PendingStatusInputs, pendingStatusWrites } from './gateway-status-pending.ts';
import { errorMessage, kubeCall } from './kube-http.ts';
import type { Leadership } from './leadership.ts';
import { objectPath } from './resources.ts';

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
  /** Writes again from the last state (the addresses changed, not the state). */
  refresh(): void;
  stats(): { writes: number; failures: number; lastError: string | null };
  idle(): Promise<void>;
}

const retryBackoff: BackoffPolicy = Object.freeze({ initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.5 });

export function createGatewayStatusWriter(options: GatewayStatusWriterOptions): GatewayStatusWriter {
  return new LeaderGatewayStatusWriter(options);
}

/** One sync pass at a time; a state published meanwhile runs one more pass after it; failures retry with backoff. */
class LeaderGatewayStatusWriter implements GatewayStatusWriter {
  readonly #options: GatewayStatusWriterOptions;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #inputs: PendingStatusInputs;
  readonly #unsubscribe: () => void;
  #state: RoutingState | null = null;
  #stopped = false;
  #running: Promise<void> | null = null;
  #again = false;
  #retryTimer: NodeJS.Timeout | null = null;
  #writes = 0;
  #failures = 0;
  #lastError: string | null = null;

  constructor(options: GatewayStatusWriterOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'gateway-status' });
    this.#backoff = new Backoff(options.backoff ?? retryBackoff);
    this.#inputs = {
      find: options.find,
      addressOf: (gateway) => options.addresses?.infoOf(gateway),
      controllerName: options.controllerName,
      now: options.now ?? (() => new Date().toISOString().replace(/\.\d+Z$/, 'Z')),
    };
    this.#unsubscribe = options.leadership.subscribe((leading) => {
      if (leading) this.#schedule();
    });
  }

  published(next: RoutingState): void {
    this.#state = next;
    this.#schedule();
  }

  refresh(): void {
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe();
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    await this.#running;
  }

  stats(): { writes: number; failures: number; lastError: string | null } {
    return { writes: this.#writes, failures: this.#failures, lastError: this.#lastError };
  }

  async idle(): Promise<void> {
    for (let pass = this.#running; pass !== null; pass = this.#running) await pass;
  }

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#running = this.#syncAll().finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.#schedule();
      }
    });
  }

  async #syncAll(): Promise<void> {
    const { leadership, addresses } = this.#options;
    if (this.#state === null || !leadership.isLeader()) return;
    await addresses?.settled();
    let failed = false;
    for (const pending of pendingStatusWrites(this.#state, this.#inputs)) {
      if (this.#stopped || !leadership.isLeader()) return;
      if (!(await this.#write(pending))) failed = true;
    }
    if (!failed) {
      this.#backoff.reset();
      return;
    }
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#schedule();
    }, this.#backoff.next());
  }

  /** True when written, or when the object is gone (404: nothing left to write). */
  async #write(pending: PendingStatus): Promise<boolean> {
    const path = `${objectPath(pending.resource, pending.namespace, pending.name)}/status`;
    const what = `${pending.resource.kind} ${pending.namespace === '' ? '' : `${pending.namespace}/`}${pending.name}`;
    try {
      const response = await kubeCall(this.#options.kubeConfig, {
        method: 'PATCH',
        path,
        body: { status: pending.body },
        contentType: 'application/merge-patch+json',
      });
      if (response.status === 200 || response.status === 404) {
        if (response.status === 200) this.#writes += 1;
        this.#log.debug({ object: what }, 'wrote Gateway API status');
        return true;
      }
      throw new Error(`PATCH ${path}: HTTP ${response.status}`);
    } catch (error) {
      this.#failures += 1;
      this.#lastError = errorMessage(error);
      this.#log.warn({ object: what, err: this.#lastError }, 'could not write Gateway API status');
      return false;
    }
  }
}
