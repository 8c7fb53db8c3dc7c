import type { KubeConfig } from '@kubernetes/client-node';
import type { PublishSink } from '../controller/sink.ts';
import type { Logger } from '../util/logger.ts';
import { createEventRecorder, type EventRecorder } from './event-recorder.ts';
import { createGatewayStatusWriter, type GatewayAddressLookup } from './gateway-status-writer.ts';
import {
  provisionGatewayServices,
  type GatewayProvisioning,
  type ProvisioningOptions,
} from './gateway-provisioning.ts';
import type { GatewayServiceWriterStats } from './gateway-service-writer.ts';
import type { InformerStats } from './informer.ts';
import { createKubeSource, type KubeSource } from './kube-source.ts';
import { createLeaderElector, type LeaderElector } from './leader-election.ts';
import { fromStatusAddresses } from './load-balancer-ingress.ts';
import { publishServiceSource, staticAddressSource } from './publish-service.ts';
import { createStatusWriter, type StatusWriter, type StatusWriterStats } from './status-writer.ts';

export interface KubeClusterOptions {
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  /** --watch-namespace; empty or null: all. */
  readonly watchNamespaces: readonly string[] | null;
  /** --publish-service "namespace/name", or null. */
  readonly publishService: string | null;
  /** --publish-status-address values (used when publishService is null). */
  readonly publishStatusAddresses: readonly string[];
  /** --election-id. */
  readonly electionId: string;
  /** IngressClass spec.controller we own, used as the Events' reportingController. */
  readonly controllerClass?: string;
  /** --gateway-api-recheck. */
  readonly gatewayApiRecheckMs?: number;
  /** --gateway-controller-name. */
  readonly gatewayControllerName?: string;
  /** A Service per Gateway (no --gateway-address-pool), or null/absent: listeners bind the pool's addresses. */
  readonly gatewayServices?: ProvisioningOptions | null;
}

export interface KubeClusterStats {
  readonly informers: readonly InformerStats[];
  readonly leader: boolean;
  readonly identity: string;
  /** null when neither --publish-service nor --publish-status-address is set. */
  readonly status: StatusWriterStats | null;
  readonly events: ReturnType<EventRecorder['stats']>;
  /** The Service per Gateway writer (writes, failures, problems such as a bad sluice.dev/service-type); null with a pool. */
  readonly gatewayServices: (GatewayServiceWriterStats & { readonly watch: InformerStats }) | null;
}

/** Everything sluice does with a cluster, wired: the source, the leader elector and the write-back sinks. */
export interface KubeCluster {
  readonly source: KubeSource;
  readonly leader: LeaderElector;
  /** Give these to the reconciler; it stops them. */
  readonly sinks: readonly PublishSink[];
  stats(): KubeClusterStats;
  /** Starts the election (the reconciler starts the source). */
  start(): void;
  /** Stops the election and releases the Lease; call after the reconciler has stopped. */
  stop(): Promise<void>;
  /** Where the Gateway API status writer reads Gateway addresses (the edge's listeners); before: none written. */
  useGatewayAddresses(lookup: GatewayAddressLookup): void;
  /** The provisioned Gateway Services, or null when Gateways take addresses from a pool. */
  readonly gatewayServices: GatewayProvisioning | null;
}

export function createKubeCluster(options: KubeClusterOptions): KubeCluster {
  const { kubeConfig, log } = options;
  const source = createKubeSource({
    kubeConfig,
    watchNamespaces: options.watchNamespaces,
    log,
    gatewayApiRecheckMs: options.gatewayApiRecheckMs,
  });
  const leader = createLeaderElector({ kubeConfig, log, electionId: options.electionId });
  const findIngress = source.findIngress;
  let statusWriter: StatusWriter | null = null;
  if (options.publishService !== null || options.publishStatusAddresses.length > 0) {
    const addresses =
      options.publishService !== null
        ? publishServiceSource({ kubeConfig, service: options.publishService, log })
        : staticAddressSource(fromStatusAddresses(options.publishStatusAddresses));
    statusWriter = createStatusWriter({ kubeConfig, log, leadership: leader, addresses, findIngress });
  }
  let gatewayAddresses: GatewayAddressLookup | null = null;
  const controllerName = options.gatewayControllerName ?? 'sluice.dev/gateway-controller';
  const provisioning =
    options.gatewayServices == null
      ? null
      : provisionGatewayServices({
          kubeConfig,
          log,
          leadership: leader,
          controllerName,
          source,
          ...options.gatewayServices,
        });
  const gatewayStatus = createGatewayStatusWriter({
    kubeConfig,
    log,
    leadership: leader,
    controllerName,
    find: source.findGatewayApiObject,
    addresses: {
      settled: () => gatewayAddresses?.settled() ?? Promise.resolve(),
      infoOf: (gateway) =>
        provisioning?.withServiceAddresses(gateway, gatewayAddresses?.infoOf(gateway)) ??
        gatewayAddresses?.infoOf(gateway),
    },
  });
  // After the edge has queued its own update for the change (it subscribed first, or reads settled() after).
  provisioning?.watch.subscribe(() => setImmediate(() => gatewayStatus.refresh()));
  const gatewaySinks = provisioning === null ? [gatewayStatus] : [gatewayStatus, provisioning.sink];
  const events = createEventRecorder({
    kubeConfig,
    log,
    leadership: leader,
    findIngress,
    reportingController: options.controllerClass,
    reportingInstance: leader.identity,
  });
  return {
    source,
    leader,
    sinks: statusWriter === null ? [events, ...gatewaySinks] : [statusWriter, events, ...gatewaySinks],
    stats: () => ({
      informers: source.stats(),
      leader: leader.isLeader(),
      identity: leader.identity,
      status: statusWriter?.stats() ?? null,
      events: events.stats(),
      gatewayServices:
        provisioning === null ? null : { ...provisioning.writer.stats(), watch: provisioning.watch.stats() },
    }),
    start: () => leader.start(),
    async stop() {
      await Promise.all([leader.stop(), provisioning?.watch.stop()]);
    },
    gatewayServices: provisioning,
    useGatewayAddresses(lookup) {
      gatewayAddresses = lookup;
    },
  };
}
