// The Gateway API side of the edge: one server per (Gateway address, port), following the published state.
import type { Config } from '../config.ts';
import type { Current } from '../controller/current.ts';
import { http1Settings } from '../proxy/edge-servers.ts';
import type { GatewayServiceView } from '../kube/gateway-services-watch.ts';
import { GatewayAddressPool } from '../proxy/gateway-addresses.ts';
import { GatewayListenerManager, type OpenListener } from '../proxy/gateway-listeners.ts';
import { openGatewayServer } from '../proxy/gateway-server.ts';
import type { RequestRecordListener } from '../proxy/request-record.ts';
import { generateSelfSigned, type PemPair } from '../proxy/self-signed.ts';
import type { Logger } from '../util/logger.ts';
import { handlerFromConfig } from './edge-from-config.ts';
import { servicePlacement } from './gateway-service-placement.ts';

export interface GatewayEdge {
  readonly listeners: GatewayListenerManager;
  /** Follows `current` from now on (call once the main edge listens). */
  start(current: Current): void;
  close(graceMs: number): Promise<void>;
}

export function createGatewayEdge(
  config: Config,
  onRequestDone: RequestRecordListener | null,
  log: Logger,
  /** The provisioned Services (a cluster without --gateway-address-pool), or null. */
  services: GatewayServiceView | null = null,
): GatewayEdge {
  const gatewayLog = log.child({ component: 'gateway-edge' });
  const settings = http1Settings(config.clientHeaderTimeoutMs, 0, 65_000, config.maxHeaderSize);
  let selfSigned: Promise<PemPair> | null = null;
  const open: OpenListener = async (spec, getState) => {
    selfSigned ??= generateSelfSigned();
    const handler = handlerFromConfig(config, getState, onRequestDone, log);
    try {
      const server = await openGatewayServer({
        handler,
        getState,
        address: spec.address,
        port: spec.port,
        protocol: spec.protocol,
        settings,
        selfSigned: await selfSigned,
        http2MaxConcurrentStreams: 128,
        log: gatewayLog,
      });
      return {
        async close(graceMs) {
          await server.close(graceMs);
          await handler.close();
        },
        connections: () => server.connections(),
      };
    } catch (error) {
      await handler.close();
      throw error;
    }
  };
  const placement =
    services === null
      ? new GatewayAddressPool(config.gatewayAddressPool, config.bindAddress)
      : servicePlacement(services, config.bindAddress);
  const listeners = new GatewayListenerManager(placement, open, gatewayLog);
  const unsubscribe: (() => void)[] = [];
  return {
    listeners,
    start(current) {
      const state = current.get();
      if (state !== null) void listeners.update(state);
      unsubscribe.push(current.subscribe((next) => void listeners.update(next)));
      // A Service written or changed moves listeners to its container ports.
      if (services !== null) {
        unsubscribe.push(
          services.subscribe(() => {
            const latest = current.get();
            if (latest !== null) void listeners.update(latest);
          }),
        );
      }
    },
    async close(graceMs) {
      for (const stop of unsubscribe) stop();
      await listeners.close(graceMs);
    },
  };
}
