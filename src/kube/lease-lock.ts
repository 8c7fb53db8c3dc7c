// The Lease side of leader election (client-go's resourcelock): read, create, take over, renew and release one
// coordination.k8s.io/v1 Lease, with optimistic concurrency on its resourceVersion (409: someone else won).
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../util/logger.ts';
import { errorMessage, kubeCall } from './kube-http.ts';
import { microTime } from './micro-time.ts';

export type Attempt = { readonly acquired: true } | { readonly acquired: false; readonly heldBy: string | null };

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

export interface LeaseLockOptions {
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  /** Also the timeout of each request. */
  readonly renewDeadlineMs: number;
}

const NOT_ACQUIRED: Attempt = Object.freeze({ acquired: false, heldBy: null });

export class LeaseLock {
  readonly #options: LeaseLockOptions;
  readonly #collection: string;
  readonly #path: string;
  readonly #leaseDurationSeconds: number;
  /** The Lease's resourceVersion as last seen, and when it was first seen: a Lease expires by our clock. */
  #observedVersion: string | null = null;
  #observedAt = 0;

  constructor(options: LeaseLockOptions) {
    this.#options = options;
    this.#collection = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(options.namespace)}/leases`;
    this.#path = `${this.#collection}/${encodeURIComponent(options.name)}`;
    this.#leaseDurationSeconds = Math.max(1, Math.round(options.leaseDurationMs / 1000));
  }

  /**
   * Acquires the Lease when it is free or has not been renewed for its duration (judged by when we saw it
   * change, not by its timestamps, so clock skew does not matter), or renews it when we hold it.
   */
  async tryAcquireOrRenew(): Promise<Attempt> {
    const now = Date.now();
    const got = await this.#call('GET', this.#path);
    if (got.status === 404) return this.#create(microTime(new Date(now)));
    if (got.status !== 200 || typeof got.body !== 'object' || got.body === null) {
      this.#options.log.warn({ status: got.status }, 'could not read the lease');
      return NOT_ACQUIRED;
    }
    const lease = got.body as Lease;
    const spec = lease.spec ?? {};
    const version = lease.metadata?.resourceVersion ?? '';
    if (version !== this.#observedVersion) {
      this.#observedVersion = version;
      this.#observedAt = now;
    }
    const holder = typeof spec.holderIdentity === 'string' ? spec.holderIdentity : '';
    const heldForMs =
      typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds > 0
        ? spec.leaseDurationSeconds * 1000
        : this.#options.leaseDurationMs;
    if (holder !== '' && holder !== this.#options.identity && now < this.#observedAt + heldForMs)
      return { acquired: false, heldBy: holder };
    return this.#write(lease, holder === this.#options.identity, microTime(new Date(now)));
  }

  /** Gives the Lease up if we hold it, so a successor need not wait for it to expire. Never throws. */
  async release(): Promise<void> {
    const { identity, log } = this.#options;
    try {
      const got = await this.#call('GET', this.#path);
      const lease = got.body as Lease | null;
      if (got.status !== 200 || lease === null || lease.spec?.holderIdentity !== identity) return;
      const nowText = microTime();
      const released: Lease = {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: nowText, renewTime: nowText },
      };
      const put = await this.#call('PUT', this.#path, released);
      if (put.status === 200) log.info('released the lease');
      else log.warn({ status: put.status }, 'could not release the lease');
    } catch (error) {
      log.warn({ err: errorMessage(error) }, 'could not release the lease');
    }
  }

  async #create(nowText: string): Promise<Attempt> {
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.#options.name, namespace: this.#options.namespace },
      spec: {
        holderIdentity: this.#options.identity,
        leaseDurationSeconds: this.#leaseDurationSeconds,
        acquireTime: nowText,
        renewTime: nowText,
        leaseTransitions: 0,
      },
    };
    const created = await this.#call('POST', this.#collection, lease);
    if (created.status === 200 || created.status === 201) return { acquired: true };
    if (created.status !== 409) this.#options.log.warn({ status: created.status }, 'could not create the lease');
    return NOT_ACQUIRED;
  }

  /** Writes the Lease read as ours, with the resourceVersion read: a 409 means someone else wrote first. */
  async #write(lease: Lease, renewing: boolean, nowText: string): Promise<Attempt> {
    const spec = lease.spec ?? {};
    const next: Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: this.#options.identity,
        leaseDurationSeconds: this.#leaseDurationSeconds,
        acquireTime: renewing && typeof spec.acquireTime === 'string' ? spec.acquireTime : nowText,
        renewTime: nowText,
        leaseTransitions: (typeof spec.leaseTransitions === 'number' ? spec.leaseTransitions : 0) + (renewing ? 0 : 1),
      },
    };
    const put = await this.#call('PUT', this.#path, next);
    if (put.status === 200) {
      const written = put.body as Lease | null;
      this.#observedVersion = written?.metadata?.resourceVersion ?? null;
      this.#observedAt = Date.now();
      return { acquired: true };
    }
    if (put.status !== 409) this.#options.log.warn({ status: put.status }, 'could not write the lease');
    return NOT_ACQUIRED;
  }

  #call(method: 'GET' | 'POST' | 'PUT', path: string, body?: Lease) {
    const { kubeConfig, renewDeadlineMs } = this.#options;
    return kubeCall(kubeConfig, { method, path, body, timeoutMs: renewDeadlineMs });
  }
}
