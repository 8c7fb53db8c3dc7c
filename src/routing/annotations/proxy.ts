// Body size, timeouts, retries and buffering, after ingress-nginx internal/ingress/annotations/proxy/main.go
// (whole-second timeouts, proxy-next-upstream conditions, tries 0 = no limit) and
// client-body-buffer-size / proxy-buffer* (nginx buffering internals: accepted, no effect in sluice).

import { type AnnotationEntry, invalid, NGINX, SLUICE } from './registry-types.ts';
import { parseByteSize, parseDuration, parseInteger, parseSeconds } from './values.ts';

const RETRY_CONDITIONS: ReadonlySet<string> = new Set([
  'error',
  'timeout',
  'invalid_header',
  'http_500',
  'http_502',
  'http_503',
  'http_504',
  'http_403',
  'http_404',
  'http_429',
  'non_idempotent',
  'off',
]);

function noop(short: string, reason: string): AnnotationEntry {
  return {
    name: `${NGINX}${short}`,
    family: 'proxy',
    status: 'noop',
    doc: `Accepted without effect: ${reason}.`,
    apply: (value) => (value === '' ? invalid('a value') : null),
  };
}

const BUFFERING = 'sluice streams bodies and sizes its buffers itself; nginx buffering internals do not apply';

export const PROXY_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}proxy-body-size`,
    family: 'proxy',
    status: 'supported',
    doc: 'Largest request body ("8m", "0" = no limit); over it, 413.',
    apply(value, draft) {
      const parsed = parseByteSize(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.maxBodyBytes ??= parsed.value;
      return null;
    },
  },
  {
    name: `${NGINX}proxy-read-timeout`,
    family: 'proxy',
    status: 'supported',
    doc: 'Seconds to wait for the upstream answer.',
    apply(value, draft) {
      const parsed = parseSeconds(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.requestTimeoutMs ??= parsed.value;
      return null;
    },
  },
  {
    name: `${NGINX}proxy-connect-timeout`,
    family: 'proxy',
    status: 'supported',
    doc: 'Seconds for an attempt to get a connection to the upstream (opened or reused); then the next endpoint, else 504.',
    apply(value, draft, field) {
      const parsed = parseSeconds(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.connectMs = parsed.value;
      draft.timeoutField ||= field;
      return null;
    },
  },
  {
    name: `${NGINX}proxy-send-timeout`,
    family: 'proxy',
    status: 'supported',
    doc: 'Seconds the upstream may take none of the request body the client sent; then 504.',
    apply(value, draft, field) {
      const parsed = parseSeconds(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.sendMs = parsed.value;
      draft.timeoutField ||= field;
      return null;
    },
  },
  {
    name: `${NGINX}proxy-next-upstream`,
    family: 'proxy',
    status: 'partial',
    doc: '"off" turns retries off; otherwise sluice retries on another endpoint what never reached one (error), and idempotent requests whose connection was reset.',
    apply(value, draft, field) {
      const conditions = value.split(/\s+/).filter((item) => item !== '');
      if (conditions.length === 0 || !conditions.every((item) => RETRY_CONDITIONS.has(item)))
        return invalid(`space-separated conditions from: ${[...RETRY_CONDITIONS].join(' ')}`);
      draft.retryOn = conditions.includes('off') ? [] : conditions;
      draft.retryField ||= field;
      const other = conditions.filter((item) => item !== 'error' && item !== 'off');
      return other.length === 0
        ? null
        : {
            partial: `${other.join(' ')} not honoured: sluice retries only what never reached an endpoint (and idempotent requests on a reset)`,
          };
    },
  },
  {
    name: `${NGINX}proxy-next-upstream-tries`,
    family: 'proxy',
    status: 'supported',
    doc: "Attempts in all (0 = the controller's --retries).",
    apply(value, draft, field) {
      const parsed = parseInteger(value, 0, 100);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.retryTries = parsed.value;
      draft.retryField ||= field;
      return null;
    },
  },
  {
    name: `${NGINX}proxy-next-upstream-timeout`,
    family: 'proxy',
    status: 'supported',
    doc: "Seconds after which no further endpoint is tried (0 = the controller's budget).",
    apply(value, draft, field) {
      const parsed = parseInteger(value, 0, 3600);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.retryTimeoutMs = parsed.value * 1000;
      draft.retryField ||= field;
      return null;
    },
  },
  {
    name: `${NGINX}proxy-request-buffering`,
    family: 'proxy',
    status: 'supported',
    doc: '"on": the whole body (up to the body limit, else 413) is read before the upstream sees it; "off": streamed (sluice\'s default).',
    apply(value, draft) {
      if (value !== 'on' && value !== 'off') return invalid('"on" or "off"');
      draft.bufferRequest = value === 'on';
      return null;
    },
  },
  noop('proxy-buffer-size', BUFFERING),
  noop('proxy-buffering', BUFFERING),
  noop('proxy-buffers-number', BUFFERING),
  noop('client-body-buffer-size', BUFFERING),
  noop('proxy-max-temp-file-size', 'sluice never spools answers to disk'),
];

/** sluice's own names; they decide over the ingress-nginx ones. */
export const SLUICE_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${SLUICE}ssl-redirect`,
    family: 'sluice',
    status: 'supported',
    doc: '"false": plain HTTP is served even when the host has TLS.',
    apply(value, draft) {
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false') return invalid('"true" or "false"');
      draft.sslRedirect = lower === 'true';
      return null;
    },
  },
  {
    name: `${SLUICE}request-timeout`,
    family: 'sluice',
    status: 'supported',
    doc: 'Time to wait for the upstream answer ("30s", "500ms", "2m").',
    apply(value, draft) {
      const parsed = parseDuration(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.requestTimeoutMs = parsed.value;
      return null;
    },
  },
  {
    name: `${SLUICE}max-body-size`,
    family: 'sluice',
    status: 'supported',
    doc: 'Largest request body ("10m", "0" = no limit).',
    apply(value, draft) {
      const parsed = parseByteSize(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.maxBodyBytes = parsed.value;
      return null;
    },
  },
];
