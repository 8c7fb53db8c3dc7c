// Error pages and backends, after ingress-nginx internal/ingress/annotations/customhttperrors,
// defaultbackend, alias (server-alias) and serviceupstream.

import { isDnsLabel } from '../backends.ts';
import { checkRuleHost } from '../rule-host.ts';
import { type AnnotationEntry, invalid, NGINX } from './registry-types.ts';
import { parseGoBoolean, splitList } from './values.ts';

export const ERROR_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}custom-http-errors`,
    family: 'errors',
    status: 'supported',
    doc: "Upstream answers with these statuses are replaced by the default-backend Service's answer to the same method on / (with X-Code, X-Format, X-Original-URI, ...); its status reaches the client.",
    requires: { name: `${NGINX}default-backend`, enabled: (draft) => draft.errorBackend !== null },
    apply(value, draft, field) {
      const items = splitList(value);
      const statuses = items.map(Number);
      if (items.length === 0 || !items.every((item) => /^[1-5]\d\d$/.test(item)))
        return invalid('a comma-separated list of HTTP statuses such as "404,503"');
      draft.customErrors = { statuses: [...new Set(statuses)].sort((a, b) => a - b), field };
      return null;
    },
  },
  {
    name: `${NGINX}default-backend`,
    family: 'errors',
    status: 'supported',
    doc: "A Service of this namespace (its first port) answering custom-http-errors, and the route's requests while its Service has no ready endpoints.",
    apply(value, draft) {
      if (!isDnsLabel(value)) return invalid('a Service name in the Ingress namespace');
      draft.errorBackend = value;
      return null;
    },
  },
  {
    name: `${NGINX}server-alias`,
    family: 'errors',
    status: 'supported',
    doc: 'More host names served by the same rules (a host another Ingress has a rule for keeps its own).',
    apply(value, draft) {
      const hosts = splitList(value.replaceAll(' ', ','));
      if (hosts.length === 0 || hosts.length > 100) return invalid('a comma-separated list of host names');
      for (const host of hosts) {
        const check = checkRuleHost(host);
        if (!check.ok || check.kind === 'any')
          return invalid(`host names; ${JSON.stringify(host.slice(0, 64))} is not one`);
        if (!draft.aliases.includes(check.host)) draft.aliases.push(check.host);
      }
      return null;
    },
  },
  {
    name: `${NGINX}service-upstream`,
    family: 'errors',
    status: 'partial',
    doc: 'true: send to the Service cluster IP, not its endpoints (sluice keeps balancing over endpoints: the route still works, without per-endpoint control).',
    apply(value, draft) {
      const parsed = parseGoBoolean(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.serviceUpstream = parsed.value;
      return parsed.value
        ? { partial: 'sluice keeps sending to the endpoints of the Service, not to its cluster IP' }
        : null;
    },
  },
];
