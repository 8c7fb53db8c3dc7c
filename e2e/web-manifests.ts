import type { Pod } from './support/pods.ts';

/**
 * A manifest directory's worth of YAML: our IngressClass, Service shop/web on port 80 backed by `pods`,
 * and Ingress shop/web routing every path of each host to it.
 */
export function webManifests(pods: readonly Pod[], hosts: readonly string[]): string {
  const rules = hosts
    .map(
      (host) =>
        `{ host: ${host}, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }`,
    )
    .join(', ');
  const endpoints = pods.map((p) => `{ addresses: ["${p.ip}"], conditions: { ready: true } }`).join(', ');
  return `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: sluice }
spec: { controller: sluice.dev/ingress-controller }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { ports: [{ name: http, port: 80 }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: web-1, namespace: shop, labels: { kubernetes.io/service-name: web } }
addressType: IPv4
ports: [{ name: http, port: ${pods[0].port} }]
endpoints: [${endpoints}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  ingressClassName: sluice
  rules: [${rules}]
`;
}
