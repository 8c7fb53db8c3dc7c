// The mutable record annotation entries write into while one Ingress is read; `trafficPolicy` then
// turns it into the frozen TrafficPolicy its routes share (null when nothing is set).

import type {
  AuthCacheDuration,
  CookieSession,
  Cors,
  ExternalAuthPolicy,
  HashKeyPart,
  HeaderEdits,
  Redirect,
  SourceField,
  TrafficPolicy,
} from '../policy-types.ts';
import type { UpstreamProtocol } from '../upstream-policy.ts';
import type { BackendRef } from '../backends.ts';
import { DEFAULT_AUTH_CACHE_DURATIONS } from './auth-cache-duration.ts';

export interface CanaryDraft {
  enabled: boolean;
  header: string | null;
  headerValue: string | null;
  headerPattern: string | null;
  cookie: string | null;
  weight: number;
  weightTotal: number;
  field: SourceField;
}

export class PolicyDraft {
  sslRedirect: boolean | null = null;
  forceSslRedirect = false;
  requestTimeoutMs: number | null = null;
  maxBodyBytes: number | null = null;
  /** use-regex: this Ingress's paths are regular expressions. */
  regex = false;
  rewriteTarget: { target: string; field: SourceField } | null = null;
  upstreamHost: string | null = null;
  forwardedPrefix: string | null = null;
  locationFrom: string | null = null;
  locationTo: string | null = null;
  permanentRedirect: Redirect | null = null;
  permanentCode: number | null = null;
  temporalRedirect: Redirect | null = null;
  appRoot: Redirect | null = null;
  wwwRedirect = false;
  requestSet: [string, string][] = [];
  requestRemove: string[] = [];
  responseSet: [string, string][] = [];
  responseRemove: string[] = [];
  headersField: SourceField = '';
  cors: { -readonly [K in keyof Cors]: Cors[K] } | null = null;
  corsEnabled = false;
  allow: string[] | null = null;
  deny: string[] = [];
  accessField: SourceField = '';
  rps: number | null = null;
  rpm: number | null = null;
  connections: number | null = null;
  burstMultiplier = 5;
  limitExempt: string[] = [];
  limitField: SourceField = '';
  connectMs: number | null = null;
  sendMs: number | null = null;
  timeoutField: SourceField = '';
  retryOn: string[] | null = null;
  retryTries: number | null = null;
  retryTimeoutMs: number | null = null;
  retryField: SourceField = '';
  bufferRequest: boolean | null = null;
  affinity: 'cookie' | null = null;
  cookie: { -readonly [K in keyof CookieSession]: CookieSession[K] } = {
    kind: 'cookie',
    cookie: 'INGRESSCOOKIE',
    path: null,
    maxAgeSeconds: null,
    expiresSeconds: null,
    secure: false,
    sameSite: null,
    changeOnFailure: false,
    mode: 'balanced',
    field: '',
  };
  hashBy: { key: HashKeyPart[]; field: SourceField } | null = null;
  balance: 'round-robin' | 'least-request' | null = null;
  canary: CanaryDraft = {
    enabled: false,
    header: null,
    headerValue: null,
    headerPattern: null,
    cookie: null,
    weight: 0,
    weightTotal: 100,
    field: '',
  };
  customErrors: { statuses: number[]; field: SourceField } | null = null;
  /** The default-backend Service name as written; errorBackendRef once qualified with the namespace. */
  errorBackend: string | null = null;
  errorBackendRef: BackendRef | null = null;
  aliases: string[] = [];
  serviceUpstream = false;
  /** custom-headers and auth-proxy-set-headers as written; configmap-headers.ts reads the ConfigMaps. */
  customHeadersConfigMap: { name: string; field: SourceField } | null = null;
  authHeadersConfigMap: { name: string; field: SourceField } | null = null;
  /** auth-proxy-set-headers' ConfigMap, read: set on the auth subrequest. */
  authSetHeaders: (readonly [string, string])[] = [];
  sslPassthrough = false;
  externalAuth: ExternalAuthDraft = {
    url: null,
    method: null,
    signin: null,
    redirectParam: 'rd',
    responseHeaders: [],
    requestRedirect: null,
    field: '',
    cacheKey: null,
    cacheDurations: null,
  };
  auth: AuthDraft = {
    type: null,
    secret: null,
    secretType: 'auth-file',
    realm: 'Authentication Required',
    field: '',
    secretField: '',
  };
  upstream: UpstreamDraft = {
    protocol: null,
    protocolFromSluice: false,
    verify: false,
    serverName: null,
    sendServerName: false,
    secret: null,
    secretField: '',
    field: '',
  };
}

export interface ExternalAuthDraft {
  url: string | null;
  method: string | null;
  signin: string | null;
  redirectParam: string;
  responseHeaders: string[];
  requestRedirect: string | null;
  field: SourceField;
  cacheKey: { text: string; parts: HashKeyPart[] } | null;
  cacheDurations: readonly AuthCacheDuration[] | null;
}

function externalAuthOf(
  draft: ExternalAuthDraft,
  proxySetHeaders: readonly (readonly [string, string])[],
): TrafficPolicy['externalAuth'] {
  if (draft.url === null) return undefined;
  const { url, method, signin, redirectParam, requestRedirect, field } = draft;
  return Object.freeze({
    url,
    method,
    signin,
    redirectParam,
    requestRedirect,
    field,
    responseHeaders: Object.freeze([...draft.responseHeaders]),
    ...(proxySetHeaders.length === 0 ? {} : { proxySetHeaders: Object.freeze(proxySetHeaders) }),
    ...authCacheOf(draft),
  });
}

/** ingress-nginx caches only with auth-cache-key; auth-cache-duration alone has no effect. */
function authCacheOf(draft: ExternalAuthDraft): { cache?: ExternalAuthPolicy['cache'] } {
  if (draft.cacheKey === null) return {};
  const { text, parts } = draft.cacheKey;
  const durations = draft.cacheDurations ?? DEFAULT_AUTH_CACHE_DURATIONS;
  return { cache: Object.freeze({ keyText: text, key: Object.freeze([...parts]), durations }) };
}

export interface AuthDraft {
  type: 'basic' | null;
  /** "name" or "namespace/name" as written; qualified with the Ingress namespace once read. */
  secret: string | null;
  secretType: 'auth-file' | 'auth-map';
  realm: string;
  field: SourceField;
  secretField: SourceField;
}

/** Basic auth needs its Secret: auth-type basic without auth-secret denies every request (503), as it fails closed. */
function basicAuthOf(draft: AuthDraft): TrafficPolicy['basicAuth'] {
  if (draft.type === null) return undefined;
  const { secret, secretType, realm, field, secretField } = draft;
  return Object.freeze({ secret, secretType, realm, field, secretField });
}

export interface UpstreamDraft {
  protocol: UpstreamProtocol | null;
  /** sluice.dev/backend-protocol was read: the nginx name no longer decides. */
  protocolFromSluice: boolean;
  verify: boolean;
  serverName: string | null;
  sendServerName: boolean;
  /** "name" or "namespace/name" as written; qualified with the Ingress namespace once read. */
  secret: string | null;
  secretField: SourceField;
  field: SourceField;
}

function upstreamOf(draft: UpstreamDraft): TrafficPolicy['upstream'] {
  if (draft.protocol === null && !draft.verify && draft.serverName === null && !draft.sendServerName) {
    if (draft.secret === null) return undefined;
  }
  const { protocol, verify, serverName, sendServerName, secret, secretField, field } = draft;
  return Object.freeze({ protocol, verify, serverName, sendServerName, secret, secretField, field });
}

function edits(set: [string, string][], remove: string[], field: SourceField): HeaderEdits | null {
  if (set.length === 0 && remove.length === 0) return null;
  return { set: set.map(([name, value]) => Object.freeze([name, value] as const)), remove, field };
}

function redirectOf(draft: PolicyDraft): Redirect | null {
  // ingress-nginx: permanent-redirect wins over temporal-redirect (redirect/redirect.go).
  if (draft.permanentRedirect !== null) {
    const status = draft.permanentCode ?? draft.permanentRedirect.status;
    return { ...draft.permanentRedirect, status };
  }
  return draft.temporalRedirect ?? draft.appRoot;
}

/** The frozen traffic policy, or null when the draft sets nothing of it. */
export function trafficPolicy(draft: PolicyDraft): TrafficPolicy | null {
  const policy: TrafficPolicy = {
    rewrite: draft.rewriteTarget,
    upstreamHost: draft.upstreamHost,
    forwardedPrefix: draft.forwardedPrefix,
    locationRewrite:
      draft.locationFrom !== null && draft.locationTo !== null
        ? { from: draft.locationFrom, to: draft.locationTo }
        : null,
    redirect: redirectOf(draft),
    requestHeaders: edits(draft.requestSet, draft.requestRemove, draft.headersField),
    responseHeaders: edits(draft.responseSet, draft.responseRemove, draft.headersField),
    cors: draft.corsEnabled ? draft.cors : null,
    access:
      draft.allow === null && draft.deny.length === 0
        ? null
        : { allow: draft.allow, deny: draft.deny, field: draft.accessField },
    rateLimit:
      draft.rps === null && draft.rpm === null && draft.connections === null
        ? null
        : {
            requestsPerSecond: draft.rps,
            requestsPerMinute: draft.rpm,
            connections: draft.connections,
            burstMultiplier: draft.burstMultiplier,
            exempt: draft.limitExempt,
            status: 503,
            field: draft.limitField,
          },
    timeouts:
      draft.connectMs === null && draft.sendMs === null
        ? null
        : { connectMs: draft.connectMs, sendMs: draft.sendMs, field: draft.timeoutField },
    retry:
      draft.retryOn === null && draft.retryTries === null && draft.retryTimeoutMs === null
        ? null
        : {
            on: draft.retryOn ?? ['error', 'timeout'],
            tries: draft.retryTries,
            timeoutMs: draft.retryTimeoutMs,
            field: draft.retryField,
          },
    bufferRequest: draft.bufferRequest,
    // ingress-nginx: cookie affinity wins over upstream-hash-by (balancer.lua picks sticky first).
    session:
      draft.affinity === 'cookie' ? draft.cookie : draft.hashBy === null ? null : { kind: 'hash', ...draft.hashBy },
    balance: draft.balance,
    customErrors: draft.customErrors,
    errorBackend: draft.errorBackendRef,
    serviceUpstream: draft.serviceUpstream,
  };
  const upstream = upstreamOf(draft.upstream);
  const basicAuth = basicAuthOf(draft.auth);
  const externalAuth = externalAuthOf(draft.externalAuth, draft.authSetHeaders);
  if (upstream !== undefined || basicAuth !== undefined || externalAuth !== undefined || draft.sslPassthrough)
    return {
      ...policy,
      ...(draft.sslPassthrough ? { sslPassthrough: true as const } : {}),
      ...(upstream === undefined ? {} : { upstream }),
      ...(basicAuth === undefined ? {} : { basicAuth }),
      ...(externalAuth === undefined ? {} : { externalAuth }),
    };
  for (const value of Object.values(policy)) if (value !== null && value !== false) return policy;
  return null;
}
