// backend-protocol and proxy-ssl-*, after ingress-nginx internal/ingress/annotations/backendprotocol/main.go
// (HTTP, HTTPS, AUTO_HTTP, GRPC, GRPCS, FCGI; case-insensitive; default HTTP) and .../proxyssl/main.go
// (proxy-ssl-verify and proxy-ssl-server-name "on"/"off", both off by default).

import type { UpstreamProtocol } from '../upstream-policy.ts';
import type { PolicyDraft } from './draft.ts';
import { type AnnotationEntry, type ApplyResult, invalid, NGINX, SLUICE } from './registry-types.ts';

/** AUTO_HTTP is plain HTTP (nginx proxies it with HTTP/1.1 as well); H2C and H2 are sluice's additions. */
const NGINX_PROTOCOLS: ReadonlyMap<string, UpstreamProtocol> = new Map([
  ['HTTP', 'http'],
  ['AUTO_HTTP', 'http'],
  ['HTTPS', 'https'],
  ['GRPC', 'grpc'],
  ['GRPCS', 'grpcs'],
  ['H2C', 'h2c'],
]);

const SLUICE_PROTOCOLS: ReadonlyMap<string, UpstreamProtocol> = new Map([...NGINX_PROTOCOLS, ['H2', 'h2']]);

function readProtocol(
  known: ReadonlyMap<string, UpstreamProtocol>,
  value: string,
  draft: PolicyDraft,
  field: string,
): ApplyResult {
  const upper = value.toUpperCase();
  if (upper === 'FCGI') return { unsupported: 'FastCGI backends are not supported; HTTP is used' };
  const protocol = known.get(upper);
  if (protocol === undefined) return invalid(`one of ${[...known.keys()].join(', ')}`);
  draft.upstream.protocol = protocol;
  draft.upstream.field = field;
  return null;
}

function readOnOff(value: string): boolean | null {
  const lower = value.toLowerCase();
  return lower === 'on' || lower === 'true' ? true : lower === 'off' || lower === 'false' ? false : null;
}

/** A DNS name or IP literal as written: letters, digits, '-', '.', ':' (no spaces, no variables). */
function isServerName(value: string): boolean {
  return value.length > 0 && value.length <= 253 && /^[A-Za-z0-9.:-]+$/.test(value);
}

const LABEL = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** "name" or "namespace/name", each a DNS subdomain as Kubernetes names are. */
function isSecretName(value: string): boolean {
  const parts = value.split('/');
  return parts.length <= 2 && parts.every((part) => LABEL.test(part));
}

/** "name" → "namespace/name" in the Ingress's namespace, once the Ingress is read. */
export function qualifySecretNames(draft: PolicyDraft, namespace: string): void {
  const secret = draft.upstream.secret;
  if (secret !== null && !secret.includes('/')) draft.upstream.secret = namespace + '/' + secret;
}

export const BACKEND_PROTOCOL_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}backend-protocol`,
    family: 'backend-protocol',
    status: 'supported',
    doc: 'Protocol towards the pods: HTTP, HTTPS, GRPC, GRPCS, H2C or AUTO_HTTP (= HTTP).',
    apply(value, draft, field) {
      if (draft.upstream.protocolFromSluice) return null;
      return readProtocol(NGINX_PROTOCOLS, value, draft, field);
    },
  },
  {
    name: `${SLUICE}backend-protocol`,
    family: 'sluice',
    status: 'supported',
    doc: 'Protocol towards the pods (decides over the nginx name): HTTP, HTTPS, GRPC, GRPCS, H2C, H2.',
    apply(value, draft, field) {
      const result = readProtocol(SLUICE_PROTOCOLS, value, draft, field);
      if (result === null) draft.upstream.protocolFromSluice = true;
      return result;
    },
  },
  {
    name: `${NGINX}proxy-ssl-verify`,
    family: 'backend-protocol',
    status: 'supported',
    doc: '"on": the pod certificate is verified (against the system CAs); off by default, as ingress-nginx.',
    apply(value, draft) {
      const on = readOnOff(value);
      if (on === null) return invalid('"on" or "off"');
      draft.upstream.verify = on;
      return null;
    },
  },
  {
    name: `${NGINX}proxy-ssl-name`,
    family: 'backend-protocol',
    status: 'supported',
    doc: 'The name the pod certificate is checked against and sent as SNI (with proxy-ssl-server-name).',
    apply(value, draft) {
      if (!isServerName(value)) return invalid('a DNS name');
      draft.upstream.serverName = value.toLowerCase();
      return null;
    },
  },
  {
    name: `${NGINX}proxy-ssl-secret`,
    family: 'backend-protocol',
    status: 'supported',
    doc: '"namespace/name" of a Secret (the Ingress namespace) with ca.crt to verify pods, tls.crt/tls.key to present.',
    apply(value, draft, field) {
      if (!isSecretName(value)) return invalid('"namespace/name" of a Secret');
      draft.upstream.secret = value;
      draft.upstream.secretField = field;
      return null;
    },
  },
  {
    name: `${NGINX}proxy-ssl-server-name`,
    family: 'backend-protocol',
    status: 'supported',
    doc: '"on": SNI is sent to HTTPS pods (proxy-ssl-name, else the Service DNS name); off by default.',
    apply(value, draft) {
      const on = readOnOff(value);
      if (on === null) return invalid('"on" or "off"');
      draft.upstream.sendServerName = on;
      return null;
    },
  },
];
