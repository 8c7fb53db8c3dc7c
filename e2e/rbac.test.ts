import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { ApiCall, ApiEmulator } from './support/api-emulator.ts';
import { REPO_ROOT, type RunningController } from './support/controller.ts';
import { hostIngress, pollUntil, startScenario, type Scenario } from './fixtures.ts';

// Issue 6: the RBAC in manifests/ is proven against behaviour. The controller runs a full scenario
// (sync, status through --publish-service LoadBalancer then NodePort, events, leader election) against
// the emulator; every API call it made must be granted, and every grant must have been used.

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
interface Grant {
  role: string;
  namespace: string | null; // null: ClusterRole
  rule: Rule;
}

function rbacGrants(): Grant[] {
  const text = execFileSync('kubectl', ['kustomize', resolve(REPO_ROOT, 'manifests/base')], { encoding: 'utf8' });
  const objects = parseAllDocuments(text).map((d) => d.toJS());
  return objects
    .filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
    .flatMap((o) =>
      (o.rules as Rule[]).map((rule) => ({
        role: `${o.kind}/${o.metadata.name}`,
        namespace: o.kind === 'Role' ? o.metadata.namespace : null,
        rule,
      })),
    );
}

function grants(grant: Grant, call: ApiCall): boolean {
  const { rule } = grant;
  const resource = call.subresource === '' ? call.resource : `${call.resource}/${call.subresource}`;
  if (grant.namespace !== null && call.namespace !== grant.namespace) return false;
  if (!rule.apiGroups.includes(call.group)) return false;
  if (!rule.resources.includes(resource)) return false;
  if (!rule.verbs.includes(call.verb)) return false;
  if (rule.resourceNames !== undefined && !rule.resourceNames.includes(call.name)) return false;
  return true;
}

const route = (name: string, service: string) => hostIngress('shop', name, `${name}.shop.example`, service);

const describeCall = (c: ApiCall) =>
  `${c.verb} ${c.group || 'core'}/${c.resource}${c.subresource ? `/${c.subresource}` : ''} ns=${c.namespace || '*'} name=${c.name || '*'}`;

describe('RBAC matches what the controller does', () => {
  let scenario: Scenario;
  let api: ApiEmulator;
  let controller: RunningController;

  beforeAll(async () => {
    scenario = await startScenario({
      backends: { web: 1 },
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'node-1' },
          status: { addresses: [{ type: 'InternalIP', address: '10.0.0.7' }] },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { namespace: 'sluice', name: 'sluice' },
          spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80 }] },
          status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
        },
        route('web', 'web'),
        route('broken', 'missing'),
        {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'kubernetes.io/tls',
          metadata: { namespace: 'shop', name: 'cert' },
          data: { 'tls.crt': '', 'tls.key': '' },
        },
      ],
      args: ['--publish-service', 'sluice/sluice', '--election-id', 'sluice-leader'],
      env: { POD_NAMESPACE: 'sluice', POD_NAME: 'sluice-0' },
    });
    ({ api, controller } = scenario);
  }, 60_000);

  afterAll(() => scenario?.close());

  it('runs the whole scenario, then every call is granted and every grant is used', async () => {
    const statusIps = () =>
      (api.get('Ingress', 'shop', 'web')?.status?.loadBalancer?.ingress ?? []).map((i: { ip?: string }) => i.ip);
    await waitUntil(() => statusIps().includes('203.0.113.10'), 'status from the LoadBalancer Service');
    await waitUntil(
      () => api.list('events.k8s.io/events', 'shop').length > 0,
      'a Warning event for the broken Ingress',
    );
    // Switch the published Service to NodePort: the controller then reads the nodes' addresses.
    api.modify('Service', 'sluice', 'sluice', (s) => {
      s.spec.type = 'NodePort';
      s.status = {};
    });
    await waitUntil(() => statusIps().includes('10.0.0.7'), 'status from the node addresses');
    await controller.stop();

    const rules = rbacGrants();
    expect(rules.length).toBeGreaterThan(3);
    const calls = api.calls;
    const ungranted = calls.filter((c) => !rules.some((g) => grants(g, c))).map(describeCall);
    expect([...new Set(ungranted)]).toEqual([]);

    const unused: string[] = [];
    for (const grant of rules) {
      for (const group of grant.rule.apiGroups) {
        for (const resource of grant.rule.resources) {
          for (const verb of grant.rule.verbs) {
            const narrowed: Grant = {
              ...grant,
              rule: { ...grant.rule, apiGroups: [group], resources: [resource], verbs: [verb] },
            };
            if (!calls.some((c) => grants(narrowed, c)))
              unused.push(`${grant.role}: ${verb} ${group || 'core'}/${resource}`);
          }
        }
      }
    }
    expect(unused).toEqual([]);
  }, 60_000);
});

function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<boolean> {
  return pollUntil(what, condition, (yes) => yes, { timeoutMs, everyMs: 25 });
}
