// rewrite-target, use-regex, x-forwarded-prefix, upstream-vhost, proxy-redirect-from/-to through the real
// edge, served under ingress-nginx's class. Cases after ingress-nginx test/e2e/annotations/rewrite.go,
// xforwardedprefix.go, upstreamvhost.go and docs/examples/rewrite.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EchoReply } from './support/pods.ts';
import { nginxIngress, startNginxSite, type NginxSite } from './support/ingress-nginx-site.ts';

let site: NginxSite;

beforeAll(async () => {
  site = await startNginxSite({ web: 1, api: 1 }, [
    nginxIngress(
      'rewrite',
      'rewrite.bar.com',
      [{ path: '/something(/|$)(.*)', pathType: 'ImplementationSpecific', service: 'web' }],
      {
        'rewrite-target': '/$2',
        'x-forwarded-prefix': '/something',
        'upstream-vhost': 'internal.web',
      },
    ),
    nginxIngress(
      'regex',
      'regex.bar.com',
      [
        { path: '/foo/bar/bar', pathType: 'ImplementationSpecific', service: 'web' },
        { path: '/foo/bar/[a-z]{3}', pathType: 'ImplementationSpecific', service: 'api' },
        { path: '/(a+)+$', pathType: 'ImplementationSpecific', service: 'api' },
      ],
      { 'use-regex': 'true' },
    ),
    nginxIngress('plain', 'regex.bar.com', [{ path: '/Static', pathType: 'Exact', service: 'api' }]),
  ]);
}, 90_000);

afterAll(async () => {
  await site?.close();
});

describe('rewrite-target with captures', () => {
  test('"/something(/|$)(.*)" with "/$2": /something → /, /something/ → /, /something/new → /new (query kept)', async () => {
    const cases: Array<[string, string]> = [
      ['/something', '/'],
      ['/something/', '/'],
      ['/something/new', '/new'],
      ['/SOMETHING/new?x=1', '/new?x=1'],
    ];
    for (const [path, upstream] of cases) {
      const reply = await site.request('rewrite.bar.com', { path });
      expect(reply.status, path).toBe(200);
      expect(reply.json<EchoReply>().url, path).toBe(upstream);
    }
  });

  test('x-forwarded-prefix and upstream-vhost reach the upstream', async () => {
    const echo = (await site.request('rewrite.bar.com', { path: '/something/a' })).json<EchoReply>();
    expect(echo.headers['x-forwarded-prefix']).toEqual(['/something']);
    expect(echo.host).toBe('internal.web');
  });
});

describe('use-regex (ingress-nginx semantics)', () => {
  test('case-insensitive prefixes, the longest path *text* first (rewrite.go: "should fail to use longest match for documented warning")', async () => {
    // "/foo/bar/[a-z]{3}" is longer text than "/foo/bar/bar", so it is tried first and wins, as in ingress-nginx.
    expect((await site.request('regex.bar.com', { path: '/foo/bar/bar' })).json<EchoReply>().service).toBe('api');
    expect((await site.request('regex.bar.com', { path: '/FOO/BAR/baz/more' })).json<EchoReply>().service).toBe('api');
    expect((await site.request('regex.bar.com', { path: '/foo/bar/x' })).status).toBe(404);
  });

  test("another Ingress's Exact path on the regex host matches as a case-insensitive regex prefix, and is told so", async () => {
    expect((await site.request('regex.bar.com', { path: '/static/and/more' })).json<EchoReply>().service).toBe('api');
    const status = await site.controller.status();
    expect(status.problems.some((each) => each.code === 'HostMatchedAsRegex' && each.object.name === 'plain')).toBe(
      true,
    );
  });

  test('a pathological pattern and a long path answer in milliseconds (linear-time matching)', async () => {
    const started = performance.now();
    const reply = await site.request('regex.bar.com', { path: `/${'a'.repeat(4000)}!` });
    expect(reply.status).toBe(404);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
