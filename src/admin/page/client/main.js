// @ts-check
// The status page's client: renders every section from the embedded model and keeps it live
// through /api/v1/events (a `model` event per new generation, `stats` every few seconds).
import { loadAudit } from './audit.js';
import { appendSample, placeTableCharts, setHistory } from './charts.js';
import { byId } from './dom.js';
import { wireExplainer } from './explain.js';
import { renderGateways } from './gateways.js';
import { applyFilter, paintStats, renderHosts } from './hosts.js';
import { renderBuiltAgo, renderHeader, renderProblems } from './status.js';

/** @typedef {import('../../page-model.ts').PageModel} PageModel */
/** @typedef {import('../../page-model.ts').StatsUpdate} StatsUpdate */

/** @type {PageModel} */
let model = JSON.parse(byId('model').textContent ?? 'null');
let filterText = '';

function renderAll() {
  renderHeader(model.status);
  renderProblems(model.status);
  renderHosts(model);
  renderGateways(model);
  applyFilter(filterText);
}

/** The charts' 15 minutes, fetched on each (re)connection and each new table. */
async function loadHistory() {
  try {
    const response = await fetch('/api/v1/history', { headers: { accept: 'application/json' } });
    if (response.ok) setHistory(await response.json());
  } catch {
    // The next connection or table tries again; the charts keep what they have.
  }
}

function connect() {
  const live = byId('live');
  const source = new EventSource(`/api/v1/events?since=${model.status.generation}`);
  source.addEventListener('open', () => {
    live.className = 'live on';
    live.textContent = 'live';
    void loadHistory();
    void loadAudit();
  });
  source.addEventListener('error', () => {
    live.className = 'live';
    live.textContent = 'reconnecting';
  });
  source.addEventListener('model', (e) => {
    model = JSON.parse(e.data);
    renderAll();
    void loadHistory();
    void loadAudit();
  });
  source.addEventListener('stats', (e) => {
    /** @type {StatsUpdate} */
    const update = JSON.parse(e.data);
    model = { ...model, status: update.status };
    renderHeader(model.status);
    paintStats(update.stats);
    if (update.sample !== null) appendSample(update.sample);
  });
}

byId('filter').addEventListener('input', (e) => {
  filterText = /** @type {HTMLInputElement} */ (e.target).value.trim().toLowerCase();
  applyFilter(filterText);
});
wireExplainer();
placeTableCharts(byId('table-charts'));
renderAll();
setInterval(() => renderBuiltAgo(model.status), 1000);
connect();
