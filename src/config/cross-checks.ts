import { FLAGS } from './flags.ts';
import type { Config } from './types.ts';

/** Problems that involve more than one flag. */
export function crossChecks(config: Config, origins: ReadonlyMap<keyof Config, string>): string[] {
  const errors: string[] = [];
  const conflict = (a: keyof Config, b: keyof Config, why: string) => {
    const originA = origins.get(a);
    const originB = origins.get(b);
    if (originA !== undefined && originB !== undefined) errors.push(`${originA} and ${originB} conflict: ${why}`);
  };
  conflict('kubeconfig', 'manifests', 'watch either a cluster or a manifest directory, not both');
  conflict('publishService', 'publishStatusAddresses', 'publish either a Service address or fixed addresses, not both');

  const ports: [keyof Config, number][] = [
    ['httpPort', config.httpPort],
    ['httpsPort', config.httpsPort],
    ['adminPort', config.adminPort],
  ];
  for (let i = 0; i < ports.length; i++) {
    for (let j = i + 1; j < ports.length; j++) {
      const [keyA, portA] = ports[i];
      const [keyB, portB] = ports[j];
      if (portA !== 0 && portA === portB) {
        errors.push(
          `${originOrFlag(keyA, origins)} and ${originOrFlag(keyB, origins)} are both ${portA}: each listener needs its own port`,
        );
      }
    }
  }
  // The range is used only in a cluster without a pool (a --manifests directory or a pool never uses it).
  const range = config.gatewayContainerPorts;
  const rangeUsed = config.gatewayAddressPool === null && config.manifests === null;
  for (const [key, port] of rangeUsed ? ports : []) {
    if (port >= range.first && port <= range.last) {
      errors.push(
        `${originOrFlag(key, origins)} ${port} lies in ${originOrFlag('gatewayContainerPorts', origins)} ${range.first}-${range.last}: Gateway listeners would take it`,
      );
    }
  }
  return errors;
}

function originOrFlag(key: keyof Config, origins: ReadonlyMap<keyof Config, string>): string {
  return origins.get(key) ?? `--${FLAGS.find((spec) => spec.key === key)?.name ?? key} (default)`;
}
