import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../util/logger.ts';
import { errorMessage, kubeCall } from './kube-http.ts';
import type { Leadership } from './leadership.ts';
import { microTime } from './micro-time.ts';
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

type Attempt = { readonly acquired: true } | { readonly acquired: false; readonly heldBy: string | null };

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
  spec?: LeaseSpec;
}

/**
 * client-go's leader election on a coordination.k8s.io/v1 Lease: acquire when the Lease is free or has
 * not been renewed for its duration (judged by when we saw it change, not by its timestamps, so clock
 * skew does not matter), write with the resourceVersion read (409: someone else won), renew every retry
 * period, and step down when renewals fail past the deadline or someone else holds the Lease.
 */
export function createLeaderElector(options: LeaderElectionOptions): LeaderElector {
  const namespace = options.namespace ?? controllerNamespace();
  const identity = options.identity ?? controllerIdentity();
  const leaseDurationMs = options.leaseDurationMs ?? 15_000;
  const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
  const retryPeriodMs = options.retryPeriodMs ?? 2_000;
  const leaseDurationSeconds = Math.max(1, Math.round(leaseDurationMs / 1000));
  const kc = options.kubeConfig;
  const log = options.log.child({
    component: 'leader-election',
    lease: `${namespace}/${options.electionId}`,
    identity,
  });
  const collection = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  const leasePath = `${collection}/${encodeURIComponent(options.electionId)}`;
  const listeners = new Set<(leading: boolean) => void>();

  let running = false;
  let leading = false;
  let lastRenewAt = 0;
  let observedVersion: string | null = null;
  let observedAt = 0;
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

  async function tryAcquireOrRenew(): Promise<Attempt> {
    const now = Date.now();
    const nowText = microTime(new Date(now));
    const got = await kubeCall(kc, { method: 'GET', path: leasePath, timeoutMs: renewDeadlineMs });
    if (got.status === 404) {
      const lease: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: options.electionId, namespace },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds,
          acquireTime: nowText,
          renewTime: nowText,
          leaseTransitions: 0,
        },
      };
      const created = await kubeCall(kc, { method: 'POST', path: collection, body: lease, timeoutMs: renewDeadlineMs });
      if (created.status === 200 || created.status === 201) return { acquired: true };
      if (created.status !== 409) log.warn({ status: created.status }, 'could not create the lease');
      return { acquired: false, heldBy: null };
    }
    if (got.status !== 200 || typeof got.body !== 'object' || got.body === null) {
      log.warn({ status: got.status }, 'could not read the lease');
      return { acquired: false, heldBy: null };
    }
    const lease = got.body as Lease;
    const spec = lease.spec ?? {};
    const version = lease.metadata?.resourceVersion ?? '';
    if (version !== observedVersion) {
      observedVersion = version;
      observedAt = now;
    }
    const holder = typeof spec.holderIdentity === 'string' ? spec.holderIdentity : '';
    const heldForMs =
      typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds > 0
        ? spec.leaseDurationSeconds * 1000
        : leaseDurationMs;
    if (holder !== '' && holder !== identity && now < observedAt + heldForMs)
      return { acquired: false, heldBy: holder };

    const renewing = holder === identity;
    const next: Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: renewing && typeof spec.acquireTime === 'string' ? spec.acquireTime : nowText,
        renewTime: nowText,
        leaseTransitions: (typeof spec.leaseTransitions === 'number' ? spec.leaseTransitions : 0) + (renewing ? 0 : 1),
      },
    };
    const put = await kubeCall(kc, { method: 'PUT', path: leasePath, body: next, timeoutMs: renewDeadlineMs });
    if (put.status === 200) {
      const written = put.body as Lease | null;
      observedVersion = written?.metadata?.resourceVersion ?? null;
      observedAt = Date.now();
      return { acquired: true };
    }
    if (put.status !== 409) log.warn({ status: put.status }, 'could not write the lease');
    return { acquired: false, heldBy: null };
  }

  async function campaign(): Promise<void> {
    while (isRunning()) {
      let attempt: Attempt;
      try {
        attempt = await tryAcquireOrRenew();
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

  async function release(): Promise<void> {
    try {
      const got = await kubeCall(kc, { method: 'GET', path: leasePath, timeoutMs: renewDeadlineMs });
      const lease = got.body as Lease | null;
      if (got.status !== 200 || lease === null || lease.spec?.holderIdentity !== identity) return;
      const nowText = microTime();
      const released: Lease = {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: nowText, renewTime: nowText },
      };
      const put = await kubeCall(kc, { method: 'PUT', path: leasePath, body: released, timeoutMs: renewDeadlineMs });
      if (put.status === 200) log.info('released the lease');
      else log.warn({ status: put.status }, 'could not release the lease');
    } catch (error) {
      log.warn({ err: errorMessage(error) }, 'could not release the lease');
    }
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
      if (wasLeading) await release();
    },
  };
}
