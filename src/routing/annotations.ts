// Per-Ingress policy from annotations, read through the annotation registry (annotations/registry.ts):
// sluice.dev/* and the nginx.ingress.kubernetes.io/* annotations sluice honours. Every other one is
// reported, never silently ignored. Problems here are warnings: the Ingress's routes still work, without
// the piece that could not be read.

import { type CanaryDraft, PolicyDraft, trafficPolicy } from './annotations/draft.ts';
import { qualifyAuthSecret } from './annotations/auth.ts';
import { readConfigMapHeaders } from './annotations/configmap-headers.ts';
import { qualifySecretNames } from './annotations/backend-protocol.ts';
import { annotationEntry } from './annotations/registry.ts';
import { NGINX, SLUICE } from './annotations/registry-types.ts';
import { firstPortRef } from './backends.ts';
import { type ConfigMapLookup, NO_CONFIGMAPS } from './header-configmap.ts';
import { clip, describeValue, isRecord, readRecord } from './kube-read.ts';
import type { Named } from './object-index.ts';
import { problem, type ProblemCode } from './problems.ts';
import type { Problem, RoutePolicy } from './types.ts';

/** What the audit says of one annotation. */
export interface AnnotationReport {
  readonly name: string;
  readonly status: 'supported' | 'partial' | 'unsupported' | 'invalid';
  readonly message: string;
}

/** What one Ingress's annotations ask of its routes (and of its default backend). */
export interface IngressPolicy {
  /** false: this Ingress turned the HTTPS redirect off; null: not said. */
  readonly sslRedirect: boolean | null;
  /** force-ssl-redirect: redirect plain HTTP even when the host has no TLS. */
  readonly forceSslRedirect: boolean;
  /** The route policy of this Ingress without and with the HTTPS redirect, made once per Ingress. */
  readonly plain: RoutePolicy;
  readonly redirect: RoutePolicy;
  /** use-regex or rewrite-target: its paths are regexes, and its hosts match as regex. */
  readonly regex: boolean;
  /** Set when this Ingress is a canary (canary: "true"). */
  readonly canary: Readonly<CanaryDraft> | null;
  /** server-alias hosts. */
  readonly aliases: readonly string[];
  /** from-to-www-redirect. */
  readonly wwwRedirect: boolean;
  /** One per sluice.dev/ or nginx.ingress.kubernetes.io/ annotation, by name. */
  readonly reports: readonly AnnotationReport[];
}

export const PLAIN_POLICY: RoutePolicy = Object.freeze({
  sslRedirect: false,
  requestTimeoutMs: null,
  maxBodyBytes: null,
});
export const REDIRECT_POLICY: RoutePolicy = Object.freeze({
  sslRedirect: true,
  requestTimeoutMs: null,
  maxBodyBytes: null,
});

const NONE: readonly never[] = Object.freeze([]);

/** An Ingress without policy annotations: the controller's defaults, shared, so most Ingresses allocate nothing. */
export const DEFAULT_INGRESS_POLICY: IngressPolicy = Object.freeze({
  sslRedirect: null,
  forceSslRedirect: false,
  plain: PLAIN_POLICY,
  redirect: REDIRECT_POLICY,
  regex: false,
  canary: null,
  aliases: NONE,
  wwwRedirect: false,
  reports: NONE,
});

function annotationField(name: string): string {
  return `metadata.annotations[${JSON.stringify(name)}]`;
}

/** nginx names first, then sluice.dev names (which decide over them), each in name order. */
function readOrder(a: string, b: string): number {
  const sa = a.startsWith(SLUICE) ? 1 : 0;
  const sb = b.startsWith(SLUICE) ? 1 : 0;
  return sa - sb || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Reads the policy annotations of an owned Ingress; reports unreadable, unknown and unsupported ones.
 * `configMaps`: those custom-headers and auth-proxy-set-headers may name (none: each is reported missing).
 */
export function readPolicyAnnotations(
  named: Named,
  problems: Problem[],
  configMaps: ConfigMapLookup = NO_CONFIGMAPS,
): IngressPolicy {
  const metadata = readRecord(named.object, 'metadata');
  const annotations = metadata === null ? undefined : metadata.annotations;
  if (annotations === undefined || annotations === null) return DEFAULT_INGRESS_POLICY;
  if (!isRecord(annotations)) {
    problems.push(
      problem(
        'FieldTypeInvalid',
        named.ref,
        'metadata.annotations',
        `annotations must be an object, not ${describeValue(annotations)}`,
      ),
    );
    return DEFAULT_INGRESS_POLICY;
  }
  const names = Object.keys(annotations).filter((name) => name.startsWith(SLUICE) || name.startsWith(NGINX));
  if (names.length === 0) return DEFAULT_INGRESS_POLICY;
  names.sort(readOrder);

  const draft = new PolicyDraft();
  const reports = new Map<string, AnnotationReport>();
  const report = (name: string, status: AnnotationReport['status'], message: string, code: ProblemCode | null) => {
    reports.set(name, { name, status, message });
    if (code !== null) problems.push(problem(code, named.ref, annotationField(name), message));
  };
  for (const name of names) readOne(name, annotations[name], draft, report);
  for (const name of names) {
    const requires = annotationEntry(name)?.requires;
    if (requires === undefined || requires.enabled(draft) || reports.get(name)?.status === 'invalid') continue;
    const message = `${clip(name, 100)} has no effect without ${requires.name}`;
    report(name, 'partial', message, 'AnnotationWithoutEffect');
  }
  readConfigMapHeaders(draft, named.ref.namespace, configMaps, report);
  if (draft.errorBackend !== null) draft.errorBackendRef = firstPortRef(named.ref.namespace, draft.errorBackend);
  qualifySecretNames(draft, named.ref.namespace);
  qualifyAuthSecret(draft, named.ref.namespace);

  const traffic = trafficPolicy(draft);
  const shared = traffic === null ? {} : { traffic: Object.freeze(traffic) };
  const simple = traffic === null && draft.requestTimeoutMs === null && draft.maxBodyBytes === null;
  const { requestTimeoutMs, maxBodyBytes } = draft;
  return Object.freeze({
    sslRedirect: draft.sslRedirect,
    forceSslRedirect: draft.forceSslRedirect,
    plain: simple ? PLAIN_POLICY : Object.freeze({ sslRedirect: false, requestTimeoutMs, maxBodyBytes, ...shared }),
    redirect: simple
      ? REDIRECT_POLICY
      : Object.freeze({ sslRedirect: true, requestTimeoutMs, maxBodyBytes, ...shared }),
    regex: draft.regex || draft.rewriteTarget !== null,
    canary: draft.canary.enabled ? Object.freeze({ ...draft.canary }) : null,
    aliases: Object.freeze(draft.aliases),
    wwwRedirect: draft.wwwRedirect,
    reports: Object.freeze([...reports.values()].sort((a, b) => (a.name < b.name ? -1 : 1))),
  });
}

type Reporter = (name: string, status: AnnotationReport['status'], message: string, code: ProblemCode | null) => void;

function readOne(name: string, raw: unknown, draft: PolicyDraft, report: Reporter): void {
  const shownName = clip(name, 100);
  const entry = annotationEntry(name);
  if (entry === undefined) {
    if (name.startsWith(SLUICE)) {
      const message = `${shownName} is not a sluice annotation (known: sluice.dev/ssl-redirect, sluice.dev/request-timeout, sluice.dev/max-body-size); it is ignored`;
      report(name, 'unsupported', message, 'AnnotationUnknown');
    } else {
      report(name, 'unsupported', `${shownName} is not supported by sluice, which ignores it`, 'AnnotationUnsupported');
    }
    return;
  }
  if (entry.apply === null) {
    const message = `${shownName} is not supported by sluice, which ignores it: ${entry.doc}`;
    report(name, 'unsupported', message, 'AnnotationUnsupported');
    return;
  }
  if (typeof raw !== 'string') {
    report(name, 'invalid', `${describeValue(raw)} is not a string; it is ignored`, 'AnnotationValueInvalid');
    return;
  }
  const result = entry.apply(raw.trim(), draft, annotationField(name));
  if (result === null) {
    report(name, 'supported', entry.doc, null);
  } else if ('invalid' in result) {
    report(
      name,
      'invalid',
      `${JSON.stringify(clip(raw, 64))} is not ${result.invalid}; it is ignored`,
      'AnnotationValueInvalid',
    );
  } else if ('partial' in result) {
    report(name, 'partial', `${shownName}: ${result.partial}`, 'AnnotationPartial');
  } else {
    report(name, 'unsupported', `${shownName}: ${result.unsupported}`, 'AnnotationUnsupported');
  }
}
