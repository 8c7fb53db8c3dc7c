// The Gateway API flags.
import { isIP } from 'node:net';
import { flag } from './flag.ts';
import { fail, ok, type FlagSpec, type Parsed } from './types.ts';
import { oneOf, parseCidr, parseDuration } from './value-parsers.ts';

// Gateway API's controllerName: a domain prefix, a slash and a path (gateway-api apis/v1/shared_types.go GatewayController).
const GATEWAY_CONTROLLER =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

function parseGatewayControllerName(raw: string): Parsed<string> {
  if (raw.length > 253 || !GATEWAY_CONTROLLER.test(raw)) {
    return fail(`"${raw}" is not a controller name (DOMAIN/PATH, e.g. sluice.dev/gateway-controller)`);
  }
  return ok(raw);
}

function parseIpv4Pool(raw: string): Parsed<string | null> {
  const cidr = parseCidr(raw);
  if (!cidr.ok) return cidr;
  const [address, prefix] = cidr.value.split('/');
  if (isIP(address) !== 4) return fail(`"${raw}" is not an IPv4 CIDR (only IPv4 pools are supported)`);
  if (Number(prefix) < 8) return fail(`"${raw}" is too large (prefix /8 to /32)`);
  return ok(cidr.value);
}

export function gatewayFlags(): FlagSpec[] {
  return [
    flag({
      name: 'gateway-controller-name',
      key: 'gatewayControllerName',
      placeholder: 'NAME',
      defaultValue: 'sluice.dev/gateway-controller',
      defaultText: 'sluice.dev/gateway-controller',
      help: 'GatewayClasses with this spec.controllerName are served (Gateway API)',
      parse: parseGatewayControllerName,
    }),
    flag({
      name: 'gateway-address-pool',
      key: 'gatewayAddressPool',
      placeholder: 'CIDR',
      defaultValue: null,
      defaultText: 'none',
      help: 'each Gateway gets an IPv4 address from this range and its listeners bind there (e.g. 127.0.20.0/24)',
      parse: parseIpv4Pool,
    }),
    flag({
      name: 'gateway-api-recheck',
      key: 'gatewayApiRecheckMs',
      placeholder: 'DURATION',
      defaultValue: 30_000,
      defaultText: '30s',
      help: 'how often missing Gateway API CRDs are looked for again',
      parse: positiveDuration,
    }),
    flag({
      name: 'gateway-container-ports',
      key: 'gatewayContainerPorts',
      placeholder: 'FIRST-LAST',
      defaultValue: { first: 20000, last: 20999 },
      defaultText: '20000-20999',
      help: "in a cluster without an address pool: the container ports the Gateways' Services map their ports to",
      parse: parsePortRange,
    }),
    flag({
      name: 'gateway-service-type',
      key: 'gatewayServiceType',
      placeholder: 'TYPE',
      defaultValue: 'LoadBalancer',
      defaultText: 'LoadBalancer',
      help: 'the type of the Service provisioned per Gateway, unless a parametersRef ConfigMap or the sluice.dev/service-type annotation says otherwise',
      parse: oneOf(['LoadBalancer', 'NodePort', 'ClusterIP'] as const),
    }),
  ] as FlagSpec[];
}

function parsePortRange(raw: string): Parsed<{ first: number; last: number }> {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(raw);
  const first = Number(match?.[1]);
  const last = Number(match?.[2]);
  if (match === null || first < 1 || last > 65535 || first > last) {
    return fail(`"${raw}" is not a port range FIRST-LAST (1 to 65535, FIRST <= LAST)`);
  }
  return ok({ first, last });
}

function positiveDuration(raw: string): Parsed<number> {
  const parsed = parseDuration(raw);
  return parsed.ok && parsed.value < 100 ? fail(`"${raw}" is too short (at least 100ms)`) : parsed;
}
