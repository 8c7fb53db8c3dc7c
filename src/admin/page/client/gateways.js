// @ts-check
// Gateway API beside the Ingress hosts: one panel per Gateway (its conditions, then per listener port the
// hosts and routes it serves), the routes' parent status, and the explainer's choice of edge.
import { byId, h } from './dom.js';

/** @typedef {import('../../page-model.ts').PageModel} PageModel */
/** @typedef {import('../../gateway-view.ts').GatewaysView} GatewaysView */
/** @typedef {import('../../gateway-view.ts').GatewayView} GatewayView */
/** @typedef {import('../../gateway-view.ts').ConditionView} ConditionView */
/** @typedef {import('../../routes-view.ts').HostView} HostView */
/** @typedef {import('../../routes-view.ts').BackendView} BackendView */

/** @param {ConditionView} c */
function conditionPill(c) {
  const cls = c.status === 'True' ? 'pill ok' : c.status === 'False' ? 'pill bad' : 'pill muted';
  return h(
    'span',
    { class: cls, title: `${c.reason}: ${c.message}` },
    `${c.type}${c.status === 'True' ? '' : ` (${c.reason})`}`,
  );
}

/**
 * @param {PageModel} model
 * @param {string} key
 * @returns {BackendView | undefined}
 */
function backendOf(model, key) {
  return model.routes.backends[key] ?? model.routes.gateways?.backends[key];
}

/**
 * @param {PageModel} model
 * @param {HostView} host
 */
function hostRows(model, host) {
  const name = host.host === '' ? '(any host)' : host.host;
  const targets = host.defaultBackend
    ? [...host.routes, { ...host.defaultBackend, path: '(default)', pathType: '' }]
    : host.routes;
  return targets.map((r) => {
    const backend = backendOf(model, r.backend);
    const route = `${r.source.namespace}/${r.source.name}`;
    const ready = backend ? `${backend.counts.ready} ready` : 'unknown backend';
    const text = [name, r.path, r.backend, route].join(' ').toLowerCase();
    return h(
      'tr',
      { class: 'route filterable', 'data-text': text },
      h('td', { 'data-label': 'Host' }, h('span', { class: 'mono' }, name)),
      h(
        'td',
        { 'data-label': 'Path' },
        h('div', { class: 'path mono' }, r.path),
        h('div', { class: 'sub' }, r.pathType),
      ),
      h('td', { 'data-label': 'Backend' }, h('div', { class: 'mono' }, r.backend)),
      h(
        'td',
        { 'data-label': 'Endpoints' },
        h('span', { class: backend?.counts.ready ? 'ep ready' : 'ep zero' }, ready),
      ),
      h('td', { 'data-label': 'Route' }, h('span', { class: 'mono' }, route)),
    );
  });
}

// Fresh header cells per table: a DOM node appended twice moves, leaving the first table without a header.
function listenerHeads() {
  return ['Host', 'Path', 'Backend', 'Endpoints', 'Route'].map((t) => h('th', null, t));
}

/**
 * @param {PageModel} model
 * @param {GatewayView} g
 */
function gatewayPanel(model, g) {
  const name = `${g.namespace}/${g.name}`;
  const listeners = g.listeners.map((l) =>
    h(
      'div',
      { class: 'gateway-listener' },
      h('div', { class: 'sub listener-head' }, `:${l.port} ${l.protocol} · listeners ${l.listenerNames.join(', ')}`),
      l.hosts.length
        ? h(
            'table',
            { class: 'routes' },
            h('thead', null, h('tr', null, listenerHeads())),
            h(
              'tbody',
              null,
              l.hosts.flatMap((host) => hostRows(model, host)),
            ),
          )
        : h('div', { class: 'none' }, 'no routes attached'),
    ),
  );
  return h(
    'section',
    { class: 'panel host gateway filterable-group', 'data-text': `gateway ${name}`.toLowerCase() },
    h(
      'header',
      null,
      h('span', { class: 'host-name' }, name),
      h('span', { class: 'badge' }, `Gateway${g.gatewayClass ? ` · ${g.gatewayClass}` : ''}`),
      g.conditions.map(conditionPill),
    ),
    listeners.length ? listeners : h('div', { class: 'body none' }, 'no listener served'),
  );
}

/** @param {GatewaysView} view */
function routesPanel(view) {
  const rows = view.routes.flatMap((r) =>
    r.parents.map((p) =>
      h(
        'tr',
        { class: 'filterable', 'data-text': `${r.kind} ${r.namespace}/${r.name} ${p.parent}`.toLowerCase() },
        h('td', { 'data-label': 'Route' }, h('span', { class: 'mono' }, `${r.kind} ${r.namespace}/${r.name}`)),
        h('td', { 'data-label': 'Parent' }, h('span', { class: 'mono' }, p.parent)),
        h('td', { 'data-label': 'Status' }, p.conditions.map(conditionPill)),
      ),
    ),
  );
  const heads = ['Route', 'Parent', 'Status'].map((t) => h('th', null, t));
  return h(
    'section',
    { class: 'panel host filterable-group', 'data-text': 'gateway routes' },
    h(
      'header',
      null,
      h('span', { class: 'host-name' }, 'Gateway API routes'),
      h('span', { class: 'badge' }, `${view.routes.length}`),
    ),
    h('table', { class: 'routes' }, h('thead', null, h('tr', null, heads)), h('tbody', null, rows)),
  );
}

/** @param {PageModel} model */
export function renderGateways(model) {
  const view = model.routes.gateways;
  const sections = view ? view.gateways.map((g) => gatewayPanel(model, g)) : [];
  if (view && view.routes.length) sections.push(routesPanel(view));
  byId('gateways').replaceChildren(h('div', { class: 'hosts' }, sections));
  renderExplainChoices(model);
}

/**
 * The explainer's select: the Ingress edge, then every Gateway listener ("namespace/name:port").
 * @param {PageModel} model
 */
function renderExplainChoices(model) {
  const select = /** @type {HTMLSelectElement} */ (byId('explain-on'));
  const kept = select.value;
  const listeners = (model.routes.gateways?.gateways ?? []).flatMap((g) =>
    g.listeners.map((l) => `${g.namespace}/${g.name}:${l.port}`),
  );
  select.replaceChildren(
    h('option', { value: '' }, 'Ingress edge'),
    ...listeners.map((value) => h('option', { value }, `Gateway ${value}`)),
  );
  select.hidden = listeners.length === 0;
  select.value = listeners.includes(kept) ? kept : '';
}

/** The explain query's `gateway` and `port` for the chosen edge ('' for the Ingress edge). */
export function explainOnQuery() {
  const value = /** @type {HTMLSelectElement} */ (byId('explain-on')).value;
  const colon = value.lastIndexOf(':');
  if (value === '' || colon < 0) return '';
  return `&gateway=${encodeURIComponent(value.slice(0, colon))}&port=${encodeURIComponent(value.slice(colon + 1))}`;
}
