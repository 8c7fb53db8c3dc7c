/** What the API server fills in on a Service created over HTTP: a clusterIP (loopback, nothing listens there). */
import type { ResourceType } from './emulator-resources.ts';
import type { KubeObject } from './emulator-selectors.ts';

let allocated = 0;

/** Gives a created Service a clusterIP (127.253.x.y) unless it is headless, ExternalName or already has one. */
export function serviceDefaults(type: ResourceType, object: KubeObject): void {
  if (type.group !== '' || type.plural !== 'services') return;
  const spec = (object.spec ??= {});
  spec.type ??= 'ClusterIP';
  if (spec.type === 'ExternalName' || (spec.clusterIP !== undefined && spec.clusterIP !== '')) return;
  allocated++;
  spec.clusterIP = `127.253.${Math.floor(allocated / 250) % 250}.${1 + (allocated % 250)}`;
  spec.clusterIPs = [spec.clusterIP];
}
