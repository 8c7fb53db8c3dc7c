// The builder: a full snapshot of cluster objects → frozen routing data. A sequence of small pure
// passes; the output never depends on input order, never shares structure with the input, and
// every unusable piece becomes a problem instead of an exception.

import { type AnnotationReport, PLAIN_POLICY, REDIRECT_POLICY } from './annotations.ts';
import { BackendResolver } from './backend-resolver.ts';
import { BackendRefs, type BackendRef } from './backends.ts';
import { isOwnedIngress, selectClasses } from './class-filter.ts';
import { CanaryIndex } from './canary-routes.ts';
import { compareText, sortInPlace } from './compare.ts';
import { mergeHosts, type MergedHost } from './conflicts.ts';
import { deepFreeze } from './deep-freeze.ts';
import {
  chooseDefault,
  DEFAULT_BACKEND_FIELD,
  DEFAULT_BACKEND_FLAG_REF,
  readDefaultBackendFlag,
  type DefaultChoice,
} from './default-backend.ts';
import { catalogServices } from './endpoints.ts';
import { useErrorBackend } from './error-backend.ts';
import { compareAge, translateIngress, type IngressDraft, type RouteDraft } from './ingress-translate.ts';
import { regexHost } from './regex-host.ts';
import { hostRedirectPolicy } from './www-redirect.ts';
import { indexObjects } from './object-index.ts';
import { CONTROLLER_REF, sortProblems } from './problems.ts';
import { passthroughHosts } from './passthrough.ts';
import { collectPolicySecrets } from './policy-secrets.ts';
import { assembleTls, tlsSecretForHost } from './tls.ts';
import type {
  BuildOptions,
  BuildResult,
  HostKind,
  HostRules,
  ObjectRef,
  PathRoute,
  Problem,
  RoutePolicy,
  Snapshot,
  Target,
} from './types.ts';

const HOST_KIND_ORDER: Readonly<Record<HostKind, number>> = { exact: 0, wildcard: 1, any: 2 };

function listOf(snapshot: unknown, key: string): readonly unknown[] {
  const value =
    typeof snapshot === 'object' && snapshot !== null ? (snapshot as Record<string, unknown>)[key] : undefined;
  return Array.isArray(value) ? value : [];
}

export function build(snapshot: Snapshot, options: BuildOptions): BuildResult {
  const problems: Problem[] = [];

  // Pass 1: name and index the objects; keep only our Ingresses (routing-semantics §1).
  const classes = indexObjects('IngressClass', listOf(snapshot, 'ingressClasses'), false, problems);
  const selection = selectClasses(classes, options);
  const ours = listOf(snapshot, 'ingresses').filter((object) => isOwnedIngress(object, selection, options));
  const ingresses = indexObjects('Ingress', ours, true, problems);
  const services = indexObjects('Service', listOf(snapshot, 'services'), true, problems);
  const catalog = catalogServices(
    services,
    indexObjects('EndpointSlice', listOf(snapshot, 'endpointSlices'), true, problems),
  );
  const secrets = indexObjects('Secret', listOf(snapshot, 'secrets'), true, problems);
  const configMaps = indexObjects('ConfigMap', listOf(snapshot, 'configMaps'), true, problems);

  // Pass 2: translate each Ingress alone, then order them by precedence (oldest first).
  const refs = new BackendRefs();
  const translated = [...ingresses.values()]
    .map((named) => translateIngress(named, refs, problems, configMaps))
    .sort(compareAge);
  // Canary Ingresses only lend their backends to main Ingresses' rules (canary-routes.ts).
  const drafts = translated.filter((draft) => draft.policy.canary === null);
  const canaries = new CanaryIndex(translated.filter((draft) => draft.policy.canary !== null));

  // Pass 3: merge hosts across Ingresses, oldest wins identical claims (routing-semantics §2, §3).
  const merged = mergeHosts(drafts, problems);

  // Pass 4: TLS hosts and Secrets (routing-semantics §6).
  const tls = assembleTls(
    drafts.flatMap((draft) => draft.tls),
    secrets,
    options.defaultSslCertificate,
    options.inspectCertificate,
    problems,
  );

  // Pass 5: routes, defaults and the backends they use (routing-semantics §4, §5).
  const policySecrets = collectPolicySecrets(translated, secrets, problems);
  const resolver = new BackendResolver(catalog, problems);
  const flag = readDefaultBackendFlag(options.defaultBackendService, services, problems);
  const hosts = [...merged.values()]
    .sort(compareHosts)
    .map((entry) => hostRules(entry, tls.declared, flag, resolver, options, canaries, problems));
  canaries.reportUnused(problems);
  const globalDefault = globalDefaultTarget(drafts, flag, resolver);
  for (const draft of drafts) {
    // Shadowed default backends are still checked, so their problems show.
    if (draft.defaultBackend !== null) resolver.check(draft.defaultBackend, draft.named.ref, 'spec.defaultBackend');
  }

  return deepFreeze({
    table: { hosts, defaultBackend: globalDefault },
    endpoints: resolver.index(),
    tls: {
      hosts: sortedMap(tls.table.hosts),
      certificates: sortedMap(tls.table.certificates),
      defaultCertificate: tls.table.defaultCertificate,
    },
    problems: sortProblems(problems),
    ownedIngresses: [...ingresses.keys()].sort(compareText),
    ...(policySecrets.size === 0 ? {} : { policySecrets: sortedMap(policySecrets) }),
    ...passthroughOf(hosts),
    annotationReports: reportsOf(translated),
  });
}

/** Every translated Ingress's annotation reports (canaries too), by "namespace/name". */
function reportsOf(translated: readonly IngressDraft[]): ReadonlyMap<string, readonly AnnotationReport[]> {
  const reports = new Map<string, readonly AnnotationReport[]>();
  for (const draft of translated)
    if (draft.policy.reports.length > 0) reports.set(draft.named.key, draft.policy.reports);
  return reports;
}

function passthroughOf(hosts: readonly HostRules[]): { passthrough?: Map<string, string> } {
  const found = passthroughHosts(hosts);
  return found.size === 0 ? {} : { passthrough: found };
}

/** Where a backend use is recorded: the resolver of a build, or the incremental builder's recorder. */
export interface BackendUser {
  use(ref: BackendRef, source: ObjectRef, field: string, fieldTail?: string): void;
}

/** `drafts` sorted oldest first, canaries left out. */
export function globalDefaultTarget(
  drafts: readonly IngressDraft[],
  flag: BackendRef | null,
  resolver: BackendUser,
): Target | null {
  const choice = chooseDefault(drafts, flag);
  // A request for no known host has no TLS host to redirect for: the source Ingress's policy, plain.
  if (choice === null) return null;
  return defaultTarget(choice, choice.ingress === null ? PLAIN_POLICY : choice.ingress.policy.plain, resolver);
}

export function compareHosts(a: Pick<MergedHost, 'kind' | 'host'>, b: Pick<MergedHost, 'kind' | 'host'>): number {
  return HOST_KIND_ORDER[a.kind] - HOST_KIND_ORDER[b.kind] || compareText(a.host, b.host);
}

/**
 * The policy of a route (or host default) from `ingress` (null: from the controller's flag). It redirects
 * plain HTTP when the host has TLS, unless turned off globally or by that Ingress (routing-semantics §6).
 */
function policyFor(hasTls: boolean, ingress: IngressDraft | null, options: BuildOptions): RoutePolicy {
  if (ingress === null) return hasTls && options.sslRedirect ? REDIRECT_POLICY : PLAIN_POLICY;
  const redirect =
    ingress.policy.forceSslRedirect || (hasTls && options.sslRedirect && ingress.policy.sslRedirect !== false);
  return redirect ? ingress.policy.redirect : ingress.policy.plain;
}

export function hostRules(
  entry: MergedHost,
  declaredTls: ReadonlyMap<string, string>,
  flag: BackendRef | null,
  resolver: BackendUser,
  options: BuildOptions,
  canaries: CanaryIndex,
  problems: Problem[],
): HostRules {
  const tlsSecret = tlsSecretForHost(entry.host, declaredTls);
  const hasTls = tlsSecret !== null;
  const regex = regexHost(entry, problems);
  const routes: PathRoute[] = [];
  for (const draft of sortInPlace(entry.routes, compareRoutes)) {
    const source = draft.ingress.named.ref;
    resolver.use(draft.backend, source, draft.field, '.backend');
    useErrorBackend(draft.ingress.policy.plain, source, resolver);
    const canary = canaries.size === 0 ? null : canaries.take(draft);
    if (canary !== null) {
      const from = canaries.routeOf(draft)!;
      resolver.use(from.backend, from.ingress.named.ref, from.field, '.backend');
    }
    // Created frozen (as everything below), so the final deepFreeze skips it.
    routes.push(
      Object.freeze({
        backend: draft.backend.key,
        source,
        policy:
          draft.redirectToHost === undefined
            ? policyFor(hasTls, draft.ingress, options)
            : hostRedirectPolicy(policyFor(hasTls, draft.ingress, options), draft.redirectToHost),
        path: draft.path,
        pathType: draft.pathType,
        match: regex ? 'regex' : draft.match,
        field: draft.field,
        ...(canary === null ? {} : { canary }),
      }),
    );
  }
  const choice = chooseDefault(entry.contributors, flag);
  const defaultBackend =
    choice === null ? null : defaultTarget(choice, policyFor(hasTls, choice.ingress, options), resolver);
  return Object.freeze({
    host: entry.host,
    kind: entry.kind,
    routes: Object.freeze(routes),
    defaultBackend,
    tlsSecret,
    ...(regex ? { regex: true as const } : {}),
  });
}

function defaultTarget(choice: DefaultChoice, policy: RoutePolicy, resolver: BackendUser): Target {
  if (choice.ingress === null) {
    resolver.use(choice.backend, CONTROLLER_REF, DEFAULT_BACKEND_FIELD);
    return Object.freeze({ backend: choice.backend.key, source: DEFAULT_BACKEND_FLAG_REF, policy });
  }
  resolver.use(choice.backend, choice.ingress.named.ref, 'spec.defaultBackend');
  useErrorBackend(policy, choice.ingress.named.ref, resolver);
  return Object.freeze({ backend: choice.backend.key, source: choice.ingress.named.ref, policy });
}

/** Exact first (by path), then Prefix by descending segment count, then by path, then by source. */
function compareRoutes(a: RouteDraft, b: RouteDraft): number {
  if (a.match !== b.match) return a.match === 'exact' ? -1 : 1;
  return (
    (a.match === 'prefix' ? b.segments - a.segments : 0) ||
    compareText(a.path, b.path) ||
    compareText(a.ingress.named.key, b.ingress.named.key) ||
    compareText(a.field, b.field)
  );
}

function sortedMap<V>(map: ReadonlyMap<string, V>): Map<string, V> {
  return new Map([...map].sort((a, b) => compareText(a[0], b[0])));
}
