import type { RoutingState } from '../controller/state.ts';
import type { RouteStats } from '../telemetry/metrics.ts';
import { statsKey } from './routes-view.ts';

/** 90 samples × 10 s: the last 15 minutes. */
export const HISTORY_SLOTS = 90;
export const HISTORY_SAMPLE_MS = 10_000;

/** One sample of one route: the last minute's rate, 5xx share and p99 as of `t`. */
export type RoutePoint = readonly [requestsPerSecond: number, errorRate: number, p99Ms: number | null];

export interface TablePoint {
  /** Epoch ms when the table was seen. */
  readonly t: number;
  readonly generation: number;
  readonly buildMs: number;
}

/** GET /api/v1/history: oldest first; route series share the sample times `t`. */
export interface HistoryView {
  readonly sampleMs: number;
  readonly slots: number;
  readonly t: readonly number[];
  /** By "namespace/ingress/service"; `null` where the route had no sample yet. */
  readonly routes: Readonly<Record<string, readonly (RoutePoint | null)[]>>;
  readonly tables: readonly TablePoint[];
}

/** The newest sample, sent with each stats event so an open page appends it. */
export interface HistorySample {
  readonly t: number;
  readonly routes: Readonly<Record<string, RoutePoint>>;
}

/** Fixed-size ring per route (three Float64Arrays); a route's ring goes when the route leaves the stats. */
class RouteRing {
  readonly rate = new Float64Array(HISTORY_SLOTS);
  readonly errors = new Float64Array(HISTORY_SLOTS);
  /** NaN: no p99 (no requests). */
  readonly p99 = new Float64Array(HISTORY_SLOTS).fill(Number.NaN);
  /** Samples written so far, capped at HISTORY_SLOTS; older slots read as null. */
  filled = 0;
}

/**
 * The page's charts' memory: per route the last 15 minutes of rate, 5xx share and p99 (sampled from
 * the rolling windows every 10 s), and the last 90 routing tables with their build times.
 */
export class TrafficHistory {
  private readonly times = new Float64Array(HISTORY_SLOTS);
  private next = 0;
  private count = 0;
  private readonly rings = new Map<string, RouteRing>();
  private readonly tables: TablePoint[] = [];
  private latest: HistorySample | null = null;
  private readonly sampleMs: number;

  constructor(sampleMs = HISTORY_SAMPLE_MS) {
    this.sampleMs = sampleMs;
  }

  /** Takes one sample of every route's stats; rings of routes no longer reported are dropped. */
  sample(nowMs: number, stats: readonly RouteStats[]): HistorySample {
    const slot = this.next;
    this.times[slot] = nowMs;
    this.next = (slot + 1) % HISTORY_SLOTS;
    this.count = Math.min(this.count + 1, HISTORY_SLOTS);
    const seen = new Set<string>();
    const points: Record<string, RoutePoint> = {};
    for (const s of stats) {
      const key = statsKey(s.namespace, s.ingress, s.service);
      seen.add(key);
      let ring = this.rings.get(key);
      if (ring === undefined) this.rings.set(key, (ring = new RouteRing()));
      ring.rate[slot] = s.requestsPerSecond;
      ring.errors[slot] = s.errorRate;
      ring.p99[slot] = s.p99Ms ?? Number.NaN;
      ring.filled = Math.min(ring.filled + 1, HISTORY_SLOTS);
      points[key] = [s.requestsPerSecond, s.errorRate, s.p99Ms];
    }
    for (const key of this.rings.keys()) if (!seen.has(key)) this.rings.delete(key);
    this.latest = { t: nowMs, routes: points };
    return this.latest;
  }

  /** Notes a new routing table (once per generation). */
  observeTable(nowMs: number, state: RoutingState | null): void {
    if (state === null) return;
    const last = this.tables[this.tables.length - 1];
    if (last !== undefined && last.generation === state.generation) return;
    this.tables.push({ t: nowMs, generation: state.generation, buildMs: state.buildMs });
    if (this.tables.length > HISTORY_SLOTS) this.tables.shift();
  }

  latestSample(): HistorySample | null {
    return this.latest;
  }

  view(): HistoryView {
    const order: number[] = [];
    for (let i = this.count; i > 0; i--) order.push((this.next - i + HISTORY_SLOTS) % HISTORY_SLOTS);
    const routes: Record<string, (RoutePoint | null)[]> = {};
    for (const [key, ring] of this.rings) {
      routes[key] = order.map((slot, i) =>
        i < order.length - ring.filled
          ? null
          : [ring.rate[slot], ring.errors[slot], Number.isNaN(ring.p99[slot]) ? null : ring.p99[slot]],
      );
    }
    return {
      sampleMs: this.sampleMs,
      slots: HISTORY_SLOTS,
      t: order.map((slot) => this.times[slot]),
      routes,
      tables: [...this.tables],
    };
  }
}

export interface HistorySamplerOptions {
  readonly sampleMs: number;
  getState(): RoutingState | null;
  routeStats(nowMs: number): readonly RouteStats[];
  now(): number;
}

/**
 * Samples the routes every `sampleMs` and looks for a new table every second (or every sample when
 * that is shorter), whether or not a page is open. Returns a stop function.
 */
export function startHistorySampler(history: TrafficHistory, options: HistorySamplerOptions): () => void {
  const tableMs = Math.min(1000, options.sampleMs);
  let sinceSample = options.sampleMs; // the first tick samples at once
  const tick = () => {
    const now = options.now();
    history.observeTable(now, options.getState());
    if (sinceSample >= options.sampleMs) {
      sinceSample = 0;
      history.sample(now, options.routeStats(now));
    }
    sinceSample += tableMs;
  };
  tick();
  const timer = setInterval(tick, tableMs);
  timer.unref();
  return () => clearInterval(timer);
}
