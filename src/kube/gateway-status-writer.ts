// Writes Gateway API status (GatewayClass, Gateway, HTTPRoute, GRPCRoute; the status subresource) from
// the core's status data, when this replica leads and only where the object holds something else
// (gateway-status-pending.ts). The Ingress sibling is status-writer.ts.
import type { KubeConfig } from '@kubernetes/client-node';
import type { PublishSink } from '../controller/sink.ts';
import type { RoutingState } from '../controller/state.ts';
import type { KubeObject } from '../routing/types.ts';
import type { BackoffPolicy } from '../util/backoff.ts';
import { SerialPasses, WRITER_RETRY_BACKOFF } from './serial-passes.ts';
import type { Logger } from '../util/logger.ts';
import type { GatewayAddressInfo } from './gateway-status-body.ts';
import {
  type PendingStatus,
  type PendingStatusInputs,
  pendingStatusWrites,
  type StatusPart,
} from './gateway-status-pending.ts';
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

export function createGatewayStatusWriter(options: GatewayStatusWriterOptions): GatewayStatusWriter {
  return new LeaderGatewayStatusWriter(options);
}

/**
 * One sync pass at a time per part; a state published meanwhile runs one more pass after it; failures retry with
 * backoff. GatewayClasses and Gateways are one part and routes the other, each with its own passes: a Gateway's
 * address is written at once even while thousands of route statuses are being written (at start).
 */
class LeaderGatewayStatusWriter implements GatewayStatusWriter {
  readonly #options: GatewayStatusWriterOptions;
  readonly #log: Logger;
  readonly #gatewayPasses: SerialPasses;
  readonly #routePasses: SerialPasses;
  readonly #inputs: PendingStatusInputs;
  readonly #unsubscribe: () => void;
  #state: RoutingState | null = null;
  #writes = 0;
  #failures = 0;
  #lastError: string | null = null;

  constructor(options: GatewayStatusWriterOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'gateway-status' });
    this.#gatewayPasses = new SerialPasses(() => this.#sync('gateways'), options.backoff ?? WRITER_RETRY_BACKOFF);
    this.#routePasses = new SerialPasses(() => this.#sync('routes'), options.backoff ?? WRITER_RETRY_BACKOFF);
    this.#inputs = {
      find: options.find,
      addressOf: (gateway) => options.addresses?.infoOf(gateway),
      controllerName: options.controllerName,
      now: options.now ?? (() => new Date().toISOString().replace(/\.\d+Z$/, 'Z')),
      inSync: new WeakMap(),
    };
    this.#unsubscribe = options.leadership.subscribe((leading) => {
      if (leading) this.#requestBoth();
    });
  }

  published(next: RoutingState): void {
    this.#state = next;
    this.#requestBoth();
  }

  /** The addresses changed, not the state: only Gateways say where they are served. */
  refresh(): void {
    this.#gatewayPasses.request();
  }

  async stop(): Promise<void> {
    this.#unsubscribe();
    await Promise.all([this.#gatewayPasses.stop(), this.#routePasses.stop()]);
  }

  #requestBoth(): void {
    this.#gatewayPasses.request();
    this.#routePasses.request();
  }

  stats(): { writes: number; failures: number; lastError: string | null } {
    return { writes: this.#writes, failures: this.#failures, lastError: this.#lastError };
  }

  async idle(): Promise<void> {
    await Promise.all([this.#gatewayPasses.idle(), this.#routePasses.idle()]);
  }

  /** One pass over one part; false when a write failed (the passes retry it after a backoff). */
  async #sync(part: StatusPart): Promise<boolean> {
    const { leadership, addresses } = this.#options;
    if (this.#state === null || !leadership.isLeader()) return true;
    await addresses?.settled();
    const passes = part === 'gateways' ? this.#gatewayPasses : this.#routePasses;
    let failed = false;
    for (const pending of pendingStatusWrites(this.#state, this.#inputs, part)) {
      if (passes.stopped || !leadership.isLeader()) return true;
      if (!(await this.#write(pending))) failed = true;
    }
    return !failed;
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
