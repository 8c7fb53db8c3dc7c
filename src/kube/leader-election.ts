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
  const listeners = new Set<(leading: boolean) => void>();

  let running = false;
  let leading = false;
  let lastRenewAt = 0;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let sleepTimer: NodeJS.Timeout | null = null;

  function setLeading(next: boolean): void {
    if (next === leading) return;
    leading = next;
    log.info(next ? 'started leading' : 'stopped leading');
    const callback = next ? options.onStartedLeading : options.onStoppedLeading;
    for (const call of [callback, ...[...listeners].map((listener) => () => listener(next))]) {
      if (call === undefined) continue;
      try {
        call();
      } catch (error) {
        log.error({ err: errorMessage(error) }, 'leadership callback failed');
      }
    }
  }

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
        setLeading(true);
      } else if (leading && (attempt.heldBy !== null || Date.now() - lastRenewAt > renewDeadlineMs)) {
        log.warn({ heldBy: attempt.heldBy }, 'lost the lease');
        setLeading(false);
      }
      // Candidates jitter their attempts (client-go's factor 1.2) so that they do not collide forever.
      await sleep(leading ? retryPeriodMs : retryPeriodMs * (1 + Math.random() * 0.2));
    }
  }

  function isRunning(): boolean {
    return running;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      wake = resolve;
      sleepTimer = setTimeout(resolve, ms);
    });
  }

  return {
    identity,
    isLeader: () => leading,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (running) return;
      running = true;
      loop = campaign();
    },
    async stop() {
      if (!running) return;
      running = false;
      if (sleepTimer !== null) clearTimeout(sleepTimer);
      wake?.();
      await loop;
      // Stop writing before letting go, so that two writers never overlap.
      const wasLeading = leading;
      setLeading(false);
      if (wasLeading) await lock.release();
    },
  };
}
