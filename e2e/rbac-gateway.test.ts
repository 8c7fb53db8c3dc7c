import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './support/controller.ts';
import { pollUntil } from './fixtures.ts';
import {
  httpRoute,
  INFRA,
  startGatewayConformance,
  V1,
  WEB_BACKEND,
  type GatewayConformance,
} from './gateway-fixtures.ts';

// The gateway-api overlay's RBAC proven against behaviour, as e2e/rbac.test.ts does for the base: a Gateway API
// run (every kind watched, every status written); each Gateway API call must be granted by the overlay's role,
// and each of its grants used.

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function overlayRules(): Rule[] {
  const text = execFileSync('kubectl', ['kustomize', resolve(REPO_ROOT, 'manifests/overlays/gateway-api')], {
    encoding: 'utf8',
  });
  return parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((o) => o?.kind === 'ClusterRole' && o.metadata.name === 'sluice-gateway-api')
    .flatMap((o) => o.rules as Rule[]);
}

let suite: GatewayConformance;

function key(group: string, resource: string, verb: string): string {
  return `${verb} ${group || 'core'}/${resource}`;
}

beforeAll(async () => {
  suite = await startGatewayConformance('127.0.21.0/24');
}, 60_000);

afterAll(() => suite?.close());

describe('the gateway-api overlay RBAC matches what the controller does', () => {
  it('grants every Gateway API call and uses every grant', async () => {
    const { api } = suite;
    api.apply({
      apiVersion: `${V1.replace('/v1', '/v1beta1')}`,
      kind: 'ReferenceGrant',
      metadata: { namespace: WEB_BACKEND, name: 'from-infra' },
      spec: {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: INFRA }],
        to: [{ group: '', kind: 'Service' }],
      },
    });
    api.apply(
      httpRoute(INFRA, 'web', {
        parentRefs: [{ name: 'same-namespace' }],
        rules: [{ backendRefs: [{ name: 'web-backend', namespace: WEB_BACKEND, port: 8080 }] }],
      }),
    );
    api.apply({
      apiVersion: V1,
      kind: 'GRPCRoute',
      metadata: { namespace: INFRA, name: 'rpc' },
      spec: {
        parentRefs: [{ name: 'same-namespace' }],
        rules: [{ backendRefs: [{ name: 'infra-backend-v1', port: 8080 }] }],
      },
    });
    const hasStatus = (kind: string, ns: string | undefined, name: string) => {
      const status = api.get(kind, ns, name)?.status;
      return (status?.conditions?.length ?? 0) > 0 || (status?.parents?.length ?? 0) > 0;
    };
    await pollUntil(
      'status on every Gateway API kind',
      () =>
        hasStatus('GatewayClass', undefined, 'sluice-conformance') &&
        hasStatus('Gateway', INFRA, 'same-namespace') &&
        hasStatus('HTTPRoute', INFRA, 'web') &&
        hasStatus('GRPCRoute', INFRA, 'rpc'),
      (yes) => yes,
      { timeoutMs: 30_000, everyMs: 50 },
    );
    await suite.scenario.controller.stop();

    // The Service writes are the provisioned Services' (no address pool): e2e/gateway-services.test.ts proves them.
    const rules = overlayRules().filter((r) => !r.resources.includes('services'));
    const ours = api.calls.filter((c) => c.group === 'gateway.networking.k8s.io' || c.resource === 'namespaces');
    const granted = new Set(
      rules.flatMap((r) =>
        r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => key(g, res, v)))),
      ),
    );
    const made = new Set(
      ours.map((c) => key(c.group, c.subresource === '' ? c.resource : `${c.resource}/${c.subresource}`, c.verb)),
    );
    expect([...made].filter((call) => !granted.has(call)).sort()).toEqual([]);
    expect([...granted].filter((grant) => !made.has(grant)).sort()).toEqual([]);
  }, 60_000);
});
