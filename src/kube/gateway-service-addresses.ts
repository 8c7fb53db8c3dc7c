// A provisioned Service's addresses as Gateway status.addresses: its load balancer's ingress IPs and
// hostnames, else its clusterIP (LoadBalancer pending, NodePort, ClusterIP). Pure.
import type { ServiceObject } from './gateway-service-model.ts';

export interface GatewayStatusAddress {
  readonly type: 'IPAddress' | 'Hostname';
  readonly value: string;
}

export function serviceStatusAddresses(service: ServiceObject): GatewayStatusAddress[] {
  const ingress = (service.status as { loadBalancer?: { ingress?: unknown } } | undefined)?.loadBalancer?.ingress;
  const out: GatewayStatusAddress[] = [];
  for (const entry of Array.isArray(ingress) ? (ingress as { ip?: unknown; hostname?: unknown }[]) : []) {
    if (typeof entry?.ip === 'string' && entry.ip !== '') out.push({ type: 'IPAddress', value: entry.ip });
    else if (typeof entry?.hostname === 'string' && entry.hostname !== '') {
      out.push({ type: 'Hostname', value: entry.hostname });
    }
  }
  if (out.length > 0) return out;
  const clusterIP = service.spec.clusterIP;
  return typeof clusterIP === 'string' && clusterIP !== '' && clusterIP !== 'None'
    ? [{ type: 'IPAddress', value: clusterIP }]
    : [];
}
