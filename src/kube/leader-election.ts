import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../util/logger.ts';
import { errorMessage } from './kube-http.ts';
import type { Leadership } from './leadership.ts';
import { LeaseLock, type Attempt } from './lease-lock.ts';
import { controllerIdentity, controllerNamespace } from './pod-identity.ts';

export interface LeaderElectionOptions {
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  /** --election-id: the Lease's name. */
  readonly electionId: string;
  /** Default: controllerNamespace() ($POD_NAMESPACE, the service account's, else "default"). */
  readonly namespace?: string;
  /** Default: controllerIdentity() ($POD_NAME, else hostname_pid). */
  readonly identity?: string;
  /** How long a Lease is honoured after it was last seen renewed (client-go: 15 s). */
  readonly leaseDurationMs?: number;
  /** The leader steps down when it could not renew for this long (client-go: 10 s). */
  readonly renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew (client-go: 2 s). */
  readonly retryPeriodMs?: number;
  readonly onStartedLeading?: () => void;
  readonly onStoppedLeading?: () => void;
}

export interface LeaderElector extends Leadership {
  readonly identity: string;
  start(): void;
  /** Stops campaigning and releases the Lease if held, so a successor need not wait for it to expire. */
  stop(): Promise<void>;
}

/**
 * client-go's leader election on a coordination.k8s.io/v1 Lease (the Lease itself: lease-lock.ts): try to
 * acquire or renew every retry period, and step down when renewals fail past the deadline or someone else
 * holds the Lease.
 */
export function createLeaderElector(options: LeaderElectionOptions): LeaderElector {
  const namespace = options.namespace ?? controllerNamespace();
  const identity = options.identity ?? controllerIdentity();
  const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
  const retryPeriodMs = options.retryPeriodMs ?? 2_000;
  const log = options.log.child({
    component: 'leader-election',
    lease: `${namespace}/${options.electionId}`,
    identity,
  });
  const lock = new LeaseLock({
    kubeConfig: options.kubeConfig,
    log,
    namespace,
    name: options.electionId,
    identity,
    leaseDurationMs: options.leaseDurationMs ?? 15_000,
    renewDeadlineMs,
  });
  const flag = new LeadershipFlag(log, options.onStartedLeading, options.onStoppedLeading);
  const sleeper = new Sleeper();
  let running = false;
  let lastRenewAt = 0;
  let loop: Promise<void> | null = null;

  async function campaign(): Promise<void> {
    while (isRunning()) {
      let attempt: Attempt;
      try {
        attempt = await lock.tryAcquireOrRenew();
      } catch (error) {
        log.warn({ err: errorMessage(error) }, 'lease request failed');
        attempt = { acquired: false, heldBy: null };
      }
      if (!isRunning()) break;
      if (attempt.acquired) {
        lastRenewAt = Date.now();
        flag.set(true);
      } else if (flag.leading && (attempt.heldBy !== null || Date.now() - lastRenewAt > renewDeadlineMs)) {
        log.warn({ heldBy: attempt.heldBy }, 'lost the lease');
        flag.set(false);
      }
      // Candidates jitter their attempts (client-go's factor 1.2) so that they do not collide forever.
      await sleeper.sleep(flag.leading ? retryPeriodMs : retryPeriodMs * (1 + Math.random() * 0.2));
    }
  }

  // A function, so the loop condition is read again after every await.
  function isRunning(): boolean {
    return running;
  }

  return {
    identity,
    isLeader: () => flag.leading,
    subscribe: (listener) => flag.subscribe(listener),
    start() {
      if (running) return;
      running = true;
      loop = campaign();
    },
    async stop() {
      if (!running) return;
      running = false;
      sleeper.wake();
      await loop;
      // Stop writing before letting go, so that two writers never overlap.
      const wasLeading = flag.leading;
      flag.set(false);
      if (wasLeading) await lock.release();
    },
  };
}

/** Whether we lead, told to the callbacks and subscribers on every change (a failing one is logged). */
class LeadershipFlag {
  readonly #log: Logger;
  readonly #onStarted: (() => void) | undefined;
  readonly #onStopped: (() => void) | undefined;
  readonly #listeners = new Set<(leading: boolean) => void>();
  #leading = false;

  constructor(log: Logger, onStarted?: () => void, onStopped?: () => void) {
    this.#log = log;
    this.#onStarted = onStarted;
    this.#onStopped = onStopped;
  }

  get leading(): boolean {
    return this.#leading;
  }

  set(next: boolean): void {
    if (next === this.#leading) return;
    this.#leading = next;
    this.#log.info(next ? 'started leading' : 'stopped leading');
    const callback = next ? this.#onStarted : this.#onStopped;
    for (const call of [callback, ...[...this.#listeners].map((listener) => () => listener(next))]) {
      if (call === undefined) continue;
      try {
        call();
      } catch (error) {
        this.#log.error({ err: errorMessage(error) }, 'leadership callback failed');
      }
    }
  }

  subscribe(listener: (leading: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** A sleep that stop() can cut short. */
class Sleeper {
  #timer: NodeJS.Timeout | null = null;
  #wake: (() => void) | null = null;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(resolve, ms);
    });
  }

  wake(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#wake?.();
  }
}
