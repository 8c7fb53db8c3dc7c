// The rest of issue 12's list through the real edge, under ingress-nginx's class: server-alias,
// service-upstream, proxy-redirect-from/-to, proxy-next-upstream(-tries), server-snippet, the snippets
// sluice never executes (auth-snippet, stream-snippet: reported, the route still serves) and the nginx
// buffering annotations accepted as no-ops. Cases after ingress-nginx test/e2e/annotations/alias.go,
// serviceupstream.go, proxy.go, serversnippet.go and proxynextupstream (proxy.go).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Problem } from '../src/routing/types.ts';
import type { EchoReply } from './support/pods.ts';
import { nginxIngress, startNginxSite, type NginxSite } from './support/ingress-nginx-site.ts';

let site: NginxSite;
const web = [{ path: '/', service: 'web' }];

beforeAll(async () => {
  site = await startNginxSite({ web: 1, retried: 2, unretried: 2 }, [
    nginxIngress('aliased', 'main.example.com', web, { 'server-alias': 'alias.example.com, other.example.org' }),
    nginxIngress('upstream', 'upstream.example.com', web, { 'service-upstream': 'true' }),
    nginxIngress('redirecting', 'redirecting.example.com', web, {
      'proxy-redirect-from': 'http://internal.svc/',
      'proxy-redirect-to': 'https://redirecting.example.com/app/',
    }),
    nginxIngress('retried', 'retried.example.com', [{ path: '/', service: 'retried' }], {
      'proxy-next-upstream': 'error timeout',
      'proxy-next-upstream-tries': '3',
      'proxy-next-upstream-timeout': '5',
    }),
    nginxIngress('unretried', 'unretried.example.com', [{ path: '/', service: 'unretried' }], {
      'proxy-next-upstream': 'off',
    }),
    nginxIngress('server-snippet', 'server-snippet.example.com', web, {
      'server-snippet': 'more_set_headers "X-Server-Snippet: yes";',
    }),
    nginxIngress('never-run', 'never-run.example.com', web, {
      'auth-snippet': 'proxy_set_header X-Secret 1;',
      'stream-snippet': 'server { listen 9000; }',
    }),
    nginxIngress('buffers', 'buffers.example.com', web, {
      'proxy-buffer-size': '16k',
      'proxy-buffering': 'on',
      'proxy-buffers-number': '8',
      'client-body-buffer-size': '1m',
      'proxy-max-temp-file-size': '0',
    }),
  ]);
  // One of the two pods of each retry Service is gone: its address refuses connections.
  await site.pods.retried[0].kill();
  await site.pods.unretried[0].kill();
}, 90_000);

afterAll(async () => {
  await site?.close();
});

async function problemsOf(ingress: string): Promise<string[]> {
  const status = await site.controller.status();
  return status.problems
    .filter((each: Problem) => each.object.name === ingress)
    .map((each: Problem) => `${each.code} ${each.field.replace('metadata.annotations', '')}`);
}

describe('hosts and upstreams', () => {
  test('server-alias: every alias is served by the same rules', async () => {
    for (const host of ['main.example.com', 'alias.example.com', 'other.example.org']) {
      const reply = await site.request(host);
      expect(reply.status).toBe(200);
      expect(reply.json<EchoReply>().service).toBe('web');
    }
  });

  test('service-upstream: the route serves (balancing stays per endpoint), reported partial', async () => {
    expect((await site.request('upstream.example.com')).status).toBe(200);
    expect(await problemsOf('upstream')).toEqual([
      'AnnotationPartial ["nginx.ingress.kubernetes.io/service-upstream"]',
    ]);
  });

  test('proxy-redirect-from/-to rewrite the Location of an upstream redirect', async () => {
    const to = encodeURIComponent('http://internal.svc/login?next=1');
    const reply = await site.request('redirecting.example.com', { path: `/redirect?to=${to}` });
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe('https://redirecting.example.com/app/login?next=1');
    const elsewhere = encodeURIComponent('https://elsewhere.example.net/x');
    const kept = await site.request('redirecting.example.com', { path: `/redirect?to=${elsewhere}` });
    expect(kept.headers.location).toBe('https://elsewhere.example.net/x');
  });
});

describe('proxy-next-upstream', () => {
  test('with tries, a refused connection is tried again on another pod: every request is answered', async () => {
    for (let i = 0; i < 6; i++) expect((await site.request('retried.example.com')).status).toBe(200);
  });

  test('"off": a request sent to the refusing pod is not tried again (502)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) statuses.push((await site.request('unretried.example.com')).status);
    expect(statuses).toContain(502);
  });
});

describe('snippets and no-ops', () => {
  test('server-snippet header lines reach the client, as configuration-snippet', async () => {
    const reply = await site.request('server-snippet.example.com');
    expect(reply.headers['x-server-snippet']).toBe('yes');
  });

  test('auth-snippet and stream-snippet are never executed: reported unsupported, the route still serves', async () => {
    const reply = await site.request('never-run.example.com');
    expect(reply.status).toBe(200);
    expect(reply.json<EchoReply>().headers['x-secret']).toBeUndefined();
    expect(await problemsOf('never-run')).toEqual([
      'AnnotationUnsupported ["nginx.ingress.kubernetes.io/auth-snippet"]',
      'AnnotationUnsupported ["nginx.ingress.kubernetes.io/stream-snippet"]',
    ]);
  });

  test('the nginx buffering annotations are accepted without effect: no problem, bodies stream both ways', async () => {
    const body = 'b'.repeat(256 * 1024);
    const reply = await site.request('buffers.example.com', { method: 'POST', body });
    expect(reply.status).toBe(200);
    expect(reply.json<EchoReply>().bodyLength).toBe(body.length);
    const large = await site.request('buffers.example.com', { path: '/bytes/1048576' });
    expect(large.status).toBe(200);
    expect(large.body.length).toBe(1048576);
    expect(await problemsOf('buffers')).toEqual([]);
  });
});
