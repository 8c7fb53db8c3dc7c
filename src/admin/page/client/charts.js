// @ts-check
// Small inline SVG charts of the last 15 minutes: per route and per host (request rate, 5xx share,
// p99) and the routing tables (build time per generation). The history comes from /api/v1/history
// and grows by one sample with each stats event; every chart keeps at most `slots` points.
import { h, millis, rate } from './dom.js';

/** @typedef {import('../../traffic-history.ts').HistoryView} HistoryView */
/** @typedef {import('../../traffic-history.ts').HistorySample} HistorySample */
/** @typedef {import('../../traffic-history.ts').RoutePoint} RoutePoint */
/** @typedef {{ el: HTMLElement, keys: string[] }} ChartSlot */

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 90;
const HEIGHT = 22;

/** @type {{ slots: number, t: number[], routes: Map<string, (RoutePoint | null)[]>, tables: HistoryView['tables'] }} */
const history = { slots: 90, t: [], routes: new Map(), tables: [] };
/** @type {ChartSlot[]} */
let slots = [];
/** @type {HTMLElement | null} */
let tableSlot = null;

/** @param {HistoryView} view */
export function setHistory(view) {
  history.slots = view.slots;
  history.t = [...view.t];
  history.routes = new Map(Object.entries(view.routes).map(([key, points]) => [key, [...points]]));
  history.tables = view.tables;
  paintCharts();
}

/**
 * Appends the newest sample (ignored when not newer than the last one), keeping `slots` points.
 * @param {HistorySample} sample
 */
export function appendSample(sample) {
  if (history.t.length > 0 && sample.t <= history.t[history.t.length - 1]) return;
  history.t.push(sample.t);
  for (const key of Object.keys(sample.routes)) {
    if (!history.routes.has(key))
      history.routes.set(
        key,
        history.t.slice(0, -1).map(() => null),
      );
  }
  for (const [key, points] of history.routes) {
    const point = sample.routes[key];
    if (point === undefined) history.routes.delete(key);
    else points.push(point);
  }
  if (history.t.length > history.slots) {
    history.t.shift();
    for (const points of history.routes.values()) points.shift();
  }
  paintCharts();
}

/** Forgets the chart places before the hosts are rendered again. */
export function resetCharts() {
  slots = [];
}

/**
 * A place for the three charts of the routes with these stats keys (one key: a route; several: a host).
 * @param {string[]} keys
 */
export function chartsFor(keys) {
  const el = h('div', { class: 'charts', 'data-keys': keys.join(' ') });
  slots.push({ el, keys });
  paintSlot({ el, keys });
  return el;
}

/** @param {HTMLElement} el */
export function placeTableCharts(el) {
  tableSlot = el;
  paintTables();
}

export function paintCharts() {
  for (const slot of slots) paintSlot(slot);
  paintTables();
}

/** @param {ChartSlot} slot */
function paintSlot(slot) {
  const series = slot.keys.map((key) => history.routes.get(key) ?? []);
  const n = Math.max(0, ...series.map((s) => s.length));
  const rates = [];
  const errors = [];
  const p99s = [];
  for (let i = 0; i < n; i++) {
    let requests = 0;
    let failing = 0;
    /** @type {number | null} */
    let p99 = null;
    let any = false;
    for (const points of series) {
      const point = points[i - (n - points.length)];
      if (!point) continue;
      any = true;
      requests += point[0];
      failing += point[0] * point[1];
      // p99 of several routes: the worst one's (an upper bound).
      if (point[2] !== null) p99 = p99 === null ? point[2] : Math.max(p99, point[2]);
    }
    rates.push(any ? requests : null);
    errors.push(any ? (requests > 0 ? failing / requests : 0) : null);
    p99s.push(any ? p99 : null);
  }
  slot.el.replaceChildren(
    chart('rate', 'req/s', rates, null, rate),
    chart('errors', '5xx', errors, 1, (v) => `${(v * 100).toFixed(1)} %`),
    chart('p99', 'p99', p99s, null, millis),
  );
}

function paintTables() {
  if (tableSlot === null) return;
  const builds = history.tables.map((t) => t.buildMs);
  const last = history.tables[history.tables.length - 1];
  tableSlot.replaceChildren(
    chart('build', 'build time per table', builds, null, millis),
    h(
      'span',
      { class: 'sub' },
      last
        ? `${history.tables.length} ${history.tables.length === 1 ? 'table' : 'tables'}, last generation ${last.generation}`
        : 'no table yet',
    ),
  );
}

/**
 * One labelled sparkline; null values leave gaps. `max` fixes the scale (else the series' own max).
 * @param {string} kind
 * @param {string} label
 * @param {(number | null)[]} values
 * @param {number | null} max
 * @param {(v: number) => string} format
 */
function chart(kind, label, values, max, format) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('class', `spark ${kind}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  const present = /** @type {number[]} */ (values.filter((v) => v !== null));
  const top = max ?? Math.max(0, ...present);
  const scale = top > 0 ? (HEIGHT - 2) / top : 0;
  const step = values.length > 1 ? WIDTH / (values.length - 1) : WIDTH;
  /** @type {string[]} */
  let run = [];
  const flush = () => {
    if (run.length === 0) return;
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute(
      'points',
      run.length === 1 ? `${run[0]} ${run[0].replace(/^[^,]*/, String(WIDTH))}` : run.join(' '),
    );
    svg.append(line);
    run = [];
  };
  values.forEach((v, i) => {
    if (v === null) flush();
    else run.push(`${(i * step).toFixed(1)},${(HEIGHT - 1 - v * scale).toFixed(1)}`);
  });
  flush();
  const latest = present.length > 0 ? format(present[present.length - 1]) : '–';
  const title = document.createElementNS(SVG, 'title');
  title.textContent = `${label}, last 15 min; now ${latest}`;
  svg.append(title);
  return h('span', { class: `chart ${kind}` }, svg, h('span', { class: 'v' }, `${label} ${latest}`));
}
