// routing-semantics §4: the host default (contributing Ingresses' spec.defaultBackend, oldest first,
// else --default-backend-service) and the global default (oldest owned Ingress's, else the flag's).

import { backendKey, isDnsLabel, isPortName, isPortNumber, UNUSABLE, type BackendRef } from './backends.ts';
import { firstServicePort } from './endpoints.ts';
import type { IngressDraft } from './ingress-translate.ts';
import { clip } from './kube-read.ts';
import type { Named } from './object-index.ts';
import { CONTROLLER_REF, problem } from './problems.ts';
import type { ObjectRef, Problem } from './types.ts';

/** The source of targets that come from --default-backend-service. */
export const DEFAULT_BACKEND_FLAG_REF: ObjectRef = Object.freeze({
  kind: 'Flag',
  namespace: '',
  name: 'default-backend-service',
});
export const DEFAULT_BACKEND_FIELD = 'defaultBackendService';

export interface DefaultChoice {
  readonly backend: BackendRef;
  /** The Ingress whose spec.defaultBackend it is, or null for the flag. */
  readonly ingress: IngressDraft | null;
}

/**
 * Reads --default-backend-service: "namespace/name" or "namespace/name:port" (number or name).
 * Without a port, the Service's first listed port is used.
 */
export function readDefaultBackendFlag(
  text: string | null,
  services: Pick<ReadonlyMap<string, Named>, 'get'>,
  problems: Problem[],
): BackendRef | null {
  if (text === null) return null;
  const slash = text.indexOf('/');
  const colon = text.indexOf(':', slash + 1);
  const namespace = slash < 0 ? '' : text.slice(0, slash);
  const name = slash < 0 ? '' : text.slice(slash + 1, colon < 0 ? text.length : colon);
  const portText = colon < 0 ? null : text.slice(colon + 1);
  const portNumber = portText !== null && /^[0-9]{1,5}$/.test(portText) ? Number(portText) : null;
  const port =
    portText === null
      ? null
      : portNumber !== null && isPortNumber(portNumber)
        ? portNumber
        : isPortName(portText)
          ? portText
          : undefined;
  if (!isDnsLabel(namespace) || !isDnsLabel(name) || port === undefined) {
    problems.push(
      problem(
        'DefaultBackendServiceInvalid',
        CONTROLLER_REF,
        DEFAULT_BACKEND_FIELD,
        `"${clip(text, 100)}" is not "namespace/name" or "namespace/name:port"`,
      ),
    );
    return null;
  }
  const service = services.get(`${namespace}/${name}`);
  const chosen = port ?? firstServicePort(service);
  if (chosen === null) {
    const reason =
      service === undefined ? `service ${namespace}/${name} not found` : `service ${namespace}/${name} lists no ports`;
    problems.push(
      problem(
        service === undefined ? 'ServiceNotFound' : 'ServicePortNotFound',
        CONTROLLER_REF,
        DEFAULT_BACKEND_FIELD,
        reason,
      ),
    );
    return {
      key: backendKey(namespace, name, UNUSABLE),
      namespace,
      service: name,
      port: UNUSABLE,
      defect: { state: service === undefined ? 'no-service' : 'no-port', reason },
    };
  }
  return { key: backendKey(namespace, name, chosen), namespace, service: name, port: chosen, defect: null };
}

/** The oldest of `ingresses` (sorted oldest first) with a spec.defaultBackend, else the flag's backend. */
export function chooseDefault(contributors: readonly IngressDraft[], flag: BackendRef | null): DefaultChoice | null {
  for (const ingress of contributors) {
    if (ingress.defaultBackend !== null) return { backend: ingress.defaultBackend, ingress };
  }
  return flag === null ? null : { backend: flag, ingress: null };
}
