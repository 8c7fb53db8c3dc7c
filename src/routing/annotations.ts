// Per-Ingress policy from annotations: sluice.dev/* and the ingress-nginx equivalents that mean the
// same thing. Every other sluice.dev/* or nginx.ingress.kubernetes.io/* annotation is reported, never
// silently ignored. Problems here are warnings: the Ingress's routes still work, with the controller
// default in place of a value that could not be read.

import { clip, describeValue, isRecord, readRecord } from './kube-read.ts';
import type { Named } from './object-index.ts';
import { problem } from './problems.ts';
import type { Problem, RoutePolicy } from './types.ts';

export const SLUICE_PREFIX = 'sluice.dev/';
export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io/';

/** Where a setting's annotations are looked for: the sluice.dev name decides when present. */
export const SSL_REDIRECT_ANNOTATIONS = [
  'sluice.dev/ssl-redirect',
  'nginx.ingress.kubernetes.io/ssl-redirect',
] as const;
export const REQUEST_TIMEOUT_ANNOTATIONS = [
  'sluice.dev/request-timeout',
  'nginx.ingress.kubernetes.io/proxy-read-timeout',
] as const;
export const MAX_BODY_ANNOTATIONS = [
  'sluice.dev/max-body-size',
  'nginx.ingress.kubernetes.io/proxy-body-size',
] as const;

export const MAX_REQUEST_TIMEOUT_MS = 3_600_000;

/** What one Ingress's annotations ask of its routes (and of its default backend). */
export interface IngressPolicy {
  /** false: this Ingress turned the HTTPS redirect off; null: not said. */
  readonly sslRedirect: boolean | null;
  /** The route policy of this Ingress without and with the HTTPS redirect, made once per Ingress. */
  readonly plain: RoutePolicy;
  readonly redirect: RoutePolicy;
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

/** An Ingress without policy annotations: the controller's defaults, shared, so most Ingresses allocate nothing. */
export const DEFAULT_INGRESS_POLICY: IngressPolicy = Object.freeze({
  sslRedirect: null,
  plain: PLAIN_POLICY,
  redirect: REDIRECT_POLICY,
});

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly expected: string };

interface Setting<T> {
  readonly names: readonly string[];
  /** Per annotation name: how its value is read. */
  readonly parse: (text: string, name: string) => Parsed<T>;
}

const UNSUPPORTED_HINTS: Readonly<Record<string, string>> = {
  'rewrite-target': 'sluice forwards the path unchanged',
  'use-regex': 'sluice paths are always literal (Exact or Prefix; ImplementationSpecific is Prefix)',
  'force-ssl-redirect': 'sluice redirects plain HTTP to HTTPS for hosts with TLS (see sluice.dev/ssl-redirect)',
  'backend-protocol': 'sluice speaks HTTP/1.1 to backends',
  canary: 'canary and weighted backends are not supported yet',
};

/** Reads the policy annotations of an owned Ingress; reports unreadable, unknown and unsupported ones. */
export function readPolicyAnnotations(named: Named, problems: Problem[]): IngressPolicy {
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
  let relevant = false;
  for (const name of Object.keys(annotations)) {
    if (name.startsWith(SLUICE_PREFIX) || name.startsWith(NGINX_PREFIX)) {
      relevant = true;
      break;
    }
  }
  if (!relevant) return DEFAULT_INGRESS_POLICY;

  reportUnknown(named, annotations, problems);
  const sslRedirect = readSetting(named, annotations, SSL_REDIRECT, problems);
  const requestTimeoutMs = readSetting(named, annotations, REQUEST_TIMEOUT, problems);
  const maxBodyBytes = readSetting(named, annotations, MAX_BODY, problems);
  if (requestTimeoutMs === null && maxBodyBytes === null) {
    return sslRedirect === null
      ? DEFAULT_INGRESS_POLICY
      : Object.freeze({ sslRedirect, plain: PLAIN_POLICY, redirect: REDIRECT_POLICY });
  }
  return Object.freeze({
    sslRedirect,
    plain: Object.freeze({ sslRedirect: false, requestTimeoutMs, maxBodyBytes }),
    redirect: Object.freeze({ sslRedirect: true, requestTimeoutMs, maxBodyBytes }),
  });
}

const SSL_REDIRECT: Setting<boolean> = {
  names: SSL_REDIRECT_ANNOTATIONS,
  parse: (text, name) => (name.startsWith(SLUICE_PREFIX) ? parseBoolean(text) : parseGoBoolean(text)),
};
const REQUEST_TIMEOUT: Setting<number> = {
  names: REQUEST_TIMEOUT_ANNOTATIONS,
  parse: (text, name) => (name.startsWith(SLUICE_PREFIX) ? parseDuration(text) : parseSeconds(text)),
};
const MAX_BODY: Setting<number> = { names: MAX_BODY_ANNOTATIONS, parse: parseByteSize };

const KNOWN: ReadonlySet<string> = new Set([
  ...SSL_REDIRECT_ANNOTATIONS,
  ...REQUEST_TIMEOUT_ANNOTATIONS,
  ...MAX_BODY_ANNOTATIONS,
]);

function annotationField(name: string): string {
  return `metadata.annotations[${JSON.stringify(name)}]`;
}

/**
 * Every annotation of the setting is checked (a bad one is reported even when another decides); the
 * first one present decides, and when its value is bad the controller default (null) is used.
 */
function readSetting<T>(
  named: Named,
  annotations: Readonly<Record<string, unknown>>,
  setting: Setting<T>,
  problems: Problem[],
): T | null {
  let decidedBy: string | null = null;
  let value: T | null = null;
  for (const name of setting.names) {
    const raw = annotations[name];
    if (raw === undefined) continue;
    const parsed: Parsed<T> =
      typeof raw === 'string' ? setting.parse(raw.trim(), name) : { ok: false, expected: 'a string' };
    if (!parsed.ok) {
      const shown = typeof raw === 'string' ? JSON.stringify(clip(raw, 64)) : describeValue(raw);
      const outcome = decidedBy === null ? 'the controller default is used' : `${decidedBy} decides`;
      problems.push(
        problem(
          'AnnotationValueInvalid',
          named.ref,
          annotationField(name),
          `${shown} is not ${parsed.expected}; ${outcome}`,
        ),
      );
    } else if (decidedBy === null) {
      value = parsed.value;
    }
    decidedBy ??= name;
  }
  return value;
}

function reportUnknown(named: Named, annotations: Readonly<Record<string, unknown>>, problems: Problem[]): void {
  for (const name of Object.keys(annotations)) {
    if (KNOWN.has(name)) continue;
    if (name.startsWith(SLUICE_PREFIX)) {
      const known = [...KNOWN].filter((each) => each.startsWith(SLUICE_PREFIX)).join(', ');
      problems.push(
        problem(
          'AnnotationUnknown',
          named.ref,
          annotationField(name),
          `${clip(name, 100)} is not a sluice annotation (known: ${known}); it is ignored`,
        ),
      );
    } else if (name.startsWith(NGINX_PREFIX)) {
      problems.push(problem('AnnotationUnsupported', named.ref, annotationField(name), unsupportedMessage(name)));
    }
  }
}

function unsupportedMessage(name: string): string {
  const shown = clip(name, 100);
  const short = name.slice(NGINX_PREFIX.length);
  if (short.endsWith('-snippet') || short === 'snippet')
    return `${shown} is ignored; snippets are never supported: configuration is data, not code`;
  const hint = unsupportedHint(short);
  return `${shown} is not supported by sluice, which ignores it${hint === '' ? '' : `; ${hint}`}`;
}

function unsupportedHint(short: string): string {
  if (short.startsWith('auth-')) return 'authentication is not supported yet';
  if (short.startsWith('canary')) return UNSUPPORTED_HINTS.canary;
  return Object.hasOwn(UNSUPPORTED_HINTS, short) ? UNSUPPORTED_HINTS[short] : '';
}

function parseBoolean(text: string): Parsed<boolean> {
  const lower = text.toLowerCase();
  if (lower === 'true') return { ok: true, value: true };
  if (lower === 'false') return { ok: true, value: false };
  return { ok: false, expected: '"true" or "false"' };
}

const GO_TRUE: ReadonlySet<string> = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE: ReadonlySet<string> = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** ingress-nginx reads its booleans with Go's strconv.ParseBool: the same words are accepted here. */
function parseGoBoolean(text: string): Parsed<boolean> {
  if (GO_TRUE.has(text)) return { ok: true, value: true };
  if (GO_FALSE.has(text)) return { ok: true, value: false };
  return { ok: false, expected: '"true" or "false"' };
}

const DURATION = /^(\d{1,10}(?:\.\d{1,3})?)(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_EXPECTED = 'a duration from 1ms to 1h such as "500ms", "30s", "2m" or "30" (seconds)';

/** "500ms", "30s", "2m", "1h", or plain seconds ("30", "0.5") → whole milliseconds, 1 ms .. 1 h. */
export function parseDuration(text: string): Parsed<number> {
  const found = DURATION.exec(text);
  if (found === null) return { ok: false, expected: DURATION_EXPECTED };
  const ms = Math.round(Number(found[1]) * UNIT_MS[found[2] ?? 's']);
  return ms >= 1 && ms <= MAX_REQUEST_TIMEOUT_MS ? { ok: true, value: ms } : { ok: false, expected: DURATION_EXPECTED };
}

const SECONDS = /^\d{1,10}$/;
const SECONDS_EXPECTED = 'a whole number of seconds from 1 to 3600';

/** ingress-nginx timeouts: whole seconds → milliseconds, 1 s .. 1 h. */
export function parseSeconds(text: string): Parsed<number> {
  if (!SECONDS.test(text)) return { ok: false, expected: SECONDS_EXPECTED };
  const ms = Number(text) * 1000;
  return ms >= 1000 && ms <= MAX_REQUEST_TIMEOUT_MS
    ? { ok: true, value: ms }
    : { ok: false, expected: SECONDS_EXPECTED };
}

const BYTE_SIZE = /^(\d{1,15})([kmg])?$/i;
const SIZE_FACTOR: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const SIZE_EXPECTED = 'a size in bytes such as "1048576", "512k", "10m" or "1g" (1024-based; "0" for unlimited)';

/** "10m" → bytes (k, m, g are 1024-based, either case); "0" → Infinity: no limit. */
export function parseByteSize(text: string): Parsed<number> {
  const found = BYTE_SIZE.exec(text);
  if (found === null) return { ok: false, expected: SIZE_EXPECTED };
  const bytes = Number(found[1]) * SIZE_FACTOR[(found[2] ?? '').toLowerCase()];
  if (bytes === 0) return { ok: true, value: Number.POSITIVE_INFINITY };
  return Number.isSafeInteger(bytes) ? { ok: true, value: bytes } : { ok: false, expected: SIZE_EXPECTED };
}
