// Reading an Ingress backend reference (spec.defaultBackend, paths[].backend) into a BackendRef.
// A structurally broken reference still yields a ref with a defect, so its route claims its host
// and path and answers 503 instead of falling through to another route (routing-semantics §5).

import { describeValue, hasField, isRecord, readRecord, readValue } from './kube-read.ts';
import type { Named } from './object-index.ts';
import { problem } from './problems.ts';
import type { BackendKey, BackendState, Problem } from './types.ts';

/** Written in a key in place of a service name or port that is missing or invalid. */
export const UNUSABLE = '-';

export interface BackendRef {
  readonly key: BackendKey;
  readonly namespace: string;
  /** The Service name, or "-" when missing or invalid. */
  readonly service: string;
  /** The port number or name as written, or "-" when missing or invalid. */
  readonly port: number | string;
  /** When the reference itself is unusable: the state and reason its routes answer 503 with. */
  readonly defect: { readonly state: BackendState; readonly reason: string } | null;
}

/**
 * The port of a reference that takes the Service's first listed port (ingress-nginx's default-backend
 * annotation names only a Service: controller.go uses `Spec.Ports[0]`). Not a valid port name, so no clash.
 */
export const FIRST_PORT = '*';

/** A reference to the first port of `namespace/service`. */
export function firstPortRef(namespace: string, service: string): BackendRef {
  return Object.freeze({
    key: backendKey(namespace, service, FIRST_PORT),
    namespace,
    service,
    port: FIRST_PORT,
    defect: null,
  });
}

export function backendKey(namespace: string, service: string, port: number | string): BackendKey {
  return `${namespace}/${service}:${port}`;
}

/**
 * One BackendRef per distinct usable backend of a build: its key string is then made (and hashed, by
 * the maps that use it) once, not once per route. Looked up by strings the input already holds.
 */
export class BackendRefs {
  /** namespace → service → its refs, one per port (a Service has few ports: a list). */
  readonly #byNamespace = new Map<string, Map<string, BackendRef[]>>();

  get(namespace: string, service: string, port: number | string): BackendRef {
    let services = this.#byNamespace.get(namespace);
    if (services === undefined) {
      services = new Map();
      this.#byNamespace.set(namespace, services);
    }
    const ports = services.get(service);
    if (ports !== undefined) for (const ref of ports) if (ref.port === port) return ref;
    const ref: BackendRef = Object.freeze({
      key: backendKey(namespace, service, port),
      namespace,
      service,
      port,
      defect: null,
    });
    if (ports === undefined) services.set(service, [ref]);
    else ports.push(ref);
    return ref;
  }
}

function isLowerAlnum(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

/** An RFC 1123 label: what Service names are. */
export function isDnsLabel(name: string): boolean {
  if (name.length === 0 || name.length > 63) return false;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    const edge = i === 0 || i === name.length - 1;
    if (!(isLowerAlnum(code) || (code === 45 && !edge))) return false;
  }
  return true;
}

/** An IANA service name as Kubernetes port names are: 1-15 of [a-z0-9-], a letter, no edge or double "-". */
export function isPortName(name: string): boolean {
  if (name.length === 0 || name.length > 15 || name.includes('--')) return false;
  let letters = 0;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    const edge = i === 0 || i === name.length - 1;
    if (code >= 97 && code <= 122) letters++;
    else if (!(isLowerAlnum(code) || (code === 45 && !edge))) return false;
  }
  return letters > 0;
}

export function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/**
 * Reads a backend at `field + fieldTail` ("spec.rules[0].http.paths[1]" + ".backend"), a name only
 * spelled out for a problem. Null (with a problem) when there is no backend object at all.
 */
export function readBackend(
  ingress: Named,
  raw: unknown,
  field: string,
  fieldTail: string,
  refs: BackendRefs,
  problems: Problem[],
): BackendRef | null {
  const namespace = ingress.ref.namespace;
  if (raw === undefined || raw === null) {
    problems.push(problem('BackendMissing', ingress.ref, field + fieldTail, 'no backend is given'));
    return null;
  }
  if (!isRecord(raw)) {
    problems.push(
      problem(
        'FieldTypeInvalid',
        ingress.ref,
        field + fieldTail,
        `backend must be an object, not ${describeValue(raw)}`,
      ),
    );
    return null;
  }
  const service = readRecord(raw, 'service');
  if (service === null) {
    if (hasField(raw, 'resource')) {
      problems.push(
        problem(
          'BackendResourceUnsupported',
          ingress.ref,
          `${field}${fieldTail}.resource`,
          'resource backends are not supported; use a Service',
        ),
      );
      return defective(namespace, UNUSABLE, UNUSABLE);
    }
    problems.push(
      problem(
        'BackendServiceNameInvalid',
        ingress.ref,
        `${field}${fieldTail}.service`,
        `backend.service must be an object, not ${describeValue(readValue(raw, 'service'))}`,
      ),
    );
    return defective(namespace, UNUSABLE, UNUSABLE);
  }
  if (hasField(raw, 'resource')) {
    problems.push(
      problem(
        'BackendResourceUnsupported',
        ingress.ref,
        `${field}${fieldTail}.resource`,
        'a backend has either service or resource, not both; resource is ignored',
      ),
    );
  }
  const rawName = readValue(service, 'name');
  const name = typeof rawName === 'string' && isDnsLabel(rawName) ? rawName : UNUSABLE;
  if (name === UNUSABLE) {
    const message =
      rawName === undefined
        ? 'service.name is missing'
        : `service name ${describeValue(rawName)} is not a valid Service name`;
    problems.push(problem('BackendServiceNameInvalid', ingress.ref, `${field}${fieldTail}.service.name`, message));
  }
  const port = readPort(ingress, service, field, fieldTail, problems);
  if (name === UNUSABLE || !port.ok) return defective(namespace, name, port.port);
  return refs.get(namespace, name, port.port);
}

/** The defect follows from the key alone, so two broken refs sharing a key always agree. */
function defective(namespace: string, service: string, port: number | string): BackendRef {
  const defect: { state: BackendState; reason: string } =
    service === UNUSABLE
      ? { state: 'no-service', reason: 'the backend names no valid Service' }
      : port === UNUSABLE
        ? { state: 'no-port', reason: 'the backend port is missing or invalid' }
        : { state: 'no-port', reason: `port ${port} is out of range` };
  return { key: backendKey(namespace, service, port), namespace, service, port, defect };
}

function readPort(
  ingress: Named,
  service: Readonly<Record<string, unknown>>,
  field: string,
  fieldTail: string,
  problems: Problem[],
): { port: number | string; ok: boolean } {
  const port = readRecord(service, 'port');
  const number = readValue(port, 'number');
  const name = readValue(port, 'name');
  const hasNumber = number !== undefined && number !== null && number !== 0;
  const hasName = name !== undefined && name !== null && name !== '';
  if (hasNumber === hasName) {
    const message = hasNumber ? 'give port.number or port.name, not both' : 'the backend gives no port number or name';
    problems.push(problem('BackendPortMissing', ingress.ref, `${field}${fieldTail}.service.port`, message));
    return { port: UNUSABLE, ok: false };
  }
  if (hasNumber) {
    if (isPortNumber(number)) return { port: number, ok: true };
    problems.push(
      problem(
        'BackendPortOutOfRange',
        ingress.ref,
        `${field}${fieldTail}.service.port.number`,
        `port ${describeValue(number)} is not an integer from 1 to 65535`,
      ),
    );
    const shown = typeof number === 'number' && Number.isInteger(number) ? number : UNUSABLE;
    return { port: shown, ok: false };
  }
  if (typeof name === 'string' && isPortName(name)) return { port: name, ok: true };
  problems.push(
    problem(
      'BackendPortNameInvalid',
      ingress.ref,
      `${field}${fieldTail}.service.port.name`,
      `port name ${describeValue(name)} is not a valid port name`,
    ),
  );
  return { port: UNUSABLE, ok: false };
}
