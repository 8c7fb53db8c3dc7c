/**
 * The page's client script, inlined. It renders every section from the embedded model and keeps it
 * live through /api/v1/events. Data only ever reaches the DOM as text (textContent / text nodes /
 * setAttribute), never as markup. Plain ES2020; no backticks, so it can live in this template.
 */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var model = JSON.parse(document.getElementById('model').textContent);
  var statCells = new Map();
  var filterText = '';

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      for (var key in attrs) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) continue;
        if (key === 'class') el.className = value;
        else el.setAttribute(key, String(value));
      }
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.append(typeof child === 'object' ? child : String(child));
  }
  function byId(id) { return document.getElementById(id); }
  function replace(id, node) { var el = byId(id); el.replaceChildren(node); }

  function ago(iso) {
    if (!iso) return 'never';
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    if (s < 86400) return Math.floor(s / 3600) + ' h ago';
    return Math.floor(s / 86400) + ' d ago';
  }
  function rate(v) { return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2); }
  function statsKey(target) {
    var backend = model.routes.backends[target.backend];
    return target.source.namespace + '/' + target.source.name + '/' + (backend ? backend.service : '');
  }
  function ingressName(source) { return source.namespace + '/' + source.name; }

  function problemIngresses() {
    var set = new Set();
    model.status.problems.forEach(function (p) { if (p.object.kind === 'Ingress') set.add(p.object.namespace + '/' + p.object.name); });
    return set;
  }

  function renderHeader() {
    var st = model.status;
    var state = st.ready ? h('span', { class: 'pill ok', id: 'ready' }, 'Ready') : h('span', { class: 'pill bad', id: 'ready' }, 'Not ready');
    replace('readiness', state);
    byId('generation').textContent = String(st.generation);
    byId('built').textContent = st.builtAt ? ago(st.builtAt) : 'not yet';
    byId('built').title = st.builtAt || '';
    byId('build-ms').textContent = st.buildMs === null ? '–' : (st.buildMs < 10 ? st.buildMs.toFixed(1) : Math.round(st.buildMs)) + ' ms';
    byId('leader').textContent = st.leader === null ? 'n/a' : st.leader ? 'yes' : 'no';
    var c = st.counts;
    var tiles = [['Ingresses', c.ingresses], ['Hosts', c.hosts], ['Routes', c.routes], ['Backends', c.backends], ['Endpoints', c.endpoints], ['Problems', c.problems]];
    replace('tiles', h('div', { class: 'tiles' }, tiles.map(function (t) {
      return h('div', { class: 'tile' + (t[0] === 'Problems' && t[1] > 0 ? ' bad' : '') }, h('div', { class: 'n' }, t[1]), h('div', { class: 'l' }, t[0]));
    })));
    var notReady = byId('not-ready');
    if (st.ready) notReady.replaceChildren();
    else notReady.replaceChildren(h('b', null, 'Not ready yet:'), h('ul', { class: 'reasons' }, st.readinessReasons.map(function (r) { return h('li', null, r); })));
    var sources = st.sources.map(function (s) { return s.name + (s.synced ? ' ✓' : ' (syncing)'); }).join(', ');
    byId('sources').textContent = sources || 'none';
  }

  function renderProblems() {
    var problems = model.status.problems;
    byId('problem-count').textContent = String(problems.length);
    byId('problem-count').className = 'pill ' + (problems.length ? 'bad' : 'ok');
    if (!problems.length) { replace('problems', h('p', { class: 'none' }, 'No problems: every Ingress translated cleanly.')); return; }
    var groups = new Map();
    problems.forEach(function (p) {
      var key = p.object.kind + ' ' + (p.object.namespace ? p.object.namespace + '/' : '') + p.object.name;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(p);
    });
    var nodes = [];
    groups.forEach(function (list, key) {
      nodes.push(h('div', { class: 'problem-group filterable', 'data-text': key.toLowerCase() },
        h('h3', null, key),
        list.map(function (p) {
          return h('div', { class: 'problem' },
            h('span', { class: 'code' }, p.code),
            h('code', { class: 'field', title: 'field path' }, p.field || '(object)'),
            h('span', { class: 'msg' }, p.message));
        })));
    });
    replace('problems', h('div', null, nodes));
  }

  function tlsChip(tls) {
    if (!tls) return null;
    if (!tls.valid) return h('span', { class: 'tls bad' }, '✖ TLS secret ' + tls.secret + ' unusable');
    var days = tls.expiresInDays;
    var cls = days === null ? 'tls' : days < 0 ? 'tls bad' : days < 14 ? 'tls warn' : 'tls ok';
    var when = days === null ? 'expiry unknown' : days < 0 ? 'expired ' + tls.notAfter.slice(0, 10) : 'expires ' + tls.notAfter.slice(0, 10) + ' (' + Math.floor(days) + ' d)';
    return h('span', { class: cls, title: 'Secret ' + tls.secret + (tls.dnsNames.length ? '; names: ' + tls.dnsNames.join(', ') : '') },
      (days !== null && days < 14 ? '⚠ ' : '🔒 ') + when,
      h('span', { class: 'who' }, tls.subject + ' · issued by ' + tls.issuer));
  }

  function endpointsCell(backend) {
    if (!backend) return h('span', { class: 'state-bad' }, 'unknown backend');
    if (backend.state === 'external-name' && backend.externalName) return h('span', { class: 'sub' }, 'ExternalName ' + backend.externalName.host + ':' + backend.externalName.port);
    var c = backend.counts;
    var chips = h('div', { class: 'eps' },
      h('span', { class: 'ep ' + (c.ready ? 'ready' : 'zero'), title: 'ready' }, c.ready + ' ready'),
      c.terminating ? h('span', { class: 'ep terminating', title: 'terminating' }, c.terminating + ' terminating') : null,
      c.ejected ? h('span', { class: 'ep ejected', title: 'ejected by the balancer' }, c.ejected + ' ejected') : null,
      c.notReady ? h('span', { class: 'ep not-ready', title: 'not ready' }, c.notReady + ' not ready') : null);
    var list = backend.endpoints.length ? h('details', { class: 'ep-list' }, h('summary', null, 'endpoints'),
      h('ul', null, backend.endpoints.map(function (e) {
        return h('li', null, e.address + ':' + e.port + ' ' + e.health + (e.pod ? ' (' + e.pod + ')' : '') + (backend.next === e.address + ':' + e.port ? ' ← next' : ''));
      }))) : null;
    return [chips, backend.reason ? h('div', { class: 'state-bad' }, backend.reason) : null, list];
  }

  function statCell(key, kind, label, stats) {
    var cell = { td: h('td', { class: 'num', 'data-label': label }), kind: kind };
    if (!statCells.has(key)) statCells.set(key, []);
    statCells.get(key).push(cell);
    paintStat(cell, stats);
    return cell.td;
  }
  function paintStat(cell, stats) {
    var td = cell.td;
    td.className = 'num';
    if (!stats || stats.requests === 0) { td.textContent = cell.kind === 'rate' ? '0' : '–'; return; }
    if (cell.kind === 'rate') td.textContent = rate(stats.requestsPerSecond);
    else if (cell.kind === 'errors') {
      td.textContent = (stats.errorRate * 100).toFixed(stats.errorRate > 0 && stats.errorRate < 0.01 ? 2 : 1) + ' %';
      if (stats.errorRate >= 0.05) td.className = 'num err-high';
    } else td.textContent = stats.p99Ms === null ? '–' : (stats.p99Ms < 10 ? stats.p99Ms.toFixed(1) : Math.round(stats.p99Ms)) + ' ms';
  }

  function routeRow(target, pathCell, typeText, problems) {
    var backend = model.routes.backends[target.backend];
    var key = statsKey(target);
    var ingress = ingressName(target.source);
    var serviceText = backend ? backend.service + ':' + backend.port : target.backend;
    var text = [pathCell, serviceText, ingress].join(' ').toLowerCase();
    var row = h('tr', { class: 'route filterable' + (problems.has(ingress) ? ' has-problem' : ''), 'data-text': text },
      h('td', { 'data-label': 'Path' }, h('div', { class: 'path mono' }, pathCell), h('div', { class: 'sub' }, typeText)),
      h('td', { 'data-label': 'Backend' }, h('div', { class: 'mono' }, serviceText), backend && backend.state !== 'ok' && backend.state !== 'external-name' ? h('div', { class: 'state-bad' }, backend.state) : null),
      h('td', { 'data-label': 'Endpoints' }, endpointsCell(backend)),
      h('td', { 'data-label': 'Ingress' }, h('span', { class: 'mono' }, ingress), problems.has(ingress) ? h('div', { class: 'state-bad' }, 'has problems') : null),
      statCell(key, 'rate', 'Req/s', target.stats), statCell(key, 'errors', 'Errors', target.stats), statCell(key, 'p99', 'p99', target.stats));
    return row;
  }

  function routesTable(rows) {
    return h('table', { class: 'routes' },
      h('thead', null, h('tr', null, h('th', null, 'Path'), h('th', null, 'Backend'), h('th', null, 'Endpoints'), h('th', null, 'Ingress'),
        h('th', { class: 'num' }, 'Req/s'), h('th', { class: 'num' }, 'Errors'), h('th', { class: 'num' }, 'p99'))),
      h('tbody', null, rows));
  }

  function renderHosts() {
    statCells = new Map();
    var problems = problemIngresses();
    var routes = model.routes;
    var sections = routes.hosts.map(function (host) {
      var rows = host.routes.map(function (r) { return routeRow(r, r.path, r.pathType + (r.pathType === 'ImplementationSpecific' ? ' (as Prefix)' : ''), problems); });
      if (host.defaultBackend) rows.push(routeRow(host.defaultBackend, '(default backend)', 'unmatched paths', problems));
      var name = host.host === '' ? '(any host)' : host.host;
      return h('section', { class: 'panel host filterable-group', 'data-text': name.toLowerCase() },
        h('header', null, h('span', { class: 'host-name' }, name), h('span', { class: 'badge' }, host.kind), tlsChip(host.tls)),
        routesTable(rows));
    });
    if (routes.defaultBackend) {
      sections.push(h('section', { class: 'panel host filterable-group', 'data-text': 'default backend' },
        h('header', null, h('span', { class: 'host-name' }, '(unmatched hosts)'), h('span', { class: 'badge' }, 'default backend')),
        routesTable([routeRow(routes.defaultBackend, '/', 'every path', problems)])));
    }
    if (!sections.length) sections.push(h('div', { class: 'panel' }, h('div', { class: 'body none' }, model.status.generation === 0 ? 'Waiting for the first routing table…' : 'No routes: no Ingress of this class yet.')));
    replace('hosts', h('div', { class: 'hosts' }, sections));
    applyFilter();
  }

  function paintStats(stats) {
    statCells.forEach(function (cells, key) {
      var s = stats[key] || null;
      cells.forEach(function (cell) { paintStat(cell, s); });
    });
  }

  function applyFilter() {
    var q = filterText;
    document.querySelectorAll('.filterable-group').forEach(function (group) {
      var groupHit = !q || group.getAttribute('data-text').indexOf(q) !== -1;
      var anyRow = false;
      group.querySelectorAll('tr.filterable').forEach(function (row) {
        var hit = groupHit || row.getAttribute('data-text').indexOf(q) !== -1;
        row.classList.toggle('hidden', !hit);
        anyRow = anyRow || hit;
      });
      group.classList.toggle('hidden', !(groupHit || anyRow));
    });
    document.querySelectorAll('.problem-group').forEach(function (group) {
      group.classList.toggle('hidden', !!q && group.textContent.toLowerCase().indexOf(q) === -1);
    });
  }

  function renderAll() { renderHeader(); renderProblems(); renderHosts(); }

  function renderExplanation(x) {
    var verdict = x.result === 'none' || x.outcome.indexOf('503') === 0 ? 'bad' : 'ok';
    var rows = [['Request', x.host + x.path], ['Host rules', x.hostMatch]];
    if (x.match) {
      rows.push(['Matched', (x.result === 'path' ? (x.match.host === '' ? '(any host)' : x.match.host) + ' ' + x.match.path + ' (' + x.match.pathType + ')' : x.result)]);
      rows.push(['Ingress', x.match.source.namespace + '/' + x.match.source.name + (x.match.field ? ' · ' + x.match.field : '')]);
      rows.push(['Backend', x.match.backend]);
      rows.push(['Next endpoint', x.next ? x.next : x.usable.length ? 'one of ' + x.usable.join(', ') : 'none usable']);
    }
    var dl = h('dl', { class: 'kv' }, rows.map(function (r) { return [h('dt', null, r[0]), h('dd', { class: 'mono' }, r[1])]; }));
    var passed = x.passedOver.length
      ? [h('div', { class: 'sub' }, 'Passed over'), h('ul', { class: 'passed' }, x.passedOver.map(function (c) {
          return h('li', null, h('span', { class: 'mono' }, (c.host === '' ? '(any host)' : c.host) + (c.path === null ? '' : ' ' + c.path + ' (' + c.pathType + ')')), ' — ' + c.reason + ' [' + c.source.namespace + '/' + c.source.name + ']');
        }))]
      : null;
    replace('explain-result', h('div', null, h('div', { class: 'verdict ' + verdict }, x.outcome), dl, passed));
  }

  function explain(event) {
    event.preventDefault();
    var value = byId('explain-input').value.trim();
    if (!value) return;
    if (value.charAt(0) === '/') {
      replace('explain-result', h('div', { class: 'verdict bad' }, 'Type a host too, e.g. shop.example.com/cart'));
      return;
    }
    fetch('/api/v1/explain?url=' + encodeURIComponent(value), { headers: { accept: 'application/json' } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) replace('explain-result', h('div', { class: 'verdict bad' }, res.body.error || 'error'));
        else renderExplanation(res.body);
      })
      .catch(function () { replace('explain-result', h('div', { class: 'verdict bad' }, 'The admin server did not answer.')); });
  }

  function connect() {
    var live = byId('live');
    var source = new EventSource('/api/v1/events?since=' + model.status.generation);
    source.addEventListener('open', function () { live.className = 'live on'; live.textContent = 'live'; });
    source.addEventListener('error', function () { live.className = 'live'; live.textContent = 'reconnecting'; });
    source.addEventListener('model', function (e) { model = JSON.parse(e.data); renderAll(); });
    source.addEventListener('stats', function (e) {
      var update = JSON.parse(e.data);
      model.status = update.status;
      renderHeader();
      paintStats(update.stats);
    });
  }

  byId('filter').addEventListener('input', function (e) { filterText = e.target.value.trim().toLowerCase(); applyFilter(); });
  byId('explain-form').addEventListener('submit', explain);
  renderAll();
  setInterval(function () { byId('built').textContent = model.status.builtAt ? ago(model.status.builtAt) : 'not yet'; }, 1000);
  connect();
})();
`;
