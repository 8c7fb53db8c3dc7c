// A controller serving Ingresses written for ingress-nginx, as a migrating user runs it: a manifest
// directory, ingress-nginx's IngressClass, and `--controller-class k8s.io/ingress-nginx --ingress-class nginx`.
// For the e2e/annotations-*.test.ts cases (modelled on ingress-nginx's test/e2e/annotations).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startController, type RunningController } from './controller.ts';
import { edgeRequest, type EdgeRequest, type EdgeResponse } from './http-client.ts';
import { startPods, type Pod } from './pods.ts';

export const NAMESPACE = 'mig';

export interface PathSpec {
  readonly path: string;
  readonly pathType?: string;
  readonly service: string;
}

/** An ingress-nginx Ingress (ingressClassName nginx) with one host. */
export function nginxIngress(
  name: string,
  host: string,
  paths: readonly PathSpec[],
  annotations: Record<string, string> = {},
): Record<string, unknown> {
  const full = Object.fromEntries(
    Object.entries(annotations).map(([key, value]) => [
      key.includes('/') ? key : `nginx.ingress.kubernetes.io/${key}`,
      value,
    ]),
  );
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: NAMESPACE, annotations: full },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host,
          http: {
            paths: paths.map((each) => ({
              path: each.path,
              pathType: each.pathType ?? 'Prefix',
              backend: { service: { name: each.service, port: { number: 80 } } },
            })),
          },
        },
      ],
    },
  };
}

function serviceObjects(name: string, pods: readonly Pod[]): object[] {
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NAMESPACE }, spec: { ports: [{ port: 80 }] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-abcde`, namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ port: pods[0].port, protocol: 'TCP' }],
      endpoints: pods.map((pod) => ({
        addresses: [pod.ip],
        conditions: { ready: true },
        targetRef: { kind: 'Pod', name: pod.name, namespace: NAMESPACE },
      })),
    },
  ];
}

export interface NginxSite {
  readonly controller: RunningController;
  readonly pods: Readonly<Record<string, Pod[]>>;
  request(host: string, options?: EdgeRequest): Promise<EdgeResponse>;
  close(): Promise<void>;
}

/** `services`: name → how many pods. Waits until the controller is ready. */
export async function startNginxSite(
  services: Readonly<Record<string, number>>,
  ingresses: readonly object[],
  extraArgs: readonly string[] = [],
): Promise<NginxSite> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-nginx-site-'));
  const pods: Record<string, Pod[]> = {};
  const objects: object[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'nginx' },
      spec: { controller: 'k8s.io/ingress-nginx' },
    },
  ];
  for (const [name, count] of Object.entries(services)) {
    pods[name] = await startPods(count, { namePrefix: name, namespace: NAMESPACE, service: name });
    objects.push(...serviceObjects(name, pods[name]));
  }
  objects.push(...ingresses);
  // JSON is YAML: one document per object.
  writeFileSync(join(dir, 'site.yaml'), objects.map((object) => JSON.stringify(object)).join('\n---\n'));
  const controller = await startController([
    '--manifests',
    dir,
    '--controller-class',
    'k8s.io/ingress-nginx',
    '--ingress-class',
    'nginx',
    '--access-log',
    'off',
    ...extraArgs,
  ]);
  await controller.waitReady(30_000);
  await controller.waitFor((status) => status.synced && status.generation > 0, { what: 'the first table' });
  return {
    controller,
    pods,
    request: (host, options = {}) => edgeRequest(controller.httpUrl, { ...options, host }),
    async close() {
      await controller.stop();
      await Promise.all(
        Object.values(pods)
          .flat()
          .map((pod) => pod.kill()),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
