// @ts-check
// The header, the count tiles, readiness reasons and the problems panel.
import { ago, byId, h, millis, replace } from './dom.js';

/** @typedef {import('../../page-model.ts').PageModel} PageModel */
/** @typedef {PageModel['status']} StatusView */

/** @param {StatusView} st */
export function renderHeader(st) {
  replace(
    'readiness',
    st.ready
      ? h('span', { class: 'pill ok', id: 'ready' }, 'Ready')
      : h('span', { class: 'pill bad', id: 'ready' }, 'Not ready'),
  );
  byId('generation').textContent = String(st.generation);
  renderBuiltAgo(st);
  byId('build-ms').textContent = st.buildMs === null ? '–' : millis(st.buildMs);
  byId('leader').textContent = st.leader === null ? 'n/a' : st.leader ? 'yes' : 'no';
  const c = st.counts;
  /** @type {[string, number][]} */
  const tiles = [
    ['Ingresses', c.ingresses],
    ['Hosts', c.hosts],
    ['Routes', c.routes],
    ['Backends', c.backends],
    ['Endpoints', c.endpoints],
    ['Problems', c.problems],
  ];
  replace(
    'tiles',
    h(
      'div',
      { class: 'tiles' },
      tiles.map(([label, n]) =>
        h(
          'div',
          { class: `tile${label === 'Problems' && n > 0 ? ' bad' : ''}` },
          h('div', { class: 'n' }, n),
          h('div', { class: 'l' }, label),
        ),
      ),
    ),
  );
  const notReady = byId('not-ready');
  if (st.ready) notReady.replaceChildren();
  else {
    notReady.replaceChildren(
      h('b', null, 'Not ready yet:'),
      h(
        'ul',
        { class: 'reasons' },
        st.readinessReasons.map((r) => h('li', null, r)),
      ),
    );
  }
  const sources = st.sources.map((s) => s.name + (s.synced ? ' ✓' : ' (syncing)')).join(', ');
  byId('sources').textContent = sources || 'none';
}

/** @param {StatusView} st */
export function renderBuiltAgo(st) {
  const built = byId('built');
  built.textContent = st.builtAt ? ago(st.builtAt) : 'not yet';
  built.title = st.builtAt || '';
}

/** @param {StatusView} st */
export function renderProblems(st) {
  const problems = st.problems;
  const count = byId('problem-count');
  count.textContent = String(problems.length);
  count.className = `pill ${problems.length ? 'bad' : 'ok'}`;
  if (!problems.length) {
    replace('problems', h('p', { class: 'none' }, 'No problems: every Ingress translated cleanly.'));
    return;
  }
  /** @type {Map<string, typeof problems[number][]>} */
  const groups = new Map();
  for (const p of problems) {
    const key = `${p.object.kind} ${p.object.namespace ? `${p.object.namespace}/` : ''}${p.object.name}`;
    const list = groups.get(key) ?? [];
    list.push(p);
    groups.set(key, list);
  }
  /** @type {HTMLElement[]} */
  const nodes = [];
  for (const [key, list] of groups) {
    nodes.push(
      h(
        'div',
        { class: 'problem-group filterable', 'data-text': key.toLowerCase() },
        h('h3', null, key),
        list.map((p) =>
          h(
            'div',
            { class: 'problem' },
            h('span', { class: 'code' }, p.code),
            h('code', { class: 'field', title: 'field path' }, p.field || '(object)'),
            h('span', { class: 'msg' }, p.message),
          ),
        ),
      ),
    );
  }
  replace('problems', h('div', null, nodes));
}

/**
 * "namespace/name" of every Ingress with a problem.
 * @param {StatusView} st
 */
export function problemIngresses(st) {
  const set = new Set();
  for (const p of st.problems) if (p.object.kind === 'Ingress') set.add(`${p.object.namespace}/${p.object.name}`);
  return set;
}
