// The canonical text of a build: sorted, stable and meant for people. Golden files and the admin
// page's routes view show this same text. Certificates show subject and dates, never PEM.

import { compareText } from './compare.ts';
import { canaryText, trafficText } from './policy-text.ts';
import type {
  BackendEndpoints,
  BuildResult,
  Endpoint,
  HostRules,
  ObjectRef,
  Problem,
  RoutePolicy,
  Target,
  TlsTable,
} from './types.ts';
import { endpointKey } from './endpoint-key.ts';
import { gatewaySections } from './gateway/dump-gateway.ts';
import type { GatewayBuildResult } from './gateway/types.ts';

const MAX_PATH_COLUMN = 48;

/** `gateway`: the Gateway API build of the same snapshot, shown after the Ingress hosts. */
export function dumpBuild(result: BuildResult, gateway?: GatewayBuildResult): string {
  const lines: string[] = [];
  dumpHosts(result, lines);
  lines.push('', 'default backend');
  lines.push(result.table.defaultBackend === null ? '  (none: 404)' : `  → ${targetText(result.table.defaultBackend)}`);
  if (gateway !== undefined) lines.push('', ...gatewaySections(gateway));
  dumpTls(result.tls, lines);
  dumpEndpoints(result.endpoints, lines);
  dumpProblems(result.problems, lines);
  lines.push('', 'owned ingresses');
  if (result.ownedIngresses.length === 0) lines.push('  (none)');
  for (const key of result.ownedIngresses) lines.push(`  ${key}`);
  return `${lines.join('\n')}\n`;
}

export function sourceText(ref: ObjectRef): string {
  if (ref.kind === 'Ingress') return `${ref.namespace}/${ref.name}`;
  if (ref.kind === 'Flag') return `--${ref.name}`;
  return ref.namespace === '' ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}

export function objectText(ref: ObjectRef): string {
  return ref.namespace === '' ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/**
 * The policy fields that are on, in name order: true booleans by name, set values as name=value
 * (an infinite limit as "unlimited"). Fields left to the controller default (null) are not shown.
 */
export function policyText(policy: RoutePolicy): string {
  const on: string[] = [];
  for (const name of Object.keys(policy).sort(compareText)) {
    const value = (policy as unknown as Record<string, unknown>)[name];
    if (name === 'traffic') {
      on.push(trafficText(policy.traffic));
      continue;
    }
    if (value === true) on.push(name);
    else if (value === Number.POSITIVE_INFINITY) on.push(`${name}=unlimited`);
    else if (value !== false && value !== null && value !== undefined) on.push(`${name}=${String(value)}`);
  }
  return on.length === 0 ? '' : `  [${on.join(' ')}]`;
}

function targetText(target: Target): string {
  return `${target.backend}  from ${sourceText(target.source)}${policyText(target.policy)}`;
}

function hostTitle(host: HostRules): string {
  const name = host.kind === 'any' ? '(any host)' : host.host;
  const regex = host.regex === true ? '  (paths match as regex: case-insensitive, longest first)' : '';
  return (host.tlsSecret === null ? name : `${name}  tls ${host.tlsSecret}`) + regex;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function dumpHosts(result: BuildResult, lines: string[]): void {
  lines.push('hosts');
  if (result.table.hosts.length === 0) lines.push('  (none)');
  for (const host of result.table.hosts) {
    lines.push(`  ${hostTitle(host)}`);
    let typeWidth = 'default'.length;
    let pathWidth = 1;
    let backendWidth = 1;
    for (const route of host.routes) {
      typeWidth = Math.max(typeWidth, route.pathType.length);
      pathWidth = Math.min(MAX_PATH_COLUMN, Math.max(pathWidth, route.path.length));
      backendWidth = Math.min(MAX_PATH_COLUMN, Math.max(backendWidth, route.backend.length));
    }
    for (const route of host.routes) {
      const origin = `${sourceText(route.source)} ${route.field}`;
      lines.push(
        `    ${pad(route.pathType, typeWidth)}  ${pad(route.path, pathWidth)}  → ${pad(route.backend, backendWidth)}  from ${origin}${policyText(route.policy)}`,
      );
      if (route.canary !== undefined) lines.push(`      ${canaryText(route.canary)}`);
    }
    const fallback = host.defaultBackend === null ? '(none: 404)' : targetText(host.defaultBackend);
    lines.push(`    ${pad('default', typeWidth)}  ${pad('', pathWidth)}  → ${fallback}`);
  }
}

function dumpTls(tls: TlsTable, lines: string[]): void {
  lines.push('', 'tls');
  if (tls.hosts.size === 0) lines.push('  (no hosts)');
  for (const [host, secret] of [...tls.hosts].sort((a, b) => compareText(a[0], b[0])))
    lines.push(`  ${host} → ${secret}`);
  lines.push(`  default certificate: ${tls.defaultCertificate ?? '(self-signed)'}`);
  for (const certificate of [...tls.certificates.values()].sort((a, b) => compareText(a.secret, b.secret))) {
    lines.push(
      `  certificate ${certificate.secret}: subject "${certificate.subject}", issuer "${certificate.issuer}", ` +
        `valid ${certificate.notBefore} to ${certificate.notAfter}, names ${certificate.dnsNames.join(' ') || '(none)'}`,
    );
  }
}

function endpointText(endpoint: Endpoint): string {
  const conditions = [endpoint.ready ? 'ready' : 'not-ready'];
  if (endpoint.serving && !endpoint.ready) conditions.push('serving');
  if (endpoint.terminating) conditions.push('terminating');
  const pod = endpoint.pod === null ? '' : `  pod ${endpoint.pod}`;
  const zone = endpoint.zone === null ? '' : `  zone ${endpoint.zone}`;
  return `${endpointKey(endpoint.address, endpoint.port)}  ${conditions.join(' ')}${pod}${zone}`;
}

function keyOf(endpoint: Endpoint): string {
  return endpointKey(endpoint.address, endpoint.port);
}

function backendSummary(backend: BackendEndpoints): string {
  if (backend.state === 'external-name' && backend.externalName !== null) {
    return `external-name → ${backend.externalName.host}:${backend.externalName.port}`;
  }
  const counts = `${backend.usable.length}/${backend.all.length} usable`;
  return backend.reason === null ? `${backend.state}  ${counts}` : `${backend.state}  ${counts}  (${backend.reason})`;
}

function dumpEndpoints(endpoints: ReadonlyMap<string, BackendEndpoints>, lines: string[]): void {
  lines.push('', 'endpoints');
  if (endpoints.size === 0) lines.push('  (none)');
  for (const backend of [...endpoints.values()].sort((a, b) => compareText(a.key, b.key))) {
    lines.push(`  ${backend.key}  ${backendSummary(backend)}`);
    const usable = new Set(backend.usable.map(keyOf));
    for (const endpoint of backend.all)
      lines.push(`    ${usable.has(keyOf(endpoint)) ? '*' : '-'} ${endpointText(endpoint)}`);
  }
}

function dumpProblems(problems: readonly Problem[], lines: string[]): void {
  lines.push('', 'problems');
  if (problems.length === 0) lines.push('  (none)');
  for (const item of problems) {
    lines.push(`  ${objectText(item.object)}  ${item.field}  ${item.code}: ${item.message}`);
  }
}
