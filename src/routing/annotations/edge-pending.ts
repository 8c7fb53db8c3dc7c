// Annotations that are read, checked and compiled into the route policy, but that the edge does not
// apply yet. Until it does, the reader reports them unsupported (so the audit never claims a behaviour
// sluice does not have); each name leaves this list with the edge step that honours it.

import { NGINX } from './registry-types.ts';

const PENDING_SHORT_NAMES = [
  'rewrite-target',
  'x-forwarded-prefix',
  'upstream-vhost',
  'proxy-redirect-from',
  'proxy-redirect-to',
  'permanent-redirect',
  'permanent-redirect-code',
  'temporal-redirect',
  'app-root',
  'whitelist-source-range',
  'allowlist-source-range',
  'denylist-source-range',
  'enable-cors',
  'cors-allow-origin',
  'cors-allow-methods',
  'cors-allow-headers',
  'cors-expose-headers',
  'cors-allow-credentials',
  'cors-max-age',
  'limit-rps',
  'limit-rpm',
  'limit-connections',
  'limit-burst-multiplier',
  'limit-whitelist',
  'proxy-connect-timeout',
  'proxy-send-timeout',
  'proxy-next-upstream',
  'proxy-next-upstream-tries',
  'proxy-next-upstream-timeout',
  'proxy-request-buffering',
  'affinity',
  'affinity-mode',
  'session-cookie-name',
  'session-cookie-path',
  'session-cookie-max-age',
  'session-cookie-expires',
  'session-cookie-secure',
  'session-cookie-samesite',
  'session-cookie-change-on-failure',
  'upstream-hash-by',
  'load-balance',
  'canary',
  'canary-by-header',
  'canary-by-header-value',
  'canary-by-header-pattern',
  'canary-by-cookie',
  'canary-weight',
  'canary-weight-total',
  'custom-http-errors',
  'default-backend',
  'configuration-snippet',
  'server-snippet',
];

export const EDGE_PENDING: ReadonlySet<string> = new Set(PENDING_SHORT_NAMES.map((short) => NGINX + short));

export const PENDING_MESSAGE = 'read and checked, but the edge does not apply it yet';
