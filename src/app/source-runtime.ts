// The snapshot source as run.ts sees it, one interface for a cluster, a --manifests directory or the
// embedded examples: what to log, the sinks, the status page's view, the leader, and start/stop.
import type { SnapshotSource } from '../controller/source.ts';
import type { PublishSink } from '../controller/sink.ts';
import { exampleEndpoints, startExampleBackends } from '../embedded/example-backends.ts';
import type { Logger } from '../util/logger.ts';
import type { GatewayAddressLookup } from '../kube/gateway-status-writer.ts';
import type { GatewayServiceView } from '../kube/gateway-services-watch.ts';
import type { SourceChoice } from './choose-source.ts';

export interface SourceRuntime {
  readonly source: SnapshotSource;
  /** Write-back sinks for the reconciler (status, Events); empty without a cluster. */
  readonly sinks: readonly PublishSink[];
  /** The status page's view of the source. */
  status(): { name: string; synced: boolean; detail: unknown };
  /** Whether this replica leads; undefined without a cluster (no election). */
  readonly leader: (() => boolean) | undefined;
  /** Calls back on leadership changes (metrics). */
  onLeaderChange(listener: (leading: boolean) => void): void;
  /** Before the reconciler starts. */
  start(): void;
  /** After the reconciler started (the embedded examples start their backends). */
  started(): Promise<void>;
  /** A hint logged once the edge listens; '' when none. */
  readonly hint: (httpPort: number, adminPort: number) => string;
  /** After the reconciler stopped. */
  stop(): Promise<void>;
  /** Gives the Gateway API status writer the edge's Gateway addresses (a cluster only). */
  useGatewayAddresses(lookup: GatewayAddressLookup): void;
  /** The Services provisioned per Gateway (a cluster without --gateway-address-pool), else null. */
  readonly gatewayServices: GatewayServiceView | null;
}

export function sourceRuntime(choice: SourceChoice, log: Logger): SourceRuntime {
  if (choice.kind === 'kubernetes') {
    const cluster = choice.cluster;
    return {
      source: choice.source,
      sinks: cluster.sinks,
      status: () => ({ name: choice.source.name, synced: choice.source.synced(), detail: cluster.stats() }),
      leader: () => cluster.leader.isLeader(),
      onLeaderChange: (listener) => void cluster.leader.subscribe?.(listener),
      start: () => cluster.start(),
      started: async () => {},
      hint: () => '',
      stop: () => cluster.stop(),
      useGatewayAddresses: (lookup) => cluster.useGatewayAddresses(lookup),
      gatewayServices: cluster.gatewayServices?.watch ?? null,
    };
  }
  const source = choice.source;
  const embedded = choice.kind === 'embedded';
  if (embedded) {
    log.info(
      { dir: choice.dir },
      'no cluster configured (no --kubeconfig, $KUBECONFIG, ~/.kube/config or in-cluster environment): serving the embedded example manifests',
    );
  } else {
    log.info({ dir: choice.dir }, 'serving manifests from a directory');
  }
  let examples: { close(): Promise<void> } | null = null;
  return {
    source,
    sinks: [],
    status: () => ({ name: source.name, synced: source.synced(), detail: { errors: source.errors() } }),
    leader: undefined,
    onLeaderChange: () => {},
    start: () => {},
    async started() {
      if (!embedded) return;
      examples = await startExampleBackends(exampleEndpoints(source.snapshot()), (busy) =>
        log.warn(busy, 'an example backend address is already in use (another sluice?); leaving it to its holder'),
      );
    },
    hint: (httpPort, adminPort) =>
      embedded
        ? `try: curl -H 'Host: hello.localhost' http://localhost:${httpPort}/  and the status page at http://localhost:${adminPort}/`
        : '',
    async stop() {
      await examples?.close();
    },
    useGatewayAddresses: () => {},
    gatewayServices: null,
  };
}
