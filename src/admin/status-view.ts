import type { RoutingState } from '../controller/state.ts';
import type { Problem } from '../routing/types.ts';
import type { EdgeStats } from '../proxy/edge-stats.ts';

export interface SourceStatus {
  readonly name: string;
  readonly synced: boolean;
  readonly detail?: unknown;
}

export interface Readiness {
  readonly ready: boolean;
  readonly reasons: string[];
}

export interface StatusCounts {
  readonly ingresses: number;
  readonly hosts: number;
  readonly routes: number;
  readonly backends: number;
  readonly endpoints: number;
  readonly problems: number;
}

/** GET /api/v1/status. Field names are stable (README). */
export interface StatusView {
  readonly generation: number;
  readonly synced: boolean;
  readonly ready: boolean;
  readonly readinessReasons: readonly string[];
  readonly builtAt: string | null;
  readonly buildMs: number | null;
  readonly counts: StatusCounts;
  readonly problems: readonly Problem[];
  readonly sources: readonly SourceStatus[];
  readonly leader: boolean | null;
  readonly edge: EdgeStats | null;
}

export function statusView(
  state: RoutingState | null,
  readiness: Readiness,
  sources: readonly SourceStatus[],
  leader: boolean | null,
  edge: EdgeStats | null,
): StatusView {
  return {
    generation: state?.generation ?? 0,
    synced: state !== null && sources.every((s) => s.synced),
    ready: readiness.ready,
    readinessReasons: readiness.reasons,
    builtAt: state?.builtAt ?? null,
    buildMs: state?.buildMs ?? null,
    counts: state === null ? emptyCounts : countsOf(state),
    problems: state?.result.problems ?? [],
    sources,
    leader,
    edge: edge ?? null,
  };
}

const emptyCounts: StatusCounts = { ingresses: 0, hosts: 0, routes: 0, backends: 0, endpoints: 0, problems: 0 };

function countsOf(state: RoutingState): StatusCounts {
  const { table, endpoints, problems, ownedIngresses } = state.result;
  let routes = 0;
  for (const host of table.hosts) routes += host.routes.length;
  let endpointCount = 0;
  for (const backend of endpoints.values()) endpointCount += backend.all.length;
  return {
    ingresses: ownedIngresses.length,
    hosts: table.hosts.length,
    routes,
    backends: endpoints.size,
    endpoints: endpointCount,
    problems: problems.length,
  };
}
