// Which container port each Gateway listener port is mapped to. Deterministic and sticky: a port the current
// Service already maps (inside the range, not claimed twice) is kept, so every replica and every restart agree
// with what the leader wrote; a new one is the first free port probing from a hash of "gateway:port". Pure.
import { fnv1a, type PortRange } from './gateway-service-model.ts';

export interface PortRequest {
  /** "namespace/name". */
  readonly gateway: string;
  /** Listener ports, sorted, unique. */
  readonly ports: readonly number[];
}

/** gateway → listener port → container port; a listener port missing from its map got none (range exhausted). */
export function allocateContainerPorts(
  requests: readonly PortRequest[],
  current: ReadonlyMap<string, ReadonlyMap<number, number>>,
  range: PortRange,
): Map<string, Map<number, number>> {
  const sorted = [...requests].sort((a, b) => (a.gateway < b.gateway ? -1 : a.gateway > b.gateway ? 1 : 0));
  const taken = new Set<number>();
  const out = new Map<string, Map<number, number>>();
  for (const request of sorted) {
    const given = new Map<number, number>();
    out.set(request.gateway, given);
    const had = current.get(request.gateway);
    for (const port of request.ports) {
      const kept = had?.get(port);
      if (kept === undefined || kept < range.first || kept > range.last || taken.has(kept)) continue;
      taken.add(kept);
      given.set(port, kept);
    }
  }
  const size = range.last - range.first + 1;
  for (const request of sorted) {
    const given = out.get(request.gateway) as Map<number, number>;
    for (const port of request.ports) {
      if (given.has(port) || taken.size >= size) continue;
      const start = fnv1a(`${request.gateway}:${port}`) % size;
      for (let i = 0; i < size; i++) {
        const candidate = range.first + ((start + i) % size);
        if (taken.has(candidate)) continue;
        taken.add(candidate);
        given.set(port, candidate);
        break;
      }
    }
  }
  return out;
}
