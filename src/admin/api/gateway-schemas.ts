// The Gateway API part of /api/v1/routes (../gateway-view.ts) as a schema; hosts, targets and backends
// have the Ingress side's shapes.
import { arrayOf, describe, integer, nullable, object, oneOf, recordOf, type Schema, string } from './json-schema.ts';

const condition = object({ type: string, status: oneOf('True', 'False', 'Unknown'), reason: string, message: string });

export function gatewaysSchema(host: Schema, nullableTarget: Schema, backend: Schema): Schema {
  const listener = object({
    port: integer,
    protocol: oneOf('HTTP', 'HTTPS'),
    listenerNames: describe(arrayOf(string), 'the Gateway listeners merged on this port'),
    hosts: arrayOf(host),
    defaultBackend: nullableTarget,
  });
  const gateway = object({
    namespace: string,
    name: string,
    gatewayClass: nullable(string),
    conditions: arrayOf(condition),
    listeners: arrayOf(listener),
  });
  const route = object({
    kind: oneOf('HTTPRoute', 'GRPCRoute'),
    namespace: string,
    name: string,
    parents: arrayOf(
      object({
        parent: describe(string, '"namespace/name", with ":sectionName" when the route names one'),
        conditions: arrayOf(condition),
      }),
    ),
  });
  return object(
    {
      gateways: arrayOf(gateway),
      routes: arrayOf(route),
      backends: describe(recordOf(backend), 'the backends only Gateway routes use (the others are in `backends`)'),
    },
    'Gateway API: each Gateway with its conditions and, per listener port, the hosts and routes it serves; each route with its parents (empty when the Gateway API is not served).',
  );
}
