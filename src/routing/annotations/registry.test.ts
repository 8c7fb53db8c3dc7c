// The registry is the one list the reader, the audit and the migration table use.

import { describe, expect, it } from 'vitest';
import { ANNOTATION_REGISTRY, annotationEntry } from './registry.ts';
import { NGINX, SLUICE } from './registry-types.ts';

describe('annotation registry', () => {
  it('has one entry per name, each with a one-line doc and a family', () => {
    const names = ANNOTATION_REGISTRY.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of ANNOTATION_REGISTRY) {
      expect(entry.name.startsWith(NGINX) || entry.name.startsWith(SLUICE), entry.name).toBe(true);
      expect(entry.doc.length, entry.name).toBeGreaterThan(10);
      expect(entry.doc.includes('\n'), entry.name).toBe(false);
      expect(entry.family, entry.name).not.toBe('');
    }
    const unreadable = ANNOTATION_REGISTRY.filter((entry) => entry.status !== 'unsupported' && entry.apply === null);
    expect(unreadable.map((entry) => entry.name)).toEqual([]);
    const requiring = ANNOTATION_REGISTRY.flatMap((entry) =>
      entry.requires === undefined ? [] : [entry.requires.name],
    );
    expect(requiring.filter((name) => annotationEntry(name) === undefined)).toEqual([]);
  });

  it('knows every annotation issue 12 lists', () => {
    const listed = [
      'rewrite-target',
      'use-regex',
      'x-forwarded-prefix',
      'upstream-vhost',
      'proxy-redirect-from',
      'proxy-redirect-to',
      'permanent-redirect',
      'permanent-redirect-code',
      'temporal-redirect',
      'app-root',
      'from-to-www-redirect',
      'force-ssl-redirect',
      'ssl-redirect',
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
      'proxy-body-size',
      'proxy-connect-timeout',
      'proxy-send-timeout',
      'proxy-read-timeout',
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
      'canary-weight',
      'canary-weight-total',
      'canary-by-header',
      'canary-by-header-value',
      'canary-by-header-pattern',
      'canary-by-cookie',
      'custom-http-errors',
      'default-backend',
      'server-alias',
      'service-upstream',
      'custom-headers',
      'configuration-snippet',
      'server-snippet',
      'auth-snippet',
      'stream-snippet',
      'proxy-buffer-size',
      'proxy-buffering',
      'proxy-buffers-number',
      'client-body-buffer-size',
      'proxy-max-temp-file-size',
      'backend-protocol',
      'ssl-passthrough',
      'auth-url',
    ];
    const missing = listed.filter((short) => annotationEntry(NGINX + short) === undefined);
    expect(missing).toEqual([]);
    for (const short of ['proxy-buffer-size', 'proxy-buffering', 'client-body-buffer-size'])
      expect(annotationEntry(NGINX + short)?.status).toBe('noop');
    for (const short of ['auth-tls-secret', 'auth-tls-verify-client'])
      expect(annotationEntry(NGINX + short)?.status).toBe('unsupported');
    expect(annotationEntry(NGINX + 'backend-protocol')?.status).toBe('supported');
  });
});
