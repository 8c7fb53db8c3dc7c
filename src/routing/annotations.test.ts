// The policy annotations' value formats, and that reading them never costs an Ingress its routes.

import { describe, expect, it } from 'vitest';
import { DEFAULT_INGRESS_POLICY, readPolicyAnnotations } from './annotations.ts';
import { PolicyDraft } from './annotations/draft.ts';
import { applySnippet } from './annotations/snippets.ts';
import { parseByteSize, parseDuration, parseSeconds } from './annotations/values.ts';
import { build } from './build.ts';
import {
  ingress,
  service,
  slice,
  sluiceClass,
  snapshotOf,
  testOptions,
} from '../../test/support/routing-build-fixtures.ts';
import { nameObject } from './object-index.ts';
import type { Problem } from './types.ts';

function valueOf(parsed: { ok: true; value: number } | { ok: false; expected: string }): number | null {
  return parsed.ok ? parsed.value : null;
}

describe('parseDuration (sluice.dev/request-timeout)', () => {
  const cases: ReadonlyArray<[string, number | null]> = [
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['30', 30_000],
    ['0.5', 500],
    ['1.5s', 1500],
    ['1ms', 1],
    ['3600', 3_600_000],
    ['3601', null],
    ['61m', null],
    ['0', null],
    ['0ms', null],
    ['0.4ms', null],
    ['-1s', null],
    ['30 s', null],
    ['30S', null],
    ['1h30m', null],
    ['', null],
    ['s', null],
    ['1e3', null],
  ];
  for (const [text, expected] of cases) {
    it(`"${text}" → ${expected ?? 'invalid'}`, () => expect(valueOf(parseDuration(text))).toBe(expected));
  }
});

describe('parseSeconds (nginx proxy-read-timeout)', () => {
  it('reads whole seconds from 1 to 3600', () => {
    expect(valueOf(parseSeconds('60'))).toBe(60_000);
    expect(valueOf(parseSeconds('1'))).toBe(1000);
    expect(valueOf(parseSeconds('3600'))).toBe(3_600_000);
    for (const bad of ['0', '3601', '1m', '1.5', '-5', '', ' 60x']) expect(valueOf(parseSeconds(bad)), bad).toBeNull();
  });
});

describe('parseByteSize (max-body-size, nginx proxy-body-size)', () => {
  const cases: ReadonlyArray<[string, number | null]> = [
    ['1048576', 1_048_576],
    ['512k', 524_288],
    ['512K', 524_288],
    ['10m', 10_485_760],
    ['8M', 8_388_608],
    ['1g', 1_073_741_824],
    ['0', Number.POSITIVE_INFINITY],
    ['0m', Number.POSITIVE_INFINITY],
    ['10mb', null],
    ['1.5m', null],
    ['-1', null],
    ['1t', null],
    ['', null],
    ['9999999999999g', null],
  ];
  for (const [text, expected] of cases) {
    it(`"${text}" → ${expected ?? 'invalid'}`, () => expect(valueOf(parseByteSize(text))).toBe(expected));
  }
});

function read(annotations: Record<string, unknown>): {
  policy: ReturnType<typeof readPolicyAnnotations>;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const named = nameObject('Ingress', { metadata: { name: 'x', namespace: 'default', annotations } }, true, problems);
  if (named === null) throw new Error('fixture has no name');
  return { policy: readPolicyAnnotations(named, problems), problems };
}

describe('readPolicyAnnotations', () => {
  it('shares the default policy when no sluice or nginx annotation is present', () => {
    expect(read({ 'kubernetes.io/ingress.class': 'sluice', 'cert-manager.io/issuer': 'x' })).toEqual({
      policy: DEFAULT_INGRESS_POLICY,
      problems: [],
    });
    expect(read({ 'kubernetes.io/ingress.class': 'sluice' }).policy).toBe(DEFAULT_INGRESS_POLICY);
  });

  it('makes frozen route policies with and without the redirect', () => {
    const { policy, problems } = read({
      'sluice.dev/request-timeout': '30s',
      'sluice.dev/max-body-size': '1m',
      'sluice.dev/ssl-redirect': 'false',
    });
    expect(problems).toEqual([]);
    expect(policy.sslRedirect).toBe(false);
    expect(policy.plain).toEqual({ sslRedirect: false, requestTimeoutMs: 30_000, maxBodyBytes: 1_048_576 });
    expect(policy.redirect).toEqual({ sslRedirect: true, requestTimeoutMs: 30_000, maxBodyBytes: 1_048_576 });
    expect(Object.isFrozen(policy.plain) && Object.isFrozen(policy.redirect)).toBe(true);
  });

  it('lets the sluice.dev annotation decide over the nginx one, and reads nginx booleans as Go does', () => {
    expect(
      read({ 'sluice.dev/request-timeout': '5s', 'nginx.ingress.kubernetes.io/proxy-read-timeout': '60' }).policy.plain
        .requestTimeoutMs,
    ).toBe(5000);
    expect(read({ 'nginx.ingress.kubernetes.io/proxy-read-timeout': '60' }).policy.plain.requestTimeoutMs).toBe(60_000);
    expect(read({ 'nginx.ingress.kubernetes.io/ssl-redirect': 'False' }).policy.sslRedirect).toBe(false);
    expect(read({ 'sluice.dev/ssl-redirect': 'False' }).policy.sslRedirect).toBe(false);
    expect(read({ 'sluice.dev/ssl-redirect': '0' }).problems.map((item) => item.code)).toEqual([
      'AnnotationValueInvalid',
    ]);
  });

  it('ignores a bad value, and says so; the other annotation for the same setting then applies', () => {
    const { policy, problems } = read({
      'sluice.dev/request-timeout': 30,
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '60',
    });
    expect(policy.plain.requestTimeoutMs).toBe(60_000);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'AnnotationValueInvalid',
      field: 'metadata.annotations["sluice.dev/request-timeout"]',
    });
    expect(problems[0].message).toContain('it is ignored');
  });

  it('reports the edge-applied timeouts, buffering and error pages supported; custom-http-errors alone partial', () => {
    const nginx = 'nginx.ingress.kubernetes.io/';
    const full = read({
      [`${nginx}proxy-connect-timeout`]: '5',
      [`${nginx}proxy-send-timeout`]: '7',
      [`${nginx}proxy-request-buffering`]: 'on',
      [`${nginx}custom-http-errors`]: '404, 503',
      [`${nginx}default-backend`]: 'errors',
    });
    expect(full.problems).toEqual([]);
    expect(full.policy.reports.map((report) => report.status)).toEqual(Array(5).fill('supported'));
    expect(full.policy.plain.traffic).toMatchObject({
      timeouts: { connectMs: 5000, sendMs: 7000 },
      bufferRequest: true,
      customErrors: { statuses: [404, 503] },
      errorBackend: { key: 'default/errors:*', namespace: 'default', service: 'errors', port: '*' },
    });
    const alone = read({ [`${nginx}custom-http-errors`]: '404' });
    expect(alone.policy.reports[0]).toMatchObject({ status: 'partial' });
    expect(alone.problems).toMatchObject([{ code: 'AnnotationWithoutEffect' }]);
  });

  it('never executes a snippet: safe header lines become header edits (partial), others are quoted (unsupported)', () => {
    const draft = new PolicyDraft();
    const field = 'metadata.annotations["nginx.ingress.kubernetes.io/configuration-snippet"]';
    expect(
      applySnippet('more_set_headers "X-Frame-Options: DENY";\nproxy_set_header X-Team blue;', draft, field),
    ).toEqual({
      partial: 'never executed; its 2 header line(s) are applied as header edits',
    });
    expect(applySnippet('add_header X-A b always;\nreturn 200; # comment', draft, field)).toEqual({
      unsupported: 'never executed; "return 200" cannot be honoured; its 1 header line(s) are applied',
    });
    const { policy } = read({ 'nginx.ingress.kubernetes.io/server-snippet': 'more_clear_headers Server;' });
    expect(policy.plain.traffic?.responseHeaders?.remove).toEqual(['server']);
    expect(draft.responseSet).toEqual([
      ['x-frame-options', 'DENY'],
      ['x-a', 'b'],
    ]);
    expect(draft.requestSet).toEqual([['x-team', 'blue']]);
  });

  it('refuses header lines with nginx variables or options', () => {
    const { policy, problems } = read({
      'nginx.ingress.kubernetes.io/configuration-snippet':
        'proxy_set_header X-Real $remote_addr;\nmore_set_headers -s 404 "X: y";',
    });
    expect(problems.map((item) => item.code)).toEqual(['AnnotationUnsupported']);
    expect(policy.plain.traffic).toBeUndefined();
  });
});

describe('policy in the built table', () => {
  const result = build(
    snapshotOf([
      sluiceClass,
      ingress({
        name: 'slow',
        created: '2024-01-01T00:00:00Z',
        host: 'shop.test',
        paths: [{ path: '/report', service: 'web' }],
        defaultService: 'web',
        annotations: { 'sluice.dev/request-timeout': '2m' },
      }),
      ingress({
        name: 'uploads',
        created: '2024-01-02T00:00:00Z',
        host: 'shop.test',
        paths: [{ path: '/upload', service: 'web' }],
        annotations: { 'sluice.dev/max-body-size': '0', 'sluice.dev/colour': 'blue' },
      }),
      service('web'),
      slice('web', ['10.0.0.1']),
    ]),
    testOptions,
  );
  const host = result.table.hosts[0];
  const route = (path: string) => host.routes.find((each) => each.path === path);

  it('gives each route its own Ingress policy on a shared host, and the host default its source policy', () => {
    expect(route('/report')?.policy).toEqual({ sslRedirect: false, requestTimeoutMs: 120_000, maxBodyBytes: null });
    expect(route('/upload')?.policy).toEqual({
      sslRedirect: false,
      requestTimeoutMs: null,
      maxBodyBytes: Number.POSITIVE_INFINITY,
    });
    expect(host.defaultBackend?.policy.requestTimeoutMs).toBe(120_000);
    expect(result.table.defaultBackend?.policy.requestTimeoutMs).toBe(120_000);
  });

  it('keeps the route of an Ingress with an unknown annotation', () => {
    expect(route('/upload')?.backend).toBe('default/web:80');
    expect(result.problems.map((item) => `${item.object.name} ${item.code}`)).toEqual(['uploads AnnotationUnknown']);
  });
});

describe('default-backend in the built table', () => {
  const nginx = 'nginx.ingress.kubernetes.io/default-backend';
  const result = build(
    snapshotOf([
      sluiceClass,
      ingress({
        name: 'a',
        host: 'a.test',
        paths: [{ path: '/', service: 'web' }],
        annotations: { [nginx]: 'errors' },
      }),
      ingress({
        name: 'b',
        host: 'b.test',
        paths: [{ path: '/', service: 'web' }],
        annotations: { [nginx]: 'absent' },
      }),
      service('web'),
      slice('web', ['10.0.0.1']),
      service('errors', [
        { port: 8080, name: 'http' },
        { port: 9090, name: 'metrics' },
      ]),
      slice('errors', ['10.0.0.2']),
    ]),
    testOptions,
  );

  it("puts the Service's first port in the endpoint index; a missing Service is a problem at the annotation", () => {
    expect(result.endpoints.get('default/errors:*')).toMatchObject({ state: 'ok', usable: [{ address: '10.0.0.2' }] });
    expect(result.problems.map((item) => `${item.object.name} ${item.code} ${item.field}`)).toEqual([
      `b ServiceNotFound metadata.annotations["${nginx}"]`,
    ]);
  });
});
