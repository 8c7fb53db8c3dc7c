import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

// Every rendered object validates against the Kubernetes OpenAPI schemas that kubernetes-models ships
// (offline: the schemas are inside the npm package).
const root = resolve(import.meta.dirname, '..');
const kustomizations = [
  'manifests/base',
  'manifests/overlays/nodeport',
  'manifests/overlays/default-class',
  'manifests/overlays/examples',
  'manifests/overlays/gateway-api',
];

/** Custom resources kubernetes-models has no schema for; their shape is checked by their own tests. */
const customGroups = ['gateway.networking.k8s.io/'];

type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<
  string,
  unknown
>;

export function render(dir: string): KubeObject[] {
  const text = execFileSync('kubectl', ['kustomize', resolve(root, dir)], { encoding: 'utf8' });
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject)
    .filter(Boolean);
}

async function validate(obj: KubeObject): Promise<void> {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const modulePath =
    group === '' ? `kubernetes-models/${version}/${obj.kind}` : `kubernetes-models/${group}/${version}/${obj.kind}`;
  const module = (await import(modulePath)) as Record<string, new (o: unknown) => { validate(): void }>;
  new module[obj.kind](obj).validate();
}

describe('deployment manifests', () => {
  for (const dir of kustomizations) {
    it(`${dir} renders and every object validates`, async () => {
      const objects = render(dir);
      expect(objects.length).toBeGreaterThan(5);
      for (const obj of objects) {
        if (customGroups.some((group) => obj.apiVersion.startsWith(group))) continue;
        await expect(validate(obj), `${obj.kind} ${obj.metadata.name}`).resolves.toBeUndefined();
      }
    });
  }

  it('the validator rejects a malformed object', async () => {
    const bad = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 'two', selector: {}, template: {} },
    };
    await expect(validate(bad)).rejects.toThrow();
  });

  it('the Deployment is hardened as the issue asks', () => {
    const deployment = render('manifests/base').find((o) => o.kind === 'Deployment') as any;
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.seccompProfile.type).toBe('RuntimeDefault');
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.securityContext.capabilities.drop).toEqual(['ALL']);
    expect(container.livenessProbe.httpGet.port).toBe('admin');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(pod.topologySpreadConstraints.length).toBeGreaterThan(0);
    const grace = container.args.find((a: string) => a.startsWith('--shutdown-grace='));
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number.parseInt(grace.split('=')[1], 10));
  });

  it('the edge Service keeps client addresses and sluice publishes it', () => {
    const objects = render('manifests/base');
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'sluice') as any;
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.externalTrafficPolicy).toBe('Local');
    const deployment = objects.find((o) => o.kind === 'Deployment') as any;
    expect(deployment.spec.template.spec.containers[0].args).toContain('--publish-service=sluice/sluice');
    const nodePort = render('manifests/overlays/nodeport').find(
      (o) => o.kind === 'Service' && o.metadata.name === 'sluice',
    ) as any;
    expect(nodePort.spec.type).toBe('NodePort');
  });

  it('the gateway-api overlay adds its GatewayClass for the default controller name', () => {
    const gatewayClass = render('manifests/overlays/gateway-api').find((o) => o.kind === 'GatewayClass') as any;
    expect(gatewayClass.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(gatewayClass.spec.controllerName).toBe('sluice.dev/gateway-controller');
  });

  it('the gateway-api overlay grants exactly the Service writes and the own-Pod read the provisioned Services need', () => {
    const objects = render('manifests/overlays/gateway-api');
    const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'sluice-gateway-api') as any;
    const serviceRules = role.rules.filter((r: { resources: string[] }) => r.resources.includes('services'));
    expect(serviceRules).toEqual([{ apiGroups: [''], resources: ['services'], verbs: ['create', 'update', 'delete'] }]);
    const podRole = objects.find((o) => o.kind === 'Role' && o.metadata.name === 'sluice-gateway-pods') as any;
    expect(podRole.metadata.namespace).toBe('sluice');
    expect(podRole.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    const binding = objects.find((o) => o.kind === 'RoleBinding' && o.metadata.name === 'sluice-gateway-pods') as any;
    expect(binding.roleRef.name).toBe('sluice-gateway-pods');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'sluice', namespace: 'sluice' }]);
  });

  it('the gateway-api overlay opens the Gateway container ports in the NetworkPolicy, the range the Deployment uses', () => {
    const objects = render('manifests/overlays/gateway-api');
    const deployment = objects.find((o) => o.kind === 'Deployment') as any;
    const args: string[] = deployment.spec.template.spec.containers[0].args;
    const range = args.find((a) => a.startsWith('--gateway-container-ports='))?.split('=')[1];
    expect(range).toBe('20000-20999');
    const policy = objects.find((o) => o.kind === 'NetworkPolicy') as any;
    const gatewayRule = policy.spec.ingress.find((r: { ports: { port: unknown }[] }) =>
      r.ports.some((p) => p.port === 20000),
    );
    expect(gatewayRule).toEqual({ ports: [{ port: 20000, endPort: 20999, protocol: 'TCP' }] });
    // The base's rules are still there.
    expect(policy.spec.ingress).toHaveLength(3);
  });

  it('a NetworkPolicy opens the edge ports to all and the admin port only to labelled namespaces', () => {
    const objects = render('manifests/base');
    const policy = objects.find((o) => o.kind === 'NetworkPolicy') as any;
    const deployment = objects.find((o) => o.kind === 'Deployment') as any;
    expect(policy.spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    const rules = policy.spec.ingress as { from?: unknown[]; ports: { port: string }[] }[];
    const portNames = deployment.spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name);
    for (const rule of rules) for (const port of rule.ports) expect(portNames).toContain(port.port);
    const edge = rules.find((r) => r.ports.some((p) => p.port === 'http'))!;
    expect(edge.from).toBeUndefined();
    expect(edge.ports.map((p) => p.port)).toEqual(['http', 'https']);
    const admin = rules.filter((r) => r.ports.some((p) => p.port === 'admin'));
    expect(admin).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'sluice.dev/admin-access': 'true' } } }],
        ports: [{ port: 'admin', protocol: 'TCP' }],
      },
    ]);
  });
});
