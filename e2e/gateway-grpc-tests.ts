/**
 * The GATEWAY-GRPC profile's GRPCRoute tests (kubernetes-sigs/gateway-api v1.6.1, conformance/tests/grpcroute-*.go
 * and *.yaml) against the real binary: gRPC over h2c (prior knowledge) to the Gateways' port 80, the base
 * manifests' grpc-infra-backend-v1..v3 (appProtocol kubernetes.io/h2c) as echo-basic gRPC pods, each request
 * check with grpc.MakeRequestAndExpectEventuallyConsistentResponse's rule (3 consecutive matching answers).
 * Registered by gateway-conformance.test.ts (one emulator and controller for the whole report).
 */
// Each upstream test keeps its small manifest builders beside it, as upstream keeps each test's YAML beside its Go.
/* oxlint-disable unicorn/consistent-function-scoping */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { EchoClient, sendRpc, startGrpcEchoPod, type EchoCall, type GrpcEchoPod } from './support/grpc-echo-basic.ts';
import { removeBackend, writeBackend } from './support/endpoint-slices.ts';
import { startPods, type Pod } from './support/pods.ts';
import {
  check,
  GATEWAY_CLASS,
  gatewayAndRoutesAccepted,
  INFRA,
  REQUIRED_CONSECUTIVE_SUCCESSES,
  V1,
  type GatewayConformance,
} from './gateway-fixtures.ts';

type Register = (shortName: string, body: () => Promise<void>) => void;

/** Upstream test ShortName → its features beyond Gateway (GRPCRoute is the GATEWAY-GRPC profile's Core). */
export const GRPC_TESTS: Readonly<Record<string, readonly string[]>> = {
  GRPCExactMethodMatching: ['GRPCRoute'],
  GRPCRouteHeaderMatching: ['GRPCRoute'],
  GRPCRouteListenerHostnameMatching: ['GRPCRoute'],
  GRPCRouteWeight: ['GRPCRoute'],
  GRPCRouteNamedRule: ['GRPCRoute', 'GRPCRouteNamedRouteRule'],
};

const SERVICES = ['grpc-infra-backend-v1', 'grpc-infra-backend-v2', 'grpc-infra-backend-v3'];

/** grpc.ExpectedResponse: the call, and either a backend (code OK) or the code wanted. */
interface Expected extends EchoCall {
  readonly backend?: string;
  readonly code?: status;
}

/** compareResponse: the code; for OK also the method echoed, the namespace and the pod's name prefix. */
async function mismatch(client: EchoClient, expected: Expected): Promise<string | null> {
  const result = await client.call(expected);
  const wanted = expected.code ?? status.OK;
  if (result.code !== wanted) return `code ${status[result.code]}, wanted ${status[wanted]}`;
  if (wanted !== status.OK) return null;
  const got = result.assertions!;
  const method = `/gateway_api_conformance.echo_basic.grpcecho.GrpcEcho/${expected.method}`;
  if (got.fullyQualifiedMethod !== method) return `method ${got.fullyQualifiedMethod}, wanted ${method}`;
  if (got.namespace !== INFRA) return `namespace ${got.namespace}, wanted ${INFRA}`;
  if (!got.pod.startsWith(expected.backend ?? '')) return `pod ${got.pod}, wanted ${expected.backend}-*`;
  return null;
}

/**
 * grpc.MakeRequestAndExpectEventuallyConsistentResponse (http.AwaitConvergence: 3 matching answers in a row), on
 * one client whose connection every call reuses.
 */
async function expectConsistent(address: string, expected: Expected, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const client = new EchoClient(address, 80, expected.authority);
  let streak = 0;
  let last = '';
  try {
    while (streak < REQUIRED_CONSECUTIVE_SUCCESSES) {
      if (Date.now() > deadline) {
        const what = `${expected.authority ?? ''}/${expected.method} ${JSON.stringify(expected.metadata ?? {})}`;
        throw new Error(`${what}: no ${REQUIRED_CONSECUTIVE_SUCCESSES} consistent answers: ${last}`);
      }
      last = (await mismatch(client, expected)) ?? 'ok';
      streak = last === 'ok' ? streak + 1 : 0;
      if (streak === 0) await new Promise((done) => setTimeout(done, 100));
    }
  } finally {
    client.close();
  }
}

function grpcRoute(name: string, spec: Record<string, unknown>) {
  return { apiVersion: V1, kind: 'GRPCRoute', metadata: { namespace: INFRA, name }, spec };
}

const backendRef = (name: string, weight?: number) => ({
  name,
  port: 8080,
  ...(weight === undefined ? {} : { weight }),
});
const methodMatch = (method: string) => ({
  method: { service: 'gateway_api_conformance.echo_basic.grpcecho.GrpcEcho', method },
});
const headers = (...pairs: [string, string][]) => ({ headers: pairs.map(([name, value]) => ({ name, value })) });

/** Runs `body` after removing the GRPCRoutes a previous test left (the suite's wrapper clears HTTPRoutes). */
export function registerGrpcTests(conformance: Register, suiteOf: () => GatewayConformance): void {
  const pods: Pod[] = [];
  const servers: GrpcEchoPod[] = [];
  beforeAll(async () => {
    const suite = suiteOf();
    for (const service of SERVICES) {
      // A loopback pod for the address; the gRPC echo listens on it (the base manifests' targetPort 3000).
      const [pod] = await startPods(1, { namePrefix: service, namespace: INFRA, service });
      pods.push(pod);
      const server = await startGrpcEchoPod(pod.name, INFRA, pod.ip);
      servers.push(server);
      writeBackend(suite.api, {
        namespace: INFRA,
        name: service,
        ports: [{ port: 8080, targetPort: server.port, appProtocol: 'kubernetes.io/h2c' }],
        endpoints: [pod],
      });
    }
  }, 30_000);
  afterAll(async () => {
    await Promise.all([...servers.map((server) => server.close()), ...pods.map((pod) => pod.kill())]);
  });
  const run = (shortName: string, body: (suite: GatewayConformance) => Promise<void>) =>
    conformance(shortName, async () => {
      const suite = suiteOf();
      for (const route of suite.api.list('GRPCRoute'))
        suite.api.remove('GRPCRoute', route.metadata.namespace, route.metadata.name);
      await body(suite);
    });
  run('GRPCExactMethodMatching', exactMethodMatching);
  run('GRPCRouteHeaderMatching', headerMatching);
  run('GRPCRouteListenerHostnameMatching', listenerHostnameMatching);
  run('GRPCRouteWeight', weightedBackends);
  run('GRPCRouteNamedRule', namedRule);
  describe('GRPCRoute on an HTTPS listener (not an upstream test)', () => {
    it('serves a GRPCRoute over TLS: the listener for the SNI, h2 by ALPN, the route by hostname', {
      timeout: 90_000,
    }, async () => {
      expect(await overTls(suiteOf())).toBe('grpc-infra-backend-v1');
    });
  });
  describe('GRPCRoute backends speak gRPC (not an upstream test)', () => {
    it("relays a pod's trailers-only error and reaches a Service port without appProtocol", {
      timeout: 90_000,
    }, async () => {
      expect(await grpcBackends(suiteOf(), pods[2], servers[2])).toBe('UNIMPLEMENTED');
    });
  });
}

async function acceptedOnSameNamespace(suite: GatewayConformance, route: string): Promise<string> {
  return gatewayAndRoutesAccepted(suite.api, 'same-namespace', [route], 'GRPCRoute');
}

// conformance/tests/grpcroute-exact-method-matching.go
async function exactMethodMatching(suite: GatewayConformance): Promise<void> {
  suite.api.apply(
    grpcRoute('exact-matching', {
      parentRefs: [{ name: 'same-namespace' }],
      rules: [
        { matches: [methodMatch('Echo')], backendRefs: [backendRef('grpc-infra-backend-v1')] },
        { matches: [methodMatch('EchoTwo')], backendRefs: [backendRef('grpc-infra-backend-v2')] },
      ],
    }),
  );
  const address = await acceptedOnSameNamespace(suite, 'exact-matching');
  await Promise.all([
    expectConsistent(address, { method: 'Echo', backend: 'grpc-infra-backend-v1' }),
    expectConsistent(address, { method: 'EchoTwo', backend: 'grpc-infra-backend-v2' }),
    expectConsistent(address, { method: 'EchoThree', code: status.UNIMPLEMENTED }),
  ]);
}

// conformance/tests/grpcroute-header-matching.go: [metadata, backend or Unimplemented]
const HEADER_CASES: readonly (readonly [Record<string, string>, string?])[] = [
  [{ Version: 'one' }, 'grpc-infra-backend-v1'],
  [{ Version: 'two' }, 'grpc-infra-backend-v2'],
  [{ Version: 'two', Color: 'orange' }, 'grpc-infra-backend-v1'],
  [{ Version: 'two', Color: 'blue' }, 'grpc-infra-backend-v2'],
  [{ Color: 'orange' }],
  [{ 'Some-Other-Header': 'one' }],
  [{ Color: 'blue' }, 'grpc-infra-backend-v1'],
  [{ Color: 'green' }, 'grpc-infra-backend-v1'],
  [{ Color: 'red' }, 'grpc-infra-backend-v2'],
  [{ Color: 'yellow' }, 'grpc-infra-backend-v2'],
  [{ Color: 'purple' }],
];

async function headerMatching(suite: GatewayConformance): Promise<void> {
  const v1 = [backendRef('grpc-infra-backend-v1')];
  const v2 = [backendRef('grpc-infra-backend-v2')];
  suite.api.apply(
    grpcRoute('grpc-header-matching', {
      parentRefs: [{ name: 'same-namespace' }],
      rules: [
        { matches: [headers(['version', 'one'])], backendRefs: v1 },
        { matches: [headers(['version', 'two'])], backendRefs: v2 },
        { matches: [headers(['version', 'two'], ['color', 'orange'])], backendRefs: v1 },
        { matches: [headers(['color', 'blue']), headers(['color', 'green'])], backendRefs: v1 },
        { matches: [headers(['color', 'red']), headers(['color', 'yellow'])], backendRefs: v2 },
      ],
    }),
  );
  const address = await acceptedOnSameNamespace(suite, 'grpc-header-matching');
  await Promise.all(
    HEADER_CASES.map(([metadata, backend]) =>
      expectConsistent(address, {
        method: 'Echo',
        metadata,
        ...(backend === undefined ? { code: status.UNIMPLEMENTED } : { backend }),
      }),
    ),
  );
}

// conformance/tests/grpcroute-listener-hostname-matching.go: [authority, backend or Unimplemented]
const HOSTNAME_CASES: readonly (readonly [string, string?])[] = [
  ['bar.com', 'grpc-infra-backend-v1'],
  ['foo.bar.com', 'grpc-infra-backend-v2'],
  ['baz.bar.com', 'grpc-infra-backend-v3'],
  ['boo.bar.com', 'grpc-infra-backend-v3'],
  ['multiple.prefixes.bar.com', 'grpc-infra-backend-v3'],
  ['multiple.prefixes.foo.com', 'grpc-infra-backend-v3'],
  ['foo.com'],
  ['no.matching.host'],
];

async function listenerHostnameMatching(suite: GatewayConformance): Promise<void> {
  const gateway = 'grpcroute-listener-hostname-matching';
  const listener = (name: string, hostname: string) => ({
    name,
    port: 80,
    protocol: 'HTTP',
    hostname,
    allowedRoutes: { namespaces: { from: 'Same' } },
  });
  suite.api.apply({
    apiVersion: V1,
    kind: 'Gateway',
    metadata: { namespace: INFRA, name: gateway },
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      listeners: [
        listener('listener-1', 'bar.com'),
        listener('listener-2', 'foo.bar.com'),
        listener('listener-3', '*.bar.com'),
        listener('listener-4', '*.foo.com'),
      ],
    },
  });
  const parent = (sectionName: string) => ({ name: gateway, namespace: INFRA, sectionName });
  const route = (name: string, sections: string[], service: string) =>
    grpcRoute(name, { parentRefs: sections.map(parent), rules: [{ backendRefs: [backendRef(service)] }] });
  suite.api.apply(route('backend-v1', ['listener-1'], 'grpc-infra-backend-v1'));
  suite.api.apply(route('backend-v2', ['listener-2'], 'grpc-infra-backend-v2'));
  suite.api.apply(route('backend-v3', ['listener-3', 'listener-4'], 'grpc-infra-backend-v3'));
  try {
    const address = await gatewayAndRoutesAccepted(
      suite.api,
      gateway,
      ['backend-v1', 'backend-v2', 'backend-v3'],
      'GRPCRoute',
    );
    await Promise.all(
      HOSTNAME_CASES.map(([authority, backend]) =>
        expectConsistent(address, {
          method: 'Echo',
          authority,
          ...(backend === undefined ? { code: status.UNIMPLEMENTED } : { backend }),
        }),
      ),
    );
  } finally {
    suite.api.remove('Gateway', INFRA, gateway);
  }
}

/** weight.AddRandomEntropy: half the calls carry a random x-jitter. */
function withEntropy(call: EchoCall): EchoCall {
  return randomInt(2) === 0 ? call : { ...call, metadata: { 'x-jitter': String(randomInt(10_000)) } };
}

/** weight.TestWeightedDistribution: 500 calls, 10 at a time, each on its own client; shares within ±0.05. */
async function distribution(address: string, weights: Readonly<Record<string, number>>): Promise<string | null> {
  const seen = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < 500) {
      next += 1;
      const result = await sendRpc(address, 80, withEntropy({ method: 'Echo' }));
      if (result.code !== status.OK) return `expected OK response, got ${status[result.code]}`;
      const backend = result.assertions!.pod.replace(/-\d+$/, '');
      if (!(backend in weights)) return `unexpected pod ${result.assertions!.pod}`;
      seen.set(backend, (seen.get(backend) ?? 0) + 1);
    }
    return null;
  };
  const failures = (await Promise.all(Array.from({ length: 10 }, worker))).filter((why) => why !== null);
  if (failures.length > 0) return failures[0];
  const active = Object.values(weights).filter((w) => w > 0).length;
  if (seen.size !== active) return `expected ${active} backends to receive traffic, got ${seen.size}`;
  for (const [backend, share] of Object.entries(weights)) {
    const got = (seen.get(backend) ?? 0) / 500;
    if (Math.abs(got - share) > 0.05) return `${backend}: ${got} of the traffic, wanted ${share} ± 0.05`;
  }
  return null;
}

// conformance/tests/grpcroute-weight.go
async function weightedBackends(suite: GatewayConformance): Promise<void> {
  suite.api.apply(
    grpcRoute('weighted-backends', {
      parentRefs: [{ name: 'same-namespace' }],
      rules: [
        {
          backendRefs: [
            backendRef('grpc-infra-backend-v1', 70),
            backendRef('grpc-infra-backend-v2', 30),
            backendRef('grpc-infra-backend-v3', 0),
          ],
        },
      ],
    }),
  );
  const address = await acceptedOnSameNamespace(suite, 'weighted-backends');
  await expectConsistent(address, { method: 'Echo' });
  const weights = { 'grpc-infra-backend-v1': 0.7, 'grpc-infra-backend-v2': 0.3, 'grpc-infra-backend-v3': 0 };
  let why: string | null = 'not run';
  // weight.MaxTestRetries
  for (let attempt = 0; attempt < 10 && why !== null; attempt++) why = await distribution(address, weights);
  check(why === null, `weighted distribution: ${why}`);
}

// conformance/tests/grpcroute-named-rule.go
async function namedRule(suite: GatewayConformance): Promise<void> {
  suite.api.apply(
    grpcRoute('grpc-named-rules', {
      parentRefs: [{ name: 'same-namespace' }],
      rules: [
        { name: 'named-rule', matches: [methodMatch('Echo')], backendRefs: [backendRef('grpc-infra-backend-v1')] },
        { matches: [methodMatch('EchoTwo')], backendRefs: [backendRef('grpc-infra-backend-v2')] },
      ],
    }),
  );
  const address = await acceptedOnSameNamespace(suite, 'grpc-named-rules');
  await Promise.all([
    expectConsistent(address, { method: 'Echo', backend: 'grpc-infra-backend-v1' }),
    expectConsistent(address, { method: 'EchoTwo', backend: 'grpc-infra-backend-v2' }),
  ]);
}

/**
 * Found by this port: a call the route sends to a pod that does not implement it answers the pod's
 * UNIMPLEMENTED (trailers-only; it reached the client as INTERNAL), and a Service port without appProtocol is
 * spoken to as gRPC over h2c (it got HTTP/1.1: UNAVAILABLE). `pod` and `server`: grpc-infra-backend-v3's.
 * Returns the code of the call the pod does not implement.
 */
async function grpcBackends(suite: GatewayConformance, pod: Pod, server: GrpcEchoPod): Promise<string> {
  for (const route of suite.api.list('GRPCRoute'))
    suite.api.remove('GRPCRoute', route.metadata.namespace, route.metadata.name);
  // The v3 pod behind a second Service whose port names no protocol.
  writeBackend(suite.api, {
    namespace: INFRA,
    name: 'grpc-no-app-protocol',
    ports: [{ port: 8080, targetPort: server.port }],
    endpoints: [pod],
  });
  const rule = (method: string, service: string) => ({
    matches: [methodMatch(method)],
    backendRefs: [backendRef(service)],
  });
  suite.api.apply(
    grpcRoute('grpc-backends', {
      parentRefs: [{ name: 'same-namespace' }],
      rules: [rule('EchoThree', 'grpc-infra-backend-v3'), rule('Echo', 'grpc-no-app-protocol')],
    }),
  );
  try {
    const address = await acceptedOnSameNamespace(suite, 'grpc-backends');
    await expectConsistent(address, { method: 'Echo', backend: 'grpc-infra-backend-v3' });
    return status[(await sendRpc(address, 80, { method: 'EchoThree' })).code];
  } finally {
    suite.api.remove('GRPCRoute', INFRA, 'grpc-backends');
    removeBackend(suite.api, INFRA, 'grpc-no-app-protocol');
  }
}

/** A GRPCRoute on the base HTTPS Gateway's catch-all listener for example.org; the pod that answered a TLS call. */
async function overTls(suite: GatewayConformance): Promise<string> {
  const gateway = 'same-namespace-with-https-listener';
  suite.api.apply(
    grpcRoute('grpc-over-tls', {
      parentRefs: [{ name: gateway, sectionName: 'https' }],
      hostnames: ['example.org'],
      rules: [{ backendRefs: [backendRef('grpc-infra-backend-v1')] }],
    }),
  );
  try {
    const address = await gatewayAndRoutesAccepted(suite.api, gateway, ['grpc-over-tls'], 'GRPCRoute');
    const tls = { servername: 'example.org', ca: suite.certificate.certPem };
    const deadline = Date.now() + 30_000;
    let last = '';
    while (Date.now() < deadline) {
      const client = new EchoClient(address, 443, 'example.org', tls);
      try {
        const result = await client.call({ method: 'Echo' });
        if (result.code === status.OK) return result.assertions!.pod.replace(/-[^-]*$/, '');
        last = status[result.code];
      } finally {
        client.close();
      }
      await new Promise((done) => setTimeout(done, 200));
    }
    throw new Error(`no OK answer over TLS: ${last}`);
  } finally {
    suite.api.remove('GRPCRoute', INFRA, 'grpc-over-tls');
  }
}
