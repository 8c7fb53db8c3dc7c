import type { KubeConfig } from '@kubernetes/client-node';
import type { PublishSink } from '../controller/sink.ts';
import type { KubeObject, Problem } from '../routing/types.ts';
import type { Logger } from '../util/logger.ts';
import { errorMessage, kubeCall } from './kube-http.ts';
import type { Leadership } from './leadership.ts';
import { microTime } from './micro-time.ts';
import { controllerIdentity } from './pod-identity.ts';
import { TokenBucket } from './token-bucket.ts';

export interface EventRecorderOptions {
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  /** Only the leader emits; a replica that becomes leader reports the problems present then. */
  readonly leadership: Leadership;
  /** The Ingress as the informer holds it now, for its uid (KubeSource.findIngress). */
  readonly findIngress: (namespace: string, name: string) => KubeObject | undefined;
  /** events.k8s.io reportingController. Default "sluice.dev/ingress-controller". */
  readonly reportingController?: string;
  /** events.k8s.io reportingInstance. Default controllerIdentity(). */
  readonly reportingInstance?: string;
  /** Default 10 events a second with bursts of 25. */
  readonly ratePerSecond?: number;
  readonly burst?: number;
  /** Events waiting for the rate limiter beyond this are dropped (and counted). Default 1000. */
  readonly maxQueued?: number;
}

export interface EventRecorderStats {
  readonly emitted: number;
  readonly failed: number;
  readonly dropped: number;
  readonly queued: number;
}

export interface EventRecorder extends PublishSink {
  stats(): EventRecorderStats;
  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void>;
}

/** Limits of events.k8s.io/v1 fields. */
const maxNoteBytes = 1024;
const maxNameLength = 200;

/**
 * A Warning Event (events.k8s.io/v1) on one of our Ingresses for each problem that was not there in the
 * previous published table: reason = the problem code, note = "field: message". A problem that goes
 * away and comes back is new again. Rate-limited (token bucket); Events are best effort, so a failed
 * post is logged and counted, not retried.
 */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const { kubeConfig, leadership, findIngress } = options;
  const log = options.log.child({ component: 'event-recorder' });
  const bucket = new TokenBucket(options.ratePerSecond ?? 10, options.burst ?? 25);
  const maxQueued = options.maxQueued ?? 1000;
  let active = new Set<string>();
  const queue: Problem[] = [];
  const inFlight = new Set<Promise<void>>();
  let drainTimer: NodeJS.Timeout | null = null;
  let stopped = false;
  const poster = new EventPoster(kubeConfig, log, options);
  let dropped = 0;

  function drain(): void {
    if (stopped) return;
    while (queue.length > 0) {
      if (!leadership.isLeader()) {
        queue.length = 0;
        return;
      }
      if (!bucket.take()) {
        drainTimer ??= setTimeout(() => {
          drainTimer = null;
          drain();
        }, bucket.waitMs());
        return;
      }
      const problem = queue.shift()!;
      const posting = poster.post(problem, findIngress(problem.object.namespace, problem.object.name));
      inFlight.add(posting);
      void posting.finally(() => inFlight.delete(posting));
    }
  }

  /** The problems of the last published table, by key. */
  let latest = new Map<string, Problem>();
  const published = new PublishedProblems();

  /** Queues an Event for every current problem this replica has not reported while leading. */
  function reconcile(): void {
    if (stopped || !leadership.isLeader()) return;
    for (const [key, problem] of latest) {
      if (active.has(key)) continue;
      active.add(key);
      if (queue.length >= maxQueued) dropped += 1;
      else queue.push(problem);
    }
    drain();
  }

  const unsubscribe = leadership.subscribe((leading) => {
    if (leading) reconcile();
  });

  return {
    published(state) {
      if (stopped) return;
      const current = published.update(state.result.problems, state.result.ownedIngresses);
      if (current === null) return;
      latest = current;
      // A problem that went away and comes back is new again.
      for (const key of active) if (!current.has(key)) active.delete(key);
      reconcile();
    },
    async stop() {
      stopped = true;
      unsubscribe();
      if (drainTimer !== null) clearTimeout(drainTimer);
      drainTimer = null;
      dropped += queue.length;
      queue.length = 0;
      await Promise.all(inFlight);
    },
    stats: () => ({ ...poster.counts(), dropped, queued: queue.length }),
    idle: () => waitIdle(queue, inFlight, bucket),
  };
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let end = Math.min(text.length, maxBytes);
  while (end > 0 && Buffer.byteLength(text.slice(0, end)) > maxBytes - 3) end -= 1;
  return `${text.slice(0, end)}...`;
}

/** Until the queue is empty and every post has ended. */
async function waitIdle(queue: readonly Problem[], inFlight: ReadonlySet<Promise<void>>, bucket: TokenBucket) {
  while (queue.length > 0 || inFlight.size > 0) {
    if (inFlight.size > 0) await Promise.all(inFlight);
    else await new Promise((resolve) => setTimeout(resolve, Math.max(1, bucket.waitMs())));
  }
}

/** The problems of our Ingresses in the last published table. */
class PublishedProblems {
  #lastProblems: readonly Problem[] | null = null;
  #lastOwned: readonly string[] | null = null;
  #owned = new Set<string>();

  /** By key; null when neither list changed (an incremental build keeps both then): nothing new to report. */
  update(problems: readonly Problem[], ownedIngresses: readonly string[]): Map<string, Problem> | null {
    if (problems === this.#lastProblems && ownedIngresses === this.#lastOwned) return null;
    this.#lastProblems = problems;
    if (this.#lastOwned !== ownedIngresses) this.#owned = new Set(ownedIngresses);
    this.#lastOwned = ownedIngresses;
    return ownedIngressProblems(problems, this.#owned);
  }
}

/** The problems of our Ingresses, by a key that changes when the problem does. */
function ownedIngressProblems(problems: readonly Problem[], owned: ReadonlySet<string>): Map<string, Problem> {
  const current = new Map<string, Problem>();
  for (const problem of problems) {
    const { kind, namespace, name } = problem.object;
    if (kind !== 'Ingress' || !owned.has(`${namespace}/${name}`)) continue;
    current.set(JSON.stringify([namespace, name, problem.code, problem.field, problem.message]), problem);
  }
  return current;
}

/** POSTs one Warning Event (events.k8s.io/v1) for a problem on an Ingress, and counts what it did. */
class EventPoster {
  readonly #kubeConfig: KubeConfig;
  readonly #log: Logger;
  readonly #reportingController: string;
  readonly #reportingInstance: string;
  #sequence = 0;
  #emitted = 0;
  #failed = 0;

  constructor(kubeConfig: KubeConfig, log: Logger, options: EventRecorderOptions) {
    this.#kubeConfig = kubeConfig;
    this.#log = log;
    this.#reportingController = options.reportingController ?? 'sluice.dev/ingress-controller';
    this.#reportingInstance = (options.reportingInstance ?? controllerIdentity()).slice(0, 128);
  }

  /** Never throws: a failure is counted and logged. */
  async post(problem: Problem, ingress: KubeObject | undefined): Promise<void> {
    const { namespace, name } = problem.object;
    const metadata = (ingress?.metadata ?? {}) as { uid?: unknown; resourceVersion?: unknown };
    this.#sequence = (this.#sequence + 1) % 0x10000;
    const event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: {
        namespace,
        name: `${name.slice(0, maxNameLength)}.${Date.now().toString(16)}${this.#sequence.toString(16).padStart(4, '0')}`,
      },
      eventTime: microTime(),
      reportingController: this.#reportingController,
      reportingInstance: this.#reportingInstance,
      action: 'Build',
      reason: problem.code.slice(0, 128),
      note: truncateUtf8(problem.field === '' ? problem.message : `${problem.field}: ${problem.message}`, maxNoteBytes),
      type: 'Warning',
      regarding: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        namespace,
        name,
        ...(typeof metadata.uid === 'string' ? { uid: metadata.uid } : {}),
        ...(typeof metadata.resourceVersion === 'string' ? { resourceVersion: metadata.resourceVersion } : {}),
      },
    };
    const path = `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`;
    try {
      const response = await kubeCall(this.#kubeConfig, { method: 'POST', path, body: event, timeoutMs: 10_000 });
      if (response.status !== 201 && response.status !== 200) throw new Error(`POST ${path}: HTTP ${response.status}`);
      this.#emitted += 1;
    } catch (error) {
      this.#failed += 1;
      this.#log.warn(
        { ingress: `${namespace}/${name}`, reason: problem.code, err: errorMessage(error) },
        'could not post an Event',
      );
    }
  }

  counts(): { emitted: number; failed: number } {
    return { emitted: this.#emitted, failed: this.#failed };
  }
}
