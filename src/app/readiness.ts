import type { Current } from '../controller/current.ts';
import type { SnapshotSource } from '../controller/source.ts';

export interface ReadinessTracker {
  /** Ready = every source synced, the first table published, the edge listening, and not draining. */
  check(): { ready: boolean; reasons: string[] };
  edgeListening(): void;
  draining(): void;
}

export function createReadiness(source: SnapshotSource, current: Current): ReadinessTracker {
  let listening = false;
  let draining = false;
  return {
    check() {
      const reasons: string[] = [];
      if (draining) reasons.push('shutting down');
      if (!source.synced()) reasons.push(`source ${source.name} has not synced`);
      if (current.get() === null) reasons.push('no routing table published yet');
      if (!listening) reasons.push('edge not listening yet');
      return { ready: reasons.length === 0, reasons };
    },
    edgeListening() {
      listening = true;
    },
    draining() {
      draining = true;
    },
  };
}
