import { escapeHtml, jsonForScript } from '../escape-html.ts';
import type { PageModel } from '../page-model.ts';
import { CLIENT_ENTRY } from './client-files.ts';
import { PAGE_STYLES } from './page-styles.ts';
import { renderGatewaysFallback } from './render-gateways.ts';

/**
 * The status page: a shell whose sections the client modules (/page/*.js) render from the embedded
 * model (and re-render from /api/v1/events). Without JavaScript, a plain summary is shown instead.
 * Every user string on the server side goes through escapeHtml; the model is embedded with jsonForScript.
 */
export function renderPage(model: PageModel, nowMs: number): string {
  const { status } = model;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>sluice · generation ${status.generation}</title>
<link rel="icon" href="data:,">
<style>${PAGE_STYLES}</style>
</head>
<body>
<header class="top"><div class="wrap">
  <span class="brand"><span class="logo" aria-hidden="true"></span>sluice</span>
  <span id="readiness">${status.ready ? '<span class="pill ok">Ready</span>' : '<span class="pill bad">Not ready</span>'}</span>
  <span class="meta">
    <span>generation <b id="generation">${status.generation}</b></span>
    <span>built <b id="built" title="${escapeHtml(status.builtAt ?? '')}">${escapeHtml(status.builtAt ?? 'not yet')}</b></span>
    <span>in <b id="build-ms">${status.buildMs === null ? '–' : `${escapeHtml(status.buildMs.toFixed(1))} ms`}</b></span>
    <span>leader <b id="leader">${status.leader === null ? 'n/a' : status.leader ? 'yes' : 'no'}</b></span>
    <span>sources <b id="sources">${escapeHtml(status.sources.map((s) => s.name).join(', ') || 'none')}</b></span>
  </span>
  <span class="spacer"></span>
  <span id="live" class="live">connecting</span>
  <input id="filter" type="search" placeholder="Filter hosts, paths, services, Ingresses" aria-label="Filter">
</div></header>
<div class="wrap">
<main>
  <div id="tiles"></div>
  <div id="not-ready"></div>
  <section class="panel" aria-labelledby="problems-title">
    <h2 id="problems-title">Problems <span id="problem-count" class="pill ${status.problems.length > 0 ? 'bad' : 'ok'}">${status.problems.length}</span></h2>
    <div class="body" id="problems"></div>
  </section>
  <section class="panel" aria-labelledby="audit-title">
    <h2 id="audit-title">Ingress annotations <span id="audit-summary" class="pill muted">loading</span></h2>
    <div class="body" id="audit"></div>
  </section>
  <section class="panel explain" aria-labelledby="explain-title">
    <h2 id="explain-title">Route explainer</h2>
    <div class="body">
      <form id="explain-form">
        <input id="explain-input" type="text" autocomplete="off" spellcheck="false" placeholder="https://shop.example.com/cart?x=1 — or host/path" aria-label="URL to explain">
        <select id="explain-on" aria-label="Explain on" hidden></select>
        <button type="submit">Explain</button>
      </form>
      <div id="explain-result"></div>
    </div>
  </section>
  <section class="panel" aria-labelledby="tables-title">
    <h2 id="tables-title">Routing tables</h2>
    <div class="body charts" id="table-charts"></div>
  </section>
  <div id="hosts"></div>
  <div id="gateways"></div>
  <noscript>${renderFallback(model, nowMs)}${renderGatewaysFallback(model)}</noscript>
</main>
<footer>JSON: <a href="/api/v1/status">status</a><a href="/api/v1/routes">routes</a><a href="/api/v1/ingresses">ingresses</a><a href="/metrics">metrics</a><a href="/readyz">readyz</a></footer>
</div>
<script type="application/json" id="model">${jsonForScript(model)}</script>
<script type="module" src="/page/${CLIENT_ENTRY}"></script>
</body>
</html>
`;
}

/** The page without JavaScript: hosts with their paths and backends, and the problems. */
export function renderFallback(model: PageModel, nowMs: number): string {
  const hosts = model.routes.hosts
    .map((host) => {
      const tls =
        host.tls === null
          ? ''
          : ` <small>TLS ${escapeHtml(host.tls.secret)}${host.tls.notAfter === null ? '' : `, expires ${escapeHtml(host.tls.notAfter)}`}</small>`;
      const routes = host.routes
        .map(
          (r) =>
            `<li><code>${escapeHtml(r.path)}</code> ${escapeHtml(r.pathType)} → ${escapeHtml(r.backend)} (${escapeHtml(`${r.source.namespace}/${r.source.name}`)})</li>`,
        )
        .join('');
      return `<section class="panel"><div class="body"><b class="host-name">${escapeHtml(host.host === '' ? '(any host)' : host.host)}</b>${tls}<ul>${routes}</ul></div></section>`;
    })
    .join('');
  const problems = model.status.problems
    .map(
      (p) =>
        `<li>${escapeHtml(`${p.object.kind} ${p.object.namespace}/${p.object.name}`)}: <b>${escapeHtml(p.code)}</b> at <code class="field">${escapeHtml(p.field)}</code>: ${escapeHtml(p.message)}</li>`,
    )
    .join('');
  return `<div class="panel"><div class="body"><p>Rendered at ${escapeHtml(new Date(nowMs).toISOString())}; enable JavaScript for live updates.</p><ul>${problems}</ul></div></div>${hosts}`;
}
