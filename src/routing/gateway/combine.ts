// One build for everything the edge serves: the Ingress table (build.ts) and, when Gateway API is on,
// the Gateway listeners beside it, their endpoints merged into the one index and their problems into
// the one list. The edge serves `table` on its Ingress ports and each `gateway.listeners[i].table` on
// that Gateway's address and port.

import { build } from '../build.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { sortProblems } from '../problems.ts';
import type { BackendEndpoints, BackendKey, BuildOptions, BuildResult, Snapshot } from '../types.ts';
import { buildGateway } from './build-gateway.ts';

export function buildRouting(snapshot: Snapshot, options: BuildOptions): BuildResult {
  const ingress = build(snapshot, options);
  const controllerName = options.gatewayControllerName;
  if (controllerName === undefined || controllerName === null || controllerName === '') return ingress;
  const gateway = buildGateway(snapshot, {
    controllerName,
    inspectCertificate: options.inspectCertificate,
    ...(options.gatewayFeatures === undefined ? {} : { supportedFeatures: options.gatewayFeatures }),
  });
  const endpoints = new Map<BackendKey, BackendEndpoints>(ingress.endpoints);
  for (const [key, value] of gateway.endpoints) if (!endpoints.has(key)) endpoints.set(key, value);
  return deepFreeze({
    ...ingress,
    endpoints,
    problems: sortProblems([...ingress.problems, ...gateway.problems]),
    gateway: { listeners: gateway.listeners, status: gateway.status },
  });
}
