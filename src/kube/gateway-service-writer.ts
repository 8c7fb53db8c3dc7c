// The leader's side of the provisioned Services: plans (gateway-service-plan.ts) from the published Gateways
// and the Services we own, then creates, updates and deletes exactly those. The Ingress/status siblings are
// status-writer.ts and gateway-status-writer.ts.
import type { KubeConfig } from '@kubernetes/client-node';
import type { PublishSink } from '../controller/sink.ts';
import type { RoutingState } from '../controller/state.ts';
import type { ServiceTypeChoice } from '../routing/gateway/parameters.ts';
import type { KubeObject } from '../routing/types.ts';
import type { BackoffPolicy } from '../util/backoff.ts';
import { SerialPasses, WRITER_RETRY_BACKOFF } from './serial-passes.ts';
import type { Logger } from '../util/logger.ts';
import type { GatewayToServe, ProvisionSettings } from './gateway-service-desired.ts';
import { planServices, type ServicePlan } from './gateway-service-plan.ts';
import type { GatewayServicesWatch } from './gateway-services-watch.ts';
import { errorMessage, kubeCall } from './kube-http.ts';
import type { Leadership } from './leadership.ts';

export interface GatewayServiceWriterOptions {
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  readonly leadership: Leadership;
  readonly services: GatewayServicesWatch;
  /** Everything but the selector, which is read once (the sluice pods' labels). */
  readonly settings: Omit<ProvisionSettings, 'selector'>;
  readonly selector: () => Promise<Record<string, string>>;
  /** The object as the informer holds it now (KubeSource.findGatewayApiObject). */
  readonly find: (kind: string, namespace: string, name: string) => KubeObject | undefined;
  readonly backoff?: BackoffPolicy;
}

export interface GatewayServiceWriterStats {
  readonly writes: number;
  readonly failures: number;
  readonly lastError: string | null;
  /** The last pass failed (it is retried); lastError says why. */
  readonly failing: boolean;
  readonly problems: readonly string[];
}

export interface GatewayServiceWriter extends PublishSink {
  stats(): GatewayServiceWriterStats;
  idle(): Promise<void>;
}

export function createGatewayServiceWriter(options: GatewayServiceWriterOptions): GatewayServiceWriter {
  return new LeaderGatewayServiceWriter(options);
}

/** The Gateways the state serves, grouped with their listener ports; `missing`: served but not at hand. */
export function gatewaysToServe(
  state: RoutingState,
  find: GatewayServiceWriterOptions['find'],
): { gateways: GatewayToServe[]; missing: Set<string> } {
  const ports = new Map<string, { gatewayClass: string; parameters: ServiceTypeChoice | null; ports: Set<number> }>();
  for (const listener of state.gateway?.listeners ?? []) {
    const entry = ports.get(listener.gateway) ?? {
      gatewayClass: listener.gatewayClass,
      parameters: listener.serviceType,
      ports: new Set(),
    };
    entry.ports.add(listener.port);
    ports.set(listener.gateway, entry);
  }
  const gateways: GatewayToServe[] = [];
  const missing = new Set<string>();
  for (const [gateway, entry] of ports) {
    const slash = gateway.indexOf('/');
    const object = find('Gateway', gateway.slice(0, slash), gateway.slice(slash + 1));
    if (object === undefined) {
      missing.add(gateway);
      continue;
    }
    const sorted = [...entry.ports].sort((a, b) => a - b);
    const gatewayClass = find('GatewayClass', '', entry.gatewayClass);
    gateways.push({ gateway, object, gatewayClass, ports: sorted, parameters: entry.parameters });
  }
  return { gateways, missing };
}

/** One pass at a time; a change meanwhile runs one more pass after it; failures retry with backoff. */
class LeaderGatewayServiceWriter implements GatewayServiceWriter {
  readonly #options: GatewayServiceWriterOptions;
  readonly #log: Logger;
  readonly #passes: SerialPasses;
  readonly #unsubscribe: (() => void)[];
  #state: RoutingState | null = null;
  #selector: Record<string, string> | null = null;
  #writes = 0;
  #failures = 0;
  #lastError: string | null = null;
  #failing = false;
  #problems: readonly string[] = [];

  constructor(options: GatewayServiceWriterOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'gateway-services' });
    this.#passes = new SerialPasses(() => this.#sync(), options.backoff ?? WRITER_RETRY_BACKOFF);
    this.#unsubscribe = [
      options.leadership.subscribe((leading) => {
        if (leading) this.#passes.request();
      }),
      options.services.subscribe(() => this.#passes.request()),
    ];
  }

  published(next: RoutingState): void {
    this.#state = next;
    this.#passes.request();
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    await this.#passes.stop();
  }

  stats(): GatewayServiceWriterStats {
    return {
      writes: this.#writes,
      failures: this.#failures,
      lastError: this.#lastError,
      failing: this.#failing,
      problems: this.#problems,
    };
  }

  idle(): Promise<void> {
    return this.#passes.idle();
  }

  /** One pass; false when a write failed (the passes retry it after a backoff). */
  async #sync(): Promise<boolean> {
    const { leadership, services } = this.#options;
    if (this.#state === null || !leadership.isLeader() || !services.synced()) return true;
    let ok = true;
    try {
      const served = gatewaysToServe(this.#state, this.#options.find);
      // The pods' labels are read only once a Service is wanted (deletes need none).
      if (served.gateways.length > 0) this.#selector ??= await this.#options.selector();
      const plan = this.#plan(served, this.#selector ?? {});
      for (const write of writesOf(plan)) {
        if (this.#passes.stopped || !leadership.isLeader()) return true;
        if (!(await this.#write(write))) ok = false;
      }
    } catch (error) {
      ok = false;
      this.#failed('cannot provision the Gateway Services', error);
    }
    this.#failing = !ok;
    return ok;
  }

  #plan(served: ReturnType<typeof gatewaysToServe>, selector: Record<string, string>): ServicePlan {
    const { gateways, missing } = served;
    const plan = planServices(gateways, missing, this.#options.services.objects(), {
      ...this.#options.settings,
      selector,
    });
    if (plan.problems.join('\n') !== this.#problems.join('\n')) {
      for (const problem of plan.problems) this.#log.warn({ problem }, 'Gateway Service');
    }
    this.#problems = plan.problems;
    return plan;
  }

  /** True when done, or when this pass has nothing left to do (404 on delete: gone; 409: see below). */
  async #write(write: Write): Promise<boolean> {
    const base = `/api/v1/namespaces/${encodeURIComponent(this.#options.settings.namespace)}/services`;
    const path = write.method === 'POST' ? base : `${base}/${encodeURIComponent(write.name)}`;
    try {
      const response = await kubeCall(this.#options.kubeConfig, { method: write.method, path, body: write.body });
      if (response.status >= 200 && response.status < 300) {
        this.#writes += 1;
        this.#log.info({ service: write.name, method: write.method }, 'wrote a Gateway Service');
        return true;
      }
      if (write.method === 'DELETE' && response.status === 404) return true;
      // The watch has not shown our last write yet (it exists, or changed): its event runs the next pass.
      // (A Service of that name without our label is never taken over: its Gateway stays unserved.)
      if (write.method !== 'DELETE' && response.status === 409) {
        this.#log.info({ service: write.name, method: write.method }, 'Gateway Service exists or changed meanwhile');
        return true;
      }
      throw new Error(`${write.method} ${path}: HTTP ${response.status}`);
    } catch (error) {
      this.#failed(`could not write Service ${write.name}`, error);
      return false;
    }
  }

  #failed(what: string, error: unknown): void {
    this.#failures += 1;
    this.#lastError = errorMessage(error);
    this.#log.warn({ err: this.#lastError }, what);
  }
}

interface Write {
  readonly method: 'POST' | 'PUT' | 'DELETE';
  readonly name: string;
  readonly body: unknown;
}

function writesOf(plan: ServicePlan): Write[] {
  return [
    ...plan.deletes.map((d) => ({
      method: 'DELETE' as const,
      name: d.name,
      body:
        d.uid === undefined ? undefined : { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: d.uid } },
    })),
    ...plan.updates.map((s) => ({ method: 'PUT' as const, name: s.metadata.name as string, body: s })),
    ...plan.creates.map((s) => ({ method: 'POST' as const, name: s.metadata.name as string, body: s })),
  ];
}
