/**
 * Conformance feature `path_rules` (kubernetes-sigs/ingress-controller-conformance, features/path_rules.feature)
 * through the real binary: Exact, Prefix, mixed Exact+Prefix, trailing slashes, case sensitivity, element-wise
 * prefixes, and a known host with an unknown path answering 404 without falling through to a host-less rule.
 * routing-semantics §2–§3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEmulator } from './support/api-emulator.ts';
import type { RunningController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';
import type { EchoReply } from './support/pods.ts';
import {
  PUBLISHED_ADDRESS,
  conformancePath as pathRule,
  ingress,
  startConformance,
  waitIngressStatus,
  type Scenario,
} from './fixtures.ts';

const NS = 'conformance-path-rules';

let scenario: Scenario;
let api: ApiEmulator;
let controller: RunningController;

beforeAll(async () => {
  const backends = {
    'foo-exact': 1,
    'foo-prefix': 1,
    'aaa-slash-bbb-prefix': 1,
    'aaa-prefix': 1,
    'aaa-slash-bbb-slash-prefix': 1,
    'foo-slash-exact': 1,
    'any-host': 1,
    'query-exact': 1,
  };
  scenario = await startConformance(NS, backends, [
    // The suite's Ingress, verbatim apart from the class.
    ingress(NS, 'path-rules', {
      rules: [
        { host: 'exact-path-rules', http: { paths: [pathRule('/foo', 'Exact', 'foo-exact')] } },
        {
          host: 'prefix-path-rules',
          http: {
            paths: [
              pathRule('/foo', 'Prefix', 'foo-prefix'),
              pathRule('/aaa/bbb', 'Prefix', 'aaa-slash-bbb-prefix'),
              pathRule('/aaa', 'Prefix', 'aaa-prefix'),
            ],
          },
        },
        {
          host: 'mixed-path-rules',
          http: { paths: [pathRule('/foo', 'Prefix', 'foo-prefix'), pathRule('/foo', 'Exact', 'foo-exact')] },
        },
        {
          host: 'trailing-slash-path-rules',
          http: {
            paths: [
              pathRule('/aaa/bbb/', 'Prefix', 'aaa-slash-bbb-slash-prefix'),
              pathRule('/foo/', 'Exact', 'foo-slash-exact'),
            ],
          },
        },
      ],
    }),
    // Ours: a host-less rule for /any and /foo, which must never catch requests for the hosts above, and an Exact
    // rule used to show that the query string is not part of the match.
    ingress(NS, 'hostless', {
      rules: [
        { http: { paths: [pathRule('/any', 'Prefix', 'any-host'), pathRule('/foo', 'Prefix', 'any-host')] } },
        { host: 'query-rules', http: { paths: [pathRule('/q', 'Exact', 'query-exact')] } },
      ],
    }),
  ]);
  ({ api, controller } = scenario);
});

afterAll(() => scenario?.close());

async function get(host: string, path: string) {
  return await edgeRequest(controller.httpUrl, { host, path });
}

describe('conformance path_rules', () => {
  it('the Ingress status shows the IP address where it is exposed', async () => {
    expect(await waitIngressStatus(api, NS, 'path-rules')).toEqual([PUBLISHED_ADDRESS]);
  });

  // [scenario, host, path, expected service or 404]
  const cases: [string, string, string, string | 404][] = [
    ['exact /foo matches request /foo', 'exact-path-rules', '/foo', 'foo-exact'],
    ['exact /foo does not match request /foo/', 'exact-path-rules', '/foo/', 404],
    ['exact /foo does not match request /FOO', 'exact-path-rules', '/FOO', 404],
    ['exact /foo does not match request /bar', 'exact-path-rules', '/bar', 404],
    ['prefix /foo matches request /foo', 'prefix-path-rules', '/foo', 'foo-prefix'],
    ['prefix /foo matches request /foo/', 'prefix-path-rules', '/foo/', 'foo-prefix'],
    ['prefix /foo does not match request /FOO', 'prefix-path-rules', '/FOO', 404],
    ['prefix /aaa/bbb matches request /aaa/bbb (longest)', 'prefix-path-rules', '/aaa/bbb', 'aaa-slash-bbb-prefix'],
    ['prefix /aaa/bbb matches request /aaa/bbb/ccc', 'prefix-path-rules', '/aaa/bbb/ccc', 'aaa-slash-bbb-prefix'],
    ['prefix /aaa matches request /aaa/ccc', 'prefix-path-rules', '/aaa/ccc', 'aaa-prefix'],
    ['prefix /aaa does not match request /aaaccc', 'prefix-path-rules', '/aaaccc', 404],
    ['prefix /aaa/bbb does not match /aaa/bbbxyz (falls to /aaa)', 'prefix-path-rules', '/aaa/bbbxyz', 'aaa-prefix'],
    ['mixed: exact /foo is preferred for request /foo', 'mixed-path-rules', '/foo', 'foo-exact'],
    ['mixed: prefix /foo serves request /foo/', 'mixed-path-rules', '/foo/', 'foo-prefix'],
    ['mixed: prefix /foo serves request /foo/bar', 'mixed-path-rules', '/foo/bar', 'foo-prefix'],
    [
      'prefix /aaa/bbb/ matches request /aaa/bbb',
      'trailing-slash-path-rules',
      '/aaa/bbb',
      'aaa-slash-bbb-slash-prefix',
    ],
    [
      'prefix /aaa/bbb/ matches request /aaa/bbb/',
      'trailing-slash-path-rules',
      '/aaa/bbb/',
      'aaa-slash-bbb-slash-prefix',
    ],
    [
      'prefix /aaa/bbb/ matches request /aaa/bbb/ccc',
      'trailing-slash-path-rules',
      '/aaa/bbb/ccc',
      'aaa-slash-bbb-slash-prefix',
    ],
    ['exact /foo/ does not match request /foo', 'trailing-slash-path-rules', '/foo', 404],
    ['exact /foo/ matches request /foo/', 'trailing-slash-path-rules', '/foo/', 'foo-slash-exact'],
    // Known host, unknown path: 404, never the host-less rule for the same path.
    ['known host, unknown path /any: 404, no fall-through', 'exact-path-rules', '/any', 404],
    ['known host, unknown path /any/x: no fall-through to host-less /any', 'prefix-path-rules', '/any/x', 404],
    ['unknown host uses the host-less rule', 'unknown.example', '/any/thing', 'any-host'],
    ['unknown host, host-less /foo', 'unknown.example', '/foo', 'any-host'],
    ['unknown host, unknown path: 404', 'unknown.example', '/nothing', 404],
    ['the query string is ignored for matching (Exact /q)', 'query-rules', '/q?x=/other&y=2', 'query-exact'],
  ];

  it.each(cases)('%s', async (_scenario, host, path, expected) => {
    const reply = await get(host, path);
    const echo = reply.status === 200 ? reply.json<EchoReply>() : null;
    const outcome = {
      status: reply.status,
      pod: reply.headers['x-pod-name'],
      service: echo?.service,
      host: echo?.host,
      url: echo?.url,
    };
    expect(outcome, reply.body).toEqual(
      expected === 404
        ? { status: 404, pod: undefined, service: undefined, host: undefined, url: undefined }
        : // Served by that Service's pod, which saw the Host and the request target (query included) as sent.
          { status: 200, pod: `${expected}-0`, service: expected, host, url: path },
    );
  });

  it('each backend pod receives exactly the requests routed to it, nothing else', async () => {
    const before = new Map(scenario.pods.map((p) => [p.name, p.requestCount]));
    const expected = new Map<string, number>();
    for (const [, host, path, service] of cases) {
      const reply = await get(host, path);
      expect(reply.status).toBe(service === 404 ? 404 : 200);
      if (service !== 404) expected.set(`${service}-0`, (expected.get(`${service}-0`) ?? 0) + 1);
    }
    const served = Object.fromEntries(scenario.pods.map((p) => [p.name, p.requestCount - before.get(p.name)!]));
    console.log('path_rules: requests per backend pod for one pass over the cases', served);
    for (const pod of scenario.pods) expect(served[pod.name], pod.name).toBe(expected.get(pod.name) ?? 0);
  });
});
