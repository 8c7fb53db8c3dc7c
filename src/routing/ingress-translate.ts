// One owned Ingress → its host claims, path routes, default backend and TLS claims, plus problems.
// Each Ingress is translated alone, so a bad one can only lose its own routes.

import { readPolicyAnnotations, type IngressPolicy } from './annotations.ts';
import { readBackend, type BackendRef, type BackendRefs } from './backends.ts';
import { pathField, ruleField } from './field-names.ts';
import type { ConfigMapLookup } from './header-configmap.ts';
import { describeValue, isRecord, readRecord, readString, readValue } from './kube-read.ts';
import type { Named } from './object-index.ts';
import { problem } from './problems.ts';
import { checkRuleHost } from './rule-host.ts';
import { checkRegexPath } from './regex-path.ts';
import { checkRulePath, prefixKey, segmentCount } from './rule-path.ts';
import { addServerAliases } from './server-alias.ts';
import { addWwwRedirects } from './www-redirect.ts';
import type { TlsClaim } from './tls.ts';
import type { HostKind, PathType, Problem } from './types.ts';

export interface HostClaim {
  readonly host: string;
  readonly kind: HostKind;
}

export interface RouteDraft {
  readonly ingress: IngressDraft;
  readonly host: string;
  readonly path: string;
  readonly pathType: PathType;
  readonly match: 'exact' | 'prefix';
  /**
   * The path as matching sees it (Prefix: trailing slashes dropped). Two routes of one host with the
   * same `match` and `matchPath` match the same requests: only one may exist.
   */
  readonly matchPath: string;
  readonly segments: number;
  /** "spec.rules[0].http.paths[1]" */
  readonly field: string;
  readonly backend: BackendRef;
  /** from-to-www-redirect: this route only redirects to that host (www-redirect.ts). */
  readonly redirectToHost?: string;
}

export interface IngressDraft {
  readonly named: Named;
  /** creationTimestamp in ms; Infinity when missing or unreadable (sorts as youngest). */
  readonly created: number;
  readonly hosts: HostClaim[];
  readonly routes: RouteDraft[];
  readonly defaultBackend: BackendRef | null;
  readonly tls: TlsClaim[];
  /** Its annotations' policy for its routes and its default backend. */
  readonly policy: IngressPolicy;
}

const PATH_TYPES: ReadonlySet<string> = new Set(['Exact', 'Prefix', 'ImplementationSpecific']);

export function creationTime(named: Named): number {
  const text = readString(readRecord(named.object, 'metadata'), 'creationTimestamp');
  const time = text === null ? Number.NaN : Date.parse(text);
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

/** Oldest first (creationTimestamp, then namespace/name): the order of precedence everywhere. */
export function compareAge(
  a: Pick<IngressDraft, 'created' | 'named'>,
  b: Pick<IngressDraft, 'created' | 'named'>,
): number {
  if (a.created !== b.created) return a.created < b.created ? -1 : 1;
  return a.named.key < b.named.key ? -1 : a.named.key > b.named.key ? 1 : 0;
}

/**
 * `refs` is shared by every Ingress of a build, so routes naming the same backend share one BackendRef.
 * `configMaps`: the ConfigMaps its header annotations may name (header-configmap.ts).
 */
export function translateIngress(
  named: Named,
  refs: BackendRefs,
  problems: Problem[],
  configMaps: ConfigMapLookup,
): IngressDraft {
  const spec = readValue(named.object, 'spec');
  const specOk = isRecord(spec);
  if (!specOk)
    problems.push(problem('FieldTypeInvalid', named.ref, 'spec', `spec must be an object, not ${describeValue(spec)}`));
  const rawDefault = specOk ? spec.defaultBackend : undefined;
  const draft: IngressDraft = {
    named,
    created: creationTime(named),
    hosts: [],
    routes: [],
    defaultBackend:
      rawDefault === undefined || rawDefault === null
        ? null
        : readBackend(named, rawDefault, 'spec.defaultBackend', '', refs, problems),
    tls: [],
    policy: readPolicyAnnotations(named, problems, configMaps),
  };
  if (!specOk) return draft;
  const rules = listAt(named, spec, 'rules', 'spec.rules', '', problems);
  for (let r = 0; r < rules.length; r++) translateRule(draft, rules[r], r, refs, problems);
  if (draft.policy.aliases.length > 0) addServerAliases(draft);
  if (draft.policy.wwwRedirect) addWwwRedirects(draft);
  const tls = listAt(named, spec, 'tls', 'spec.tls', '', problems);
  for (let t = 0; t < tls.length; t++) translateTls(draft, tls[t], `spec.tls[${t}]`, problems);
  return draft;
}

const NOTHING: readonly unknown[] = Object.freeze([]);

/** The list at `key`; its field, `field + fieldTail`, is only spelled out for a problem. */
function listAt(
  named: Named,
  from: unknown,
  key: string,
  field: string,
  fieldTail: string,
  problems: Problem[],
): readonly unknown[] {
  const value = readValue(from, key);
  if (value === undefined || value === null) return NOTHING;
  if (Array.isArray(value)) return value;
  problems.push(
    problem('FieldTypeInvalid', named.ref, field + fieldTail, `${key} must be a list, not ${describeValue(value)}`),
  );
  return NOTHING;
}

/** `claim` is the host check's own result (it has host and kind): no object is made per rule. */
function claimHost(draft: IngressDraft, claim: HostClaim): void {
  for (const each of draft.hosts) if (each.host === claim.host) return;
  draft.hosts.push(claim);
}

function translateRule(draft: IngressDraft, rule: unknown, r: number, refs: BackendRefs, problems: Problem[]): void {
  const ref = draft.named.ref;
  const field = ruleField(r);
  if (!isRecord(rule)) {
    problems.push(problem('FieldTypeInvalid', ref, field, `a rule must be an object, not ${describeValue(rule)}`));
    return;
  }
  const rawHost = rule.host === undefined || rule.host === null ? '' : rule.host;
  if (typeof rawHost !== 'string') {
    problems.push(
      problem('FieldTypeInvalid', ref, `${field}.host`, `host must be a string, not ${describeValue(rawHost)}`),
    );
    return;
  }
  const host = checkRuleHost(rawHost);
  if (!host.ok) {
    problems.push(problem(host.code, ref, `${field}.host`, host.message));
    return;
  }
  const http = rule.http;
  if (http === undefined || http === null) {
    // A host with no paths still claims the host: its requests get the host's default backend.
    if (host.host !== '') claimHost(draft, host);
    return;
  }
  claimHost(draft, host);
  if (!isRecord(http)) {
    problems.push(
      problem('FieldTypeInvalid', ref, `${field}.http`, `http must be an object, not ${describeValue(http)}`),
    );
    return;
  }
  const paths = listAt(draft.named, http, 'paths', field, '.http.paths', problems);
  for (let p = 0; p < paths.length; p++) {
    const route = translatePath(draft, host.host, paths[p], pathField(r, p), refs, problems);
    if (route !== null) draft.routes.push(route);
  }
}

function translatePath(
  draft: IngressDraft,
  host: string,
  entry: unknown,
  field: string,
  refs: BackendRefs,
  problems: Problem[],
): RouteDraft | null {
  const ref = draft.named.ref;
  if (!isRecord(entry)) {
    problems.push(problem('FieldTypeInvalid', ref, field, `a path must be an object, not ${describeValue(entry)}`));
    return null;
  }
  let usable = true;
  const pathType = entry.pathType;
  if (pathType === undefined || pathType === null || pathType === '') {
    problems.push(
      problem(
        'PathTypeMissing',
        ref,
        `${field}.pathType`,
        'pathType is required: Exact, Prefix or ImplementationSpecific',
      ),
    );
    usable = false;
  } else if (typeof pathType !== 'string' || !PATH_TYPES.has(pathType)) {
    problems.push(
      problem(
        'PathTypeInvalid',
        ref,
        `${field}.pathType`,
        `pathType ${describeValue(pathType)} is not Exact, Prefix or ImplementationSpecific`,
      ),
    );
    usable = false;
  }
  let path = entry.path;
  if ((path === undefined || path === null || path === '') && pathType === 'ImplementationSpecific') path = '/';
  if (path === undefined || path === null) {
    problems.push(problem('PathInvalid', ref, `${field}.path`, 'path is required for Exact and Prefix'));
    usable = false;
  } else if (typeof path !== 'string') {
    problems.push(
      problem('FieldTypeInvalid', ref, `${field}.path`, `path must be a string, not ${describeValue(path)}`),
    );
    usable = false;
  } else if (draft.policy.regex) {
    const check = checkRegexPath(path);
    if (!check.ok) {
      problems.push(problem('AnnotationValueInvalid', ref, `${field}.path`, check.message));
      usable = false;
    }
  } else {
    const check = checkRulePath(path);
    if (!check.ok) {
      problems.push(problem(check.code, ref, `${field}.path`, check.message));
      usable = false;
    }
  }
  const backend = readBackend(draft.named, entry.backend, field, '.backend', refs, problems);
  if (!usable || backend === null || typeof path !== 'string') return null;
  const type = pathType as PathType;
  const exact = type === 'Exact';
  return {
    ingress: draft,
    host,
    path,
    pathType: type,
    match: exact ? 'exact' : 'prefix',
    matchPath: exact || draft.policy.regex ? path : prefixKey(path),
    segments: segmentCount(path),
    field,
    backend,
  };
}

function translateTls(draft: IngressDraft, entry: unknown, field: string, problems: Problem[]): void {
  const ref = draft.named.ref;
  if (!isRecord(entry)) {
    problems.push(
      problem('FieldTypeInvalid', ref, field, `a TLS entry must be an object, not ${describeValue(entry)}`),
    );
    return;
  }
  const secretName = entry.secretName;
  if (typeof secretName !== 'string' || secretName === '') {
    const message =
      secretName === undefined ? 'secretName is missing' : `secretName ${describeValue(secretName)} names no Secret`;
    problems.push(problem('TlsSecretNameMissing', ref, `${field}.secretName`, message));
    return;
  }
  const secret = `${ref.namespace}/${secretName}`;
  if (entry.hosts === undefined || entry.hosts === null) {
    // No hosts listed: the entry serves the hosts of this Ingress's own rules.
    for (const claim of draft.hosts) {
      if (claim.kind === 'any') continue;
      draft.tls.push({ host: claim.host, secret, ingress: draft.named, field, hostField: `${field}.hosts` });
    }
    return;
  }
  const hosts = listAt(draft.named, entry, 'hosts', field, '.hosts', problems);
  for (let h = 0; h < hosts.length; h++) {
    const raw = hosts[h];
    const hostField = `${field}.hosts[${h}]`;
    if (typeof raw !== 'string') {
      problems.push(
        problem('FieldTypeInvalid', ref, hostField, `a TLS host must be a string, not ${describeValue(raw)}`),
      );
      continue;
    }
    const host = checkRuleHost(raw);
    if (!host.ok || host.kind === 'any') {
      const code = host.ok ? 'HostInvalid' : host.code;
      problems.push(problem(code, ref, hostField, host.ok ? 'a TLS host must not be empty' : host.message));
      continue;
    }
    draft.tls.push({ host: host.host, secret, ingress: draft.named, field, hostField });
  }
}
