// Validation and normalisation of the hosts an Ingress writes (spec.rules[].host, spec.tls[].hosts[]).
// Build-time only; request hosts are normalised elsewhere (request-host.ts).

import { clip } from './kube-read.ts';
import type { ProblemCode } from './problems.ts';
import type { HostKind } from './types.ts';

export type HostCheck =
  | { readonly ok: true; readonly host: string; readonly kind: HostKind }
  | { readonly ok: false; readonly code: ProblemCode; readonly message: string };

const MAX_HOST = 253;
const MAX_LABEL = 63;

function fail(code: ProblemCode, message: string): HostCheck {
  return { ok: false, code, message };
}

const ANY_HOST: HostCheck = Object.freeze({ ok: true, host: '', kind: 'any' });

/** The host as problem messages quote it (made only when there is a problem). */
function shownHost(raw: string): string {
  return JSON.stringify(clip(raw, 64));
}

/** Lower-cases and validates a rule host: "" (any), "*.one.label.wildcard" or a precise DNS name. */
export function checkRuleHost(raw: string): HostCheck {
  if (raw === '') return ANY_HOST;
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) >= 128)
      return fail('HostNotAscii', `host ${shownHost(raw)} is not ASCII; use its punycode form`);
  }
  if (raw.length > MAX_HOST) return fail('HostInvalid', `host ${shownHost(raw)} is longer than ${MAX_HOST} characters`);
  const host = raw.toLowerCase();
  if (host === '*')
    return fail('HostWildcardAlone', 'host "*" is not allowed; leave the host empty to match every host');
  if (looksLikeIp(host))
    return fail('HostIsIpAddress', `host ${shownHost(raw)} is an IP address; Ingress hosts must be DNS names`);
  const wildcard = host.startsWith('*.');
  const name = wildcard ? host.slice(2) : host;
  const defect = dnsNameDefect(name);
  if (defect !== null) return fail('HostInvalid', `host ${shownHost(raw)} is not a valid DNS name: ${defect}`);
  return { ok: true, host, kind: wildcard ? 'wildcard' : 'exact' };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isHexOrColon(code: number): boolean {
  return isDigit(code) || (code >= 97 && code <= 102) || code === 58 || code === 46;
}

function looksLikeIp(host: string): boolean {
  if (host.startsWith('[')) return true;
  const colon = host.indexOf(':');
  if (colon >= 0) {
    // IPv6 has at least two colons; "name:80" is a host with a port, reported as such.
    if (host.indexOf(':', colon + 1) < 0) return false;
    for (let i = 0; i < host.length; i++) if (!isHexOrColon(host.charCodeAt(i))) return false;
    return true;
  }
  let dots = 0;
  for (let i = 0; i < host.length; i++) {
    const code = host.charCodeAt(i);
    if (code === 46) dots++;
    else if (!isDigit(code)) return false;
  }
  return dots === 3;
}

/** Why `name` is not an RFC 1123 subdomain (lower-case), or null when it is one. */
export function dnsNameDefect(name: string): string | null {
  if (name === '') return 'it is empty';
  if (name.length > MAX_HOST) return `longer than ${MAX_HOST} characters`;
  let labelStart = 0;
  for (let i = 0; i <= name.length; i++) {
    const code = i < name.length ? name.charCodeAt(i) : 46;
    if (code === 46) {
      const length = i - labelStart;
      if (length === 0) return 'it has an empty label';
      if (length > MAX_LABEL) return `a label is longer than ${MAX_LABEL} characters`;
      if (name.charCodeAt(labelStart) === 45 || name.charCodeAt(i - 1) === 45) {
        return 'a label starts or ends with "-"';
      }
      labelStart = i + 1;
    } else if (!(isDigit(code) || (code >= 97 && code <= 122) || code === 45)) {
      if (code === 58) return 'it must not include a port';
      if (code === 42) return '"*" is only allowed as the whole first label';
      return `it contains ${JSON.stringify(String.fromCharCode(code))}`;
    }
  }
  return null;
}

/** Whether the TLS or rule host `pattern` ("*.a.b" or "x.a.b") covers the precise host `host`. */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (!pattern.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === pattern.slice(2);
}
