/**
 * Conformance feature `host_rules` (kubernetes-sigs/ingress-controller-conformance, features/host_rules.feature)
 * through the real binary: precise hosts, one-label wildcards, host-less rules, TLS chosen by SNI from real
 * `kubernetes.io/tls` Secrets (the default certificate for unknown or absent SNI), and the plain-HTTP → HTTPS
 * redirect (308, absolute Location) for a TLS host. routing-semantics §2 and §6.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEmulator } from './support/api-emulator.ts';
import type { RunningController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';
import type { EchoReply } from './support/pods.ts';
import {
  PUBLISHED_ADDRESS,
  backend,
  conformancePath as pathRule,
  ingress,
  selfSignedFor,
  servedCertificate,
  startConformance,
  tlsSecret,
  waitIngressStatus,
  type Scenario,
  type TlsPair,
} from './fixtures.ts';

const NS = 'conformance-host-rules';

let scenario: Scenario;
let api: ApiEmulator;
let controller: RunningController;
let fooBarCom: TlsPair;
let secure: TlsPair;
let wild: TlsPair;

beforeAll(async () => {
  [fooBarCom, secure, wild] = await Promise.all([
    selfSignedFor(['foo.bar.com']),
    selfSignedFor(['secure.example']),
    selfSignedFor(['*.wild.example']),
  ]);
  const backends = {
    'wildcard-foo-com': 1,
    'foo-bar-com': 1,
    'exact-foo-com': 1,
    'any-host': 1,
    'secure-web': 1,
    'wild-web': 1,
  };
  scenario = await startConformance(NS, backends, [
    tlsSecret(NS, 'conformance-tls', fooBarCom),
    tlsSecret(NS, 'secure-tls', secure),
    tlsSecret(NS, 'wild-tls', wild),
    // The suite's Ingress. The suite also expects plain HTTP to foo.bar.com to be served (not redirected), so the
    // redirect is turned off for this Ingress by annotation; the 'secure' Ingress below keeps it.
    ingress(
      NS,
      'host-rules',
      {
        tls: [{ hosts: ['foo.bar.com'], secretName: 'conformance-tls' }],
        rules: [
          {
            host: '*.foo.com',
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('wildcard-foo-com', 8080) }] },
          },
          {
            host: 'foo.bar.com',
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('foo-bar-com', 'http') }] },
          },
        ],
      },
      { annotations: { 'sluice.dev/ssl-redirect': 'false' } },
    ),
    // Beyond the suite: a precise host under the wildcard, and a host-less rule.
    ingress(NS, 'precise-and-hostless', {
      rules: [
        { host: 'exact.foo.com', http: { paths: [pathRule('/', 'Prefix', 'exact-foo-com')] } },
        { http: { paths: [pathRule('/nohost', 'Prefix', 'any-host')] } },
      ],
    }),
    // TLS hosts that keep the default redirect: one precise, one wildcard certificate.
    ingress(NS, 'secure', {
      tls: [
        { hosts: ['secure.example'], secretName: 'secure-tls' },
        { hosts: ['*.wild.example'], secretName: 'wild-tls' },
      ],
      rules: [
        { host: 'secure.example', http: { paths: [pathRule('/', 'Prefix', 'secure-web')] } },
        { host: '*.wild.example', http: { paths: [pathRule('/', 'Prefix', 'wild-web')] } },
      ],
    }),
  ]);
  ({ api, controller } = scenario);
});

afterAll(() => scenario?.close());

interface Outcome {
  status: number;
  service: string | null;
  pod: string | null;
  /** The Host the backend received. */
  host: string | null;
}

/** What a request came to: the status and, for an echo answer, the Service, pod and Host the backend saw. */
function outcomeOf(reply: { status: number; body: string; json<T>(): T }): Outcome {
  if (reply.status !== 200) return { status: reply.status, service: null, pod: null, host: null };
  const echo = reply.json<EchoReply>();
  return { status: 200, service: echo.service, pod: echo.pod, host: echo.host };
}

async function route(host: string, path = '/'): Promise<Outcome> {
  return outcomeOf(await edgeRequest(controller.httpUrl, { host, path }));
}

/** The outcome of a request served by the single pod of `service`, which saw Host `host`. */
function servedBy(service: string, host: string): Outcome {
  return { status: 200, service, pod: `${service}-0`, host };
}

const NOT_FOUND: Outcome = { status: 404, service: null, pod: null, host: null };

describe('conformance host_rules', () => {
  it('the Ingress status shows the IP address where it is exposed', async () => {
    expect(await waitIngressStatus(api, NS, 'host-rules')).toEqual([PUBLISHED_ADDRESS]);
  });

  it('TLS: https://foo.bar.com verifies the foo.bar.com hostname and reaches foo-bar-com', async () => {
    const cert = await servedCertificate(controller.httpsPort, 'foo.bar.com', fooBarCom.certPem);
    expect(cert.commonName).toBe('foo.bar.com');
    expect(cert.authorizationError).toBeNull();
    expect(cert.authorized).toBe(true);
    // The check can fail: the same certificate does not verify against another CA or for another name.
    expect((await servedCertificate(controller.httpsPort, 'foo.bar.com', secure.certPem)).authorized).toBe(false);
    expect((await servedCertificate(controller.httpsPort, 'unknown.example', fooBarCom.certPem)).authorized).toBe(
      false,
    );
    const reply = await edgeRequest(controller.httpsUrl, { host: 'foo.bar.com', path: '/' });
    expect(outcomeOf(reply)).toEqual(servedBy('foo-bar-com', 'foo.bar.com'));
    expect(reply.json<EchoReply>().headers['x-forwarded-proto']).toEqual(['https']);
  });

  it('http://foo.bar.com reaches foo-bar-com (redirect turned off by annotation)', async () => {
    expect(await route('foo.bar.com')).toEqual(servedBy('foo-bar-com', 'foo.bar.com'));
  });

  it('http://subdomain.bar.com is not routed: 404', async () => {
    expect(await route('subdomain.bar.com')).toEqual(NOT_FOUND);
  });

  it('wildcard *.foo.com matches bar.foo.com', async () => {
    expect(await route('bar.foo.com')).toEqual(servedBy('wildcard-foo-com', 'bar.foo.com'));
  });

  it('wildcard *.foo.com does not match more than one label: baz.bar.foo.com → 404', async () => {
    expect(await route('baz.bar.foo.com')).toEqual(NOT_FOUND);
  });

  it('wildcard *.foo.com does not match no label: foo.com → 404', async () => {
    expect(await route('foo.com')).toEqual(NOT_FOUND);
  });

  it('a precise host wins over the wildcard that also covers it', async () => {
    expect(await route('exact.foo.com')).toEqual(servedBy('exact-foo-com', 'exact.foo.com'));
    expect(await route('other.foo.com')).toEqual(servedBy('wildcard-foo-com', 'other.foo.com'));
  });

  it('the Host header is matched case-insensitively, without port or trailing dot, and forwarded as sent', async () => {
    expect(await route('FOO.Bar.COM:80')).toEqual(servedBy('foo-bar-com', 'FOO.Bar.COM:80'));
    expect(await route('foo.bar.com.')).toEqual(servedBy('foo-bar-com', 'foo.bar.com.'));
    expect(await route('Bar.FOO.com')).toEqual(servedBy('wildcard-foo-com', 'Bar.FOO.com'));
  });

  it('a host-less rule serves any host that has no rule set of its own, and only those', async () => {
    expect(await route('subdomain.bar.com', '/nohost')).toEqual(servedBy('any-host', 'subdomain.bar.com'));
    expect(await route('baz.bar.foo.com', '/nohost/x')).toEqual(servedBy('any-host', 'baz.bar.foo.com'));
    // Hosts with their own rules keep them.
    expect(await route('foo.bar.com', '/nohost')).toEqual(servedBy('foo-bar-com', 'foo.bar.com'));
    expect(await route('bar.foo.com', '/nohost')).toEqual(servedBy('wildcard-foo-com', 'bar.foo.com'));
  });
});

describe('TLS certificates by SNI', () => {
  it('each SNI gets the certificate of its TLS Secret; unknown and absent SNI get the default certificate', async () => {
    const [fooBar, secureCert, wildA, wildB, unknown, none, wildTooDeep] = await Promise.all([
      servedCertificate(controller.httpsPort, 'foo.bar.com', fooBarCom.certPem),
      servedCertificate(controller.httpsPort, 'secure.example', secure.certPem),
      servedCertificate(controller.httpsPort, 'a.wild.example', wild.certPem),
      servedCertificate(controller.httpsPort, 'b.wild.example', wild.certPem),
      servedCertificate(controller.httpsPort, 'unknown.example'),
      servedCertificate(controller.httpsPort, undefined),
      servedCertificate(controller.httpsPort, 'a.b.wild.example'),
    ]);
    console.log('host_rules: certificate subject per SNI', {
      'foo.bar.com': fooBar.commonName,
      'secure.example': secureCert.commonName,
      'a.wild.example': wildA.commonName,
      'b.wild.example': wildB.commonName,
      'unknown.example': unknown.commonName,
      '(no SNI)': none.commonName,
      'a.b.wild.example': wildTooDeep.commonName,
    });
    expect(fooBar.commonName).toBe('foo.bar.com');
    expect(secureCert.commonName).toBe('secure.example');
    expect(wildA.commonName).toBe('*.wild.example');
    expect(wildB.commonName).toBe('*.wild.example');
    for (const verified of [fooBar, secureCert, wildA, wildB]) expect(verified.authorizationError).toBeNull();
    const ours = new Set([fooBar.fingerprint256, secureCert.fingerprint256, wildA.fingerprint256]);
    expect(ours.size).toBe(3);
    // The default certificate: the same one for unknown SNI, no SNI and a name the wildcard does not cover.
    expect(ours.has(unknown.fingerprint256)).toBe(false);
    expect(none.fingerprint256).toBe(unknown.fingerprint256);
    expect(wildTooDeep.fingerprint256).toBe(unknown.fingerprint256);
    expect(unknown.commonName).not.toBe('');
  });

  it('SNI selects the certificate, Host selects the route', async () => {
    // SNI foo.bar.com (its certificate), Host bar.foo.com (the wildcard route).
    const reply = await edgeRequest(controller.httpsUrl, { host: 'bar.foo.com', servername: 'foo.bar.com' });
    expect(outcomeOf(reply)).toEqual(servedBy('wildcard-foo-com', 'bar.foo.com'));
  });

  it('https to the wildcard TLS host reaches its backend', async () => {
    const reply = await edgeRequest(controller.httpsUrl, { host: 'x.wild.example', path: '/deep/path?q=1' });
    expect(outcomeOf(reply)).toEqual(servedBy('wild-web', 'x.wild.example'));
    expect(reply.json<EchoReply>().url).toBe('/deep/path?q=1');
  });
});

describe('plain HTTP → HTTPS redirect for TLS hosts', () => {
  it('GET to a TLS host answers 308 with an absolute https Location keeping path and query', async () => {
    const before = scenario.backends.get('secure-web')![0].requestCount;
    const reply = await edgeRequest(controller.httpUrl, { host: 'secure.example', path: '/a/b?x=1&y=2' });
    expect(reply.status).toBe(308);
    const location = String(reply.headers.location);
    expect(location).toBe(`https://secure.example:${controller.httpsPort}/a/b?x=1&y=2`);
    expect(new URL(location).protocol).toBe('https:');
    // The redirect never reached the backend.
    expect(scenario.backends.get('secure-web')![0].requestCount).toBe(before);
    // Following it (over TLS, SNI secure.example) reaches the backend.
    const url = new URL(location);
    const followed = await edgeRequest(`https://127.0.0.1:${url.port}`, {
      host: 'secure.example',
      path: url.pathname + url.search,
    });
    expect(outcomeOf(followed)).toEqual(servedBy('secure-web', 'secure.example'));
    expect(followed.json<EchoReply>().url).toBe('/a/b?x=1&y=2');
  });

  it('POST is redirected with 308 as well (method and body kept by the client)', async () => {
    const reply = await edgeRequest(controller.httpUrl, {
      method: 'POST',
      host: 'secure.example',
      path: '/form',
      body: 'a=1',
    });
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe(`https://secure.example:${controller.httpsPort}/form`);
  });

  it('a wildcard TLS host redirects with the request host in the Location', async () => {
    const reply = await edgeRequest(controller.httpUrl, { host: 'Shop.Wild.Example:80', path: '/cart' });
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe(`https://shop.wild.example:${controller.httpsPort}/cart`);
  });

  it('hosts without TLS are not redirected', async () => {
    expect(await route('bar.foo.com', '/plain')).toEqual(servedBy('wildcard-foo-com', 'bar.foo.com'));
  });
});
