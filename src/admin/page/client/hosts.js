// @ts-check
// One panel per host: its routes with backend, endpoints, Ingress and the last minute's stats.
import { chartsFor, resetCharts } from './charts.js';
import { byId, h, millis, rate } from './dom.js';
import { problemIngresses } from './status.js';

/** @typedef {import('../../page-model.ts').PageModel} PageModel */
/** @typedef {import('../../routes-view.ts').TargetView} TargetView */
/** @typedef {import('../../routes-view.ts').BackendView} BackendView */
/** @typedef {import('../../routes-view.ts').TlsView} TlsView */
/** @typedef {import('../../routes-view.ts').RouteStatsView} RouteStatsView */
/** @typedef {{ td: HTMLElement, kind: 'rate' | 'errors' | 'p99' }} StatCell */

/** Stat cells by "namespace/ingress/service", repainted on each stats event. */
let statCells = /** @type {Map<string, StatCell[]>} */ (new Map());

/**
 * @param {PageModel} model
 * @param {TargetView} target
 */
export function statsKey(model, target) {
  const backend = model.routes.backends[target.backend];
  return `${target.source.namespace}/${target.source.name}/${backend ? backend.service : ''}`;
}

/** @param {TlsView | null} tls */
function tlsChip(tls) {
  if (!tls) return null;
  if (!tls.valid) return h('span', { class: 'tls bad' }, `✖ TLS secret ${tls.secret} unusable`);
  const days = tls.expiresInDays;
  const notAfter = (tls.notAfter ?? '').slice(0, 10);
  const cls = days === null ? 'tls' : days < 0 ? 'tls bad' : days < 14 ? 'tls warn' : 'tls ok';
  const when =
    days === null ? 'expiry unknown' : days < 0 ? `expired ${notAfter}` : `expires ${notAfter} (${Math.floor(days)} d)`;
  const names = tls.dnsNames.length ? `; names: ${tls.dnsNames.join(', ')}` : '';
  return h(
    'span',
    { class: cls, title: `Secret ${tls.secret}${names}` },
    (days !== null && days < 14 ? '⚠ ' : '🔒 ') + when,
    h('span', { class: 'who' }, `${tls.subject} · issued by ${tls.issuer}`),
  );
}

/** @param {BackendView | undefined} backend */
function endpointsCell(backend) {
  if (!backend) return h('span', { class: 'state-bad' }, 'unknown backend');
  if (backend.state === 'external-name' && backend.externalName)
    return h('span', { class: 'sub' }, `ExternalName ${backend.externalName.host}:${backend.externalName.port}`);
  const c = backend.counts;
  const chips = h(
    'div',
    { class: 'eps' },
    h('span', { class: `ep ${c.ready ? 'ready' : 'zero'}`, title: 'ready' }, `${c.ready} ready`),
    c.terminating ? h('span', { class: 'ep terminating', title: 'terminating' }, `${c.terminating} terminating`) : null,
    c.ejected ? h('span', { class: 'ep ejected', title: 'ejected by the balancer' }, `${c.ejected} ejected`) : null,
    c.notReady ? h('span', { class: 'ep not-ready', title: 'not ready' }, `${c.notReady} not ready`) : null,
  );
  const list = backend.endpoints.length
    ? h(
        'details',
        { class: 'ep-list' },
        h('summary', null, 'endpoints'),
        h(
          'ul',
          null,
          backend.endpoints.map((e) => {
            // The spelling of endpointKey() (src/routing/endpoint-key.ts), which `next` uses: IPv6 in brackets.
            const key = `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`;
            return h(
              'li',
              null,
              `${key} ${e.health}${e.pod ? ` (${e.pod})` : ''}${backend.next === key ? ' ← next' : ''}`,
            );
          }),
        ),
      )
    : null;
  return [chips, backend.reason ? h('div', { class: 'state-bad' }, backend.reason) : null, list];
}

/**
 * @param {string} key
 * @param {StatCell['kind']} kind
 * @param {string} label
 * @param {RouteStatsView | null} stats
 */
function statCell(key, kind, label, stats) {
  /** @type {StatCell} */
  const cell = { td: h('td', { class: 'num', 'data-label': label }), kind };
  const cells = statCells.get(key) ?? [];
  cells.push(cell);
  statCells.set(key, cells);
  paintStat(cell, stats);
  return cell.td;
}

/**
 * @param {StatCell} cell
 * @param {RouteStatsView | null} stats
 */
function paintStat(cell, stats) {
  const td = cell.td;
  td.className = 'num';
  if (!stats || stats.requests === 0) {
    td.textContent = cell.kind === 'rate' ? '0' : '–';
    return;
  }
  if (cell.kind === 'rate') td.textContent = rate(stats.requestsPerSecond);
  else if (cell.kind === 'errors') {
    td.textContent = `${(stats.errorRate * 100).toFixed(stats.errorRate > 0 && stats.errorRate < 0.01 ? 2 : 1)} %`;
    if (stats.errorRate >= 0.05) td.className = 'num err-high';
  } else td.textContent = stats.p99Ms === null ? '–' : millis(stats.p99Ms);
}

/**
 * @param {PageModel} model
 * @param {TargetView} target
 * @param {string} pathText
 * @param {string} typeText
 * @param {Set<string>} problems
 */
function routeRow(model, target, pathText, typeText, problems) {
  const backend = model.routes.backends[target.backend];
  const key = statsKey(model, target);
  const ingress = `${target.source.namespace}/${target.source.name}`;
  const serviceText = backend ? `${backend.service}:${backend.port}` : target.backend;
  const text = [pathText, serviceText, ingress].join(' ').toLowerCase();
  const badState = backend && backend.state !== 'ok' && backend.state !== 'external-name';
  return h(
    'tr',
    { class: `route filterable${problems.has(ingress) ? ' has-problem' : ''}`, 'data-text': text, 'data-stats': key },
    h('td', { 'data-label': 'Path' }, h('div', { class: 'path mono' }, pathText), h('div', { class: 'sub' }, typeText)),
    h(
      'td',
      { 'data-label': 'Backend' },
      h('div', { class: 'mono' }, serviceText),
      badState ? h('div', { class: 'state-bad' }, backend.state) : null,
    ),
    h('td', { 'data-label': 'Endpoints' }, endpointsCell(backend)),
    h(
      'td',
      { 'data-label': 'Ingress' },
      h('span', { class: 'mono' }, ingress),
      problems.has(ingress) ? h('div', { class: 'state-bad' }, 'has problems') : null,
    ),
    statCell(key, 'rate', 'Req/s', target.stats),
    statCell(key, 'errors', 'Errors', target.stats),
    statCell(key, 'p99', 'p99', target.stats),
    h('td', { class: 'trend', 'data-label': '15 min' }, chartsFor([key])),
  );
}

/** @param {HTMLElement[]} rows */
function routesTable(rows) {
  const heads = ['Path', 'Backend', 'Endpoints', 'Ingress'].map((t) => h('th', null, t));
  const nums = ['Req/s', 'Errors', 'p99'].map((t) => h('th', { class: 'num' }, t));
  const trend = h('th', null, 'Last 15 min');
  return h('table', { class: 'routes' }, h('thead', null, h('tr', null, heads, nums, trend)), h('tbody', null, rows));
}

/** @param {PageModel} model */
export function renderHosts(model) {
  statCells = new Map();
  resetCharts();
  const problems = problemIngresses(model.status);
  const routes = model.routes;
  const sections = routes.hosts.map((host) => {
    const rows = host.routes.map((r) =>
      routeRow(
        model,
        r,
        r.path,
        r.pathType + (r.pathType === 'ImplementationSpecific' ? ' (as Prefix)' : ''),
        problems,
      ),
    );
    if (host.defaultBackend)
      rows.push(routeRow(model, host.defaultBackend, '(default backend)', 'unmatched paths', problems));
    const name = host.host === '' ? '(any host)' : host.host;
    const targets = host.defaultBackend ? [...host.routes, host.defaultBackend] : host.routes;
    const keys = [...new Set(targets.map((t) => statsKey(model, t)))];
    return h(
      'section',
      { class: 'panel host filterable-group', 'data-text': name.toLowerCase() },
      h(
        'header',
        null,
        h('span', { class: 'host-name' }, name),
        h('span', { class: 'badge' }, host.kind),
        tlsChip(host.tls),
        h('span', { class: 'spacer' }),
        chartsFor(keys),
      ),
      routesTable(rows),
    );
  });
  if (routes.defaultBackend) {
    sections.push(
      h(
        'section',
        { class: 'panel host filterable-group', 'data-text': 'default backend' },
        h(
          'header',
          null,
          h('span', { class: 'host-name' }, '(unmatched hosts)'),
          h('span', { class: 'badge' }, 'default backend'),
        ),
        routesTable([routeRow(model, routes.defaultBackend, '/', 'every path', problems)]),
      ),
    );
  }
  if (!sections.length) {
    const waiting =
      model.status.generation === 0
        ? 'Waiting for the first routing table…'
        : 'No routes: no Ingress of this class yet.';
    sections.push(h('div', { class: 'panel' }, h('div', { class: 'body none' }, waiting)));
  }
  byId('hosts').replaceChildren(h('div', { class: 'hosts' }, sections));
}

/** @param {Readonly<Record<string, RouteStatsView>>} stats */
export function paintStats(stats) {
  for (const [key, cells] of statCells) for (const cell of cells) paintStat(cell, stats[key] ?? null);
}

/**
 * Hides hosts, routes, problem groups and audited Ingresses that do not contain the text.
 * @param {string} q lower-case filter text, '' for all
 */
export function applyFilter(q) {
  for (const group of document.querySelectorAll('.filterable-group')) {
    const groupHit = !q || (group.getAttribute('data-text') ?? '').includes(q);
    let anyRow = false;
    for (const row of group.querySelectorAll('tr.filterable')) {
      const hit = groupHit || (row.getAttribute('data-text') ?? '').includes(q);
      row.classList.toggle('hidden', !hit);
      anyRow = anyRow || hit;
    }
    group.classList.toggle('hidden', !(groupHit || anyRow));
  }
  for (const group of document.querySelectorAll('.problem-group, .audit-ingress')) {
    group.classList.toggle('hidden', !!q && !(group.textContent ?? '').toLowerCase().includes(q));
  }
}
