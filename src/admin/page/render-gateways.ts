import { escapeHtml } from '../escape-html.ts';
import type { PageModel } from '../page-model.ts';

/** The Gateways on the page without JavaScript: each with its listener ports, hosts and routes. */
export function renderGatewaysFallback(model: PageModel): string {
  return (model.routes.gateways?.gateways ?? [])
    .map((gateway) => {
      const listeners = gateway.listeners
        .map((listener) => {
          const routes = listener.hosts.flatMap((host) =>
            host.routes.map(
              (r) =>
                `<li><code>${escapeHtml(host.host === '' ? '(any host)' : host.host)}${escapeHtml(r.path)}</code> → ${escapeHtml(r.backend)} (${escapeHtml(`${r.source.namespace}/${r.source.name}`)})</li>`,
            ),
          );
          return `<li>:${listener.port} ${escapeHtml(listener.protocol)}<ul>${routes.join('')}</ul></li>`;
        })
        .join('');
      const conditions = gateway.conditions.map((c) => `${escapeHtml(c.type)}=${escapeHtml(c.status)}`).join(', ');
      return `<section class="panel"><div class="body"><b class="host-name">Gateway ${escapeHtml(`${gateway.namespace}/${gateway.name}`)}</b> <small>${conditions}</small><ul>${listeners}</ul></div></section>`;
    })
    .join('');
}
