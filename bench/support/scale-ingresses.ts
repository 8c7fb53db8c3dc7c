// Ingresses "already present" for the change-latency bench at scale (issue 11): the shape a new user tried,
// three paths each, 60% own host, 25% a host shared by ~10 Ingresses, 12% wildcard, 3% host-less, all
// sending to one shared Service.
import type { KubeObject } from '../../e2e/support/api-emulator.ts';

function hostOf(i: number, count: number): string {
  const r = i % 100;
  if (r < 60) return `app-${i}.team-${i % Math.max(1, Math.ceil(count / 200))}.example.com`;
  if (r < 85) return `portal-${i % Math.max(1, Math.ceil(count / 40))}.example.com`;
  if (r < 97) return `*.tenant-${i}.example.org`;
  return '';
}

/** A host that reaches Ingress `i`'s rules (wildcards: one label in front). */
export function requestHostOf(i: number, count: number): string {
  const host = hostOf(i, count);
  return host.startsWith('*.') ? `x${host.slice(1)}` : host === '' ? 'no-host.example' : host;
}

/** The path of Ingress `i` that only it routes. */
export function ownPathOf(i: number): string {
  return i % 100 < 60 || (i % 100 >= 85 && i % 100 < 97) ? '/api/v1' : `/svc-${i}/api`;
}

export function scaleIngress(i: number, count: number, namespace: string, service: string): KubeObject {
  const host = hostOf(i, count);
  const own = i % 100 < 60 || (i % 100 >= 85 && i % 100 < 97);
  const paths = (own ? ['/', '/api/v1', '/healthz'] : [`/svc-${i}`, `/svc-${i}/api`, `/svc-${i}/status`]).map(
    (path, p) => ({
      path,
      pathType: p === 2 ? 'Exact' : 'Prefix',
      backend: { service: { name: service, port: { name: 'http' } } },
    }),
  );
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { namespace, name: `scale-${i}` },
    spec: { ingressClassName: 'sluice', rules: [host === '' ? { http: { paths } } : { host, http: { paths } }] },
  };
}
