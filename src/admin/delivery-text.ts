import type { BackendEndpoints, Target } from '../routing/types.ts';
import { isTlsProtocol, upstreamProtocolOf } from '../routing/upstream-policy.ts';

/**
 * How the explainer says a matched request is delivered: its auth, then the protocol towards the pods,
 * e.g. "auth via http://oauth2-proxy.auth/oauth2/auth, then proxied over grpc to shop/api". Plain HTTP
 * without auth stays "proxied to shop/api".
 */
export function deliveryText(target: Target, endpoints: BackendEndpoints, destination: string): string {
  const traffic = target.policy.traffic;
  if (traffic?.sslPassthrough === true) return `TLS passthrough (raw TCP by SNI) to ${destination}`;
  const steps: string[] = [];
  if (traffic?.externalAuth !== undefined) steps.push(`auth via ${traffic.externalAuth.url}`);
  if (traffic?.basicAuth !== undefined) steps.push(`basic auth (realm "${traffic.basicAuth.realm}")`);
  const protocol = upstreamProtocolOf(traffic?.upstream, endpoints);
  let delivery = protocol === 'http' ? `proxied to ${destination}` : `proxied over ${protocol} to ${destination}`;
  if (isTlsProtocol(protocol))
    delivery += traffic?.upstream?.verify === true ? ' (pod certificate verified)' : ' (pod certificate not verified)';
  steps.push(delivery);
  return steps.join(', then ');
}
