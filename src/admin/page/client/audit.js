// @ts-check
// The annotation audit per Ingress (GET /api/v1/ingresses: the `audit` command's JSON, from the live table).
import { byId, h, replace } from './dom.js';

/** @typedef {import('../../../audit/audit-report.ts').AuditResult} AuditResult */

/** @type {Record<string, string>} */
const PILL = { supported: 'ok', partial: 'warn', unsupported: 'bad', invalid: 'bad' };

/** Fetched on each (re)connection and each new table; the section keeps what it has on failure. */
export async function loadAudit() {
  try {
    const response = await fetch('/api/v1/ingresses', { headers: { accept: 'application/json' } });
    if (response.ok) renderAudit(await response.json());
  } catch {
    // The next connection or table tries again.
  }
}

/** @param {AuditResult} audit */
export function renderAudit(audit) {
  const s = audit.summary;
  const summary = byId('audit-summary');
  summary.textContent = `${s.supported} supported · ${s.partial} partial · ${s.unsupported} unsupported · ${s.invalid} invalid`;
  summary.className = `pill ${s.unsupported + s.invalid > 0 ? 'bad' : s.partial > 0 ? 'warn' : 'ok'}`;
  const annotated = audit.ingresses.filter((ingress) => ingress.annotations.length + ingress.notes.length > 0);
  if (annotated.length === 0) {
    replace('audit', h('p', { class: 'none' }, `No annotations on the ${s.ingresses} Ingress(es) served.`));
    return;
  }
  const nodes = annotated.map((ingress) => {
    const key = `${ingress.namespace}/${ingress.name}`;
    return h(
      'div',
      { class: 'audit-ingress filterable', 'data-text': key.toLowerCase(), 'data-ingress': key },
      h('h3', null, key),
      ingress.annotations.map((each) =>
        h(
          'div',
          { class: 'audit-row', 'data-annotation': each.name },
          h('code', { class: 'field' }, each.name),
          h('span', { class: `pill ${PILL[each.status] ?? 'muted'}` }, each.status),
          h('span', { class: 'msg' }, each.message),
        ),
      ),
      ingress.notes.map((note) =>
        h(
          'div',
          { class: 'audit-row note' },
          h('code', { class: 'field' }, note.field),
          h('span', { class: 'pill muted' }, 'note'),
          h('span', { class: 'msg' }, note.message),
        ),
      ),
    );
  });
  replace('audit', h('div', null, nodes));
}
