// @ts-check
// The route explainer: asks /api/v1/explain and shows the verdict, the match and what was passed over.
import { byId, h, replace } from './dom.js';
import { explainOnQuery } from './gateways.js';

/** @typedef {import('../../gateway-explain.ts').ExplainAnswer} ExplainView */

/** @param {ExplainView} x */
function renderExplanation(x) {
  const verdict = x.result === 'none' || x.outcome.startsWith('503') ? 'bad' : 'ok';
  /** @type {[string, string][]} */
  const rows = [
    ['Request', x.host + x.path],
    ['Edge', x.gateway ? `Gateway ${x.gateway.name} port ${x.gateway.port}` : 'Ingress'],
    ['Host rules', x.hostMatch],
  ];
  if (x.match) {
    const where = `${x.match.host === '' ? '(any host)' : x.match.host} ${x.match.path} (${x.match.pathType})`;
    rows.push(['Matched', x.result === 'path' ? where : x.result]);
    rows.push([
      x.gateway ? 'Route' : 'Ingress',
      `${x.match.source.namespace}/${x.match.source.name}${x.match.field ? ` · ${x.match.field}` : ''}`,
    ]);
    rows.push(['Backend', x.match.backend]);
    rows.push(['Next endpoint', x.next ? x.next : x.usable.length ? `one of ${x.usable.join(', ')}` : 'none usable']);
  }
  const dl = h(
    'dl',
    { class: 'kv' },
    rows.map(([k, v]) => [h('dt', null, k), h('dd', { class: 'mono' }, v)]),
  );
  const passed = x.passedOver.length
    ? [
        h('div', { class: 'sub' }, 'Passed over'),
        h(
          'ul',
          { class: 'passed' },
          x.passedOver.map((c) =>
            h(
              'li',
              null,
              h(
                'span',
                { class: 'mono' },
                (c.host === '' ? '(any host)' : c.host) + (c.path === null ? '' : ` ${c.path} (${c.pathType})`),
              ),
              ` — ${c.reason} [${c.source.namespace}/${c.source.name}]`,
            ),
          ),
        ),
      ]
    : null;
  replace('explain-result', h('div', null, h('div', { class: `verdict ${verdict}` }, x.outcome), dl, passed));
}

/** @param {string} message */
function fail(message) {
  replace('explain-result', h('div', { class: 'verdict bad' }, message));
}

/** @param {SubmitEvent} event */
async function explain(event) {
  event.preventDefault();
  const value = /** @type {HTMLInputElement} */ (byId('explain-input')).value.trim();
  if (!value) return;
  if (value.startsWith('/')) {
    fail('Type a host too, e.g. shop.example.com/cart');
    return;
  }
  try {
    const response = await fetch(`/api/v1/explain?url=${encodeURIComponent(value)}${explainOnQuery()}`, {
      headers: { accept: 'application/json' },
    });
    const body = await response.json();
    if (!response.ok) fail(body.error || body.message || 'error');
    else renderExplanation(body);
  } catch {
    fail('The admin server did not answer.');
  }
}

export function wireExplainer() {
  byId('explain-form').addEventListener('submit', explain);
}
