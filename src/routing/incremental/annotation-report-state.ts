// The incremental build's per-Ingress annotation reports: a shared map changed by layers (layered-map.ts),
// so publishing the reports of a result costs the Ingresses that changed, not every Ingress.
import type { AnnotationReport } from '../annotations.ts';
import { LayeredMap } from '../layered-map.ts';

export class AnnotationReportState {
  #published = new LayeredMap<readonly AnnotationReport[]>();
  readonly #changes = new Map<string, readonly AnnotationReport[] | null>();

  /** The Ingress `key` now has `reports` (none: removed). */
  set(key: string, reports: readonly AnnotationReport[]): void {
    this.#changes.set(key, reports.length === 0 ? null : reports);
  }

  /** The reports with this apply's changes, as a new map (the one an earlier result holds is left as it was). */
  publish(): LayeredMap<readonly AnnotationReport[]> {
    this.#published = this.#published.with(this.#changes);
    this.#changes.clear();
    return this.#published;
  }
}
