// The Gateway API part of the canonical dump (dumpBuild shows it after the Ingress hosts): per Gateway
// port the hosts with their ordered rules, then status as data, the Gateway backends and problems.

import { compareText } from '../compare.ts';
import { objectText, policyText, sourceText } from '../dump.ts';
import type { HostRules, PathRoute } from '../types.ts';
import type { Condition, GatewayBuildResult, GatewayListener, GatewayStatusSet } from './types.ts';
import type { GatewayRouteData, PathReplacement, RouteConditions } from './route-data.ts';

/** Listeners, status, endpoints and problems of a Gateway build, which dumpBuild shows after the Ingress hosts. */
export function gatewaySections(result: GatewayBuildResult): string[] {
  const lines: string[] = ['gateway listeners'];
  if (result.listeners.length === 0) lines.push('  (none)');
  for (const listener of result.listeners) dumpListener(listener, lines);
  dumpStatus(result.status, lines);
  lines.push('', 'gateway endpoints');
  if (result.endpoints.size === 0) lines.push('  (none)');
  for (const backend of [...result.endpoints.values()].sort((a, b) => compareText(a.key, b.key)))
    lines.push(`  ${backend.key}  ${backend.state}  ${backend.usable.length}/${backend.all.length} usable`);
  lines.push('', 'gateway problems');
  if (result.problems.length === 0) lines.push('  (none)');
  for (const item of result.problems)
    lines.push(`  ${objectText(item.object)}  ${item.field}  ${item.code}: ${item.message}`);
  return lines;
}

function dumpListener(listener: GatewayListener, lines: string[]): void {
  const addresses = listener.requestedAddresses.length === 0 ? 'pool' : listener.requestedAddresses.join(',');
  lines.push(
    `  Gateway ${listener.gateway} (class ${listener.gatewayClass})  ${listener.protocol} :${listener.port}  listeners ${listener.listenerNames.join(',')}  address ${addresses}`,
  );
  const chosen = listener.serviceType;
  if (chosen !== null)
    lines.push(`    service type ${chosen.type} (${chosen.from} parametersRef ConfigMap ${chosen.configMap})`);
  for (const host of listener.table.hosts) dumpHost(host, lines);
  if (listener.tls !== null) {
    for (const [host, secret] of listener.tls.hosts) lines.push(`    tls ${host} → ${secret}`);
    lines.push(`    tls default → ${listener.tls.defaultCertificate ?? '(none)'}`);
  }
}

function dumpHost(host: HostRules, lines: string[]): void {
  const name = host.kind === 'any' ? '(any host)' : host.host;
  const wildcard = host.deepWildcard === true ? '  (one or more labels)' : '';
  lines.push(`    ${name}${wildcard}${host.tlsSecret === null ? '' : `  tls ${host.tlsSecret}`}`);
  if (host.routes.length === 0) lines.push('      (no routes: 404)');
  for (const route of host.routes) dumpRoute(route, lines);
}

function conditionsText(conditions: RouteConditions | undefined): string {
  if (conditions === undefined) return '';
  const parts: string[] = [];
  if (conditions.method !== null) parts.push(conditions.method);
  for (const c of conditions.headers) parts.push(`header ${c.name}${c.kind === 'exact' ? '=' : '~'}${c.value}`);
  for (const c of conditions.query) parts.push(`query ${c.name}${c.kind === 'exact' ? '=' : '~'}${c.value}`);
  return parts.length === 0 ? '' : ` [${parts.join(', ')}]`;
}

function replacementText(path: PathReplacement): string {
  return path.kind === 'full' ? `full ${path.value}` : `prefix ${path.matched} → ${path.value}`;
}

function backendsText(data: GatewayRouteData): string {
  if (data.redirect !== null && data.backends.length === 0) return 'redirect';
  if (data.backends.length === 0 || data.totalWeight === 0) return '500';
  return data.backends.map((b) => `${b.weight}×${b.backend ?? '500'}`).join(' + ');
}

function dumpRoute(route: PathRoute, lines: string[]): void {
  const data = route.gateway;
  const target = data === undefined ? route.backend : backendsText(data);
  lines.push(
    `      ${route.pathType} ${route.path}${conditionsText(route.conditions)}  → ${target}  from ${sourceText(route.source)} ${route.field}${policyText(route.policy)}`,
  );
  if (data === undefined) return;
  if (data.redirect !== null) {
    const r = data.redirect;
    const path = r.path === null ? '' : ` path ${replacementText(r.path)}`;
    lines.push(
      `        redirect ${r.status} scheme ${r.scheme ?? '(same)'} host ${r.hostname ?? '(same)'} port ${r.port ?? '(default)'}${path}`,
    );
  }
  if (data.rewritePath !== null) lines.push(`        rewrite path ${replacementText(data.rewritePath)}`);
  for (const mirror of data.mirrors) lines.push(`        mirror ${mirror.percent}% → ${mirror.backend ?? '(invalid)'}`);
  if (data.requestTimeoutMs !== null) lines.push(`        request timeout ${data.requestTimeoutMs}ms`);
  if (data.grpc) lines.push('        grpc backends');
}

function conditionList(conditions: readonly Condition[]): string {
  return conditions.map((c) => `${c.type}=${c.status} ${c.reason} (g${c.observedGeneration})`).join(', ');
}

function dumpStatus(status: GatewayStatusSet, lines: string[]): void {
  lines.push('', 'gateway status');
  for (const c of status.gatewayClasses) {
    lines.push(`  GatewayClass ${c.name}: ${conditionList(c.conditions)}`);
    lines.push(`    supportedFeatures ${c.supportedFeatures.map((f) => f.name).join(' ')}`);
  }
  for (const g of status.gateways) {
    lines.push(`  Gateway ${g.namespace}/${g.name}: ${conditionList(g.conditions)}`);
    for (const l of g.listeners) {
      const kinds = l.supportedKinds.map((k) => k.kind).join(',') || '(none)';
      lines.push(`    listener ${l.name} attached ${l.attachedRoutes} kinds ${kinds}: ${conditionList(l.conditions)}`);
    }
  }
  for (const r of status.routes) {
    lines.push(`  ${r.kind} ${r.namespace}/${r.name}`);
    for (const p of r.parents) {
      const section = p.parentRef.sectionName === undefined ? '' : ` section ${p.parentRef.sectionName}`;
      const port = p.parentRef.port === undefined ? '' : ` port ${p.parentRef.port}`;
      lines.push(
        `    parent ${p.parentRef.namespace}/${p.parentRef.name}${section}${port}: ${conditionList(p.conditions)}`,
      );
    }
  }
}
