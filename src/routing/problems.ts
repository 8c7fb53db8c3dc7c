// Every problem code the builder can report, with what it means. Codes are stable: the status page,
// the JSON API, Kubernetes Events and tests refer to them. Add codes; never rename one.

import { compareNatural, compareText } from './compare.ts';
import type { ObjectRef, Problem } from './types.ts';

export const PROBLEM_CODES = {
  // Objects
  ObjectInvalid: 'The object has no usable metadata.name/namespace; it is ignored.',
  DuplicateObject: 'Two objects of the same kind share namespace/name; both are ignored.',
  FieldTypeInvalid: 'A field has the wrong type (for example a string where a list belongs); that part is ignored.',

  // Hosts (spec.rules[].host, spec.tls[].hosts[])
  HostInvalid: 'The host is not a valid lower-case DNS name (RFC 1123); the rule is ignored.',
  HostIsIpAddress: 'The host is an IP address, which Ingress does not allow; the rule is ignored.',
  HostWildcardAlone: 'The host is "*" alone; leave the host empty to match every host. The rule is ignored.',
  HostNotAscii: 'The host has non-ASCII characters; write it in punycode (xn--...). The rule is ignored.',

  // Paths (spec.rules[].http.paths[])
  PathInvalid: 'The path is not absolute, or has dot segments, an encoded slash or control characters; it is ignored.',
  PathRegexLike: 'The path contains regular-expression characters, which sluice never interprets; it is ignored.',
  PathTooLong: 'The path is longer than 2048 characters; it is ignored.',
  PathTypeMissing: 'pathType is required (Exact, Prefix or ImplementationSpecific); the path is ignored.',
  PathTypeInvalid: 'pathType is not Exact, Prefix or ImplementationSpecific; the path is ignored.',
  RouteConflict: 'The same host and path is claimed by an older Ingress (or earlier in this one), which wins.',

  // Backends
  BackendMissing: 'The path has no backend; it is ignored.',
  BackendResourceUnsupported: 'backend.resource is not supported; the route answers 503.',
  BackendServiceNameInvalid: 'backend.service.name is missing or not a valid Service name; the route answers 503.',
  BackendPortMissing: 'backend.service.port needs exactly one of number or name; the route answers 503.',
  BackendPortOutOfRange: 'backend.service.port.number is not an integer from 1 to 65535; the route answers 503.',
  BackendPortNameInvalid: 'backend.service.port.name is not a valid port name; the route answers 503.',
  ServiceNotFound: 'The Service does not exist in the Ingress namespace; the route answers 503.',
  ServicePortNotFound: 'The Service has no port with that number or name; the route answers 503.',
  ServiceExternalNameInvalid: 'The ExternalName Service has no valid spec.externalName; the route answers 503.',
  NoReadyEndpoints: 'The Service port has no ready (or serving) endpoints; the route answers 503 until it has.',

  // TLS
  TlsSecretNameMissing: 'spec.tls[].secretName is missing; the entry is ignored.',
  TlsHostConflict: 'An older Ingress already serves this TLS host with another Secret, which wins.',
  TlsSecretNotFound: 'The TLS Secret does not exist; its hosts use the default certificate.',
  TlsSecretWrongType: 'The Secret is not of type kubernetes.io/tls; its hosts use the default certificate.',
  TlsSecretDataMissing: 'The Secret lacks data["tls.crt"] or data["tls.key"]; its hosts use the default certificate.',
  TlsSecretGarbled: 'The Secret data is not valid base64 PEM; its hosts use the default certificate.',
  TlsCertificateInvalid:
    'The certificate or key does not parse, or the key does not match; its hosts use the default certificate.',
  PolicySecretNotFound:
    'A Secret an annotation names (proxy-ssl-secret, auth-secret) is missing, unreadable or in another namespace; what needs it fails closed.',
  AuthEntryRefused:
    'An htpasswd entry of an auth-secret is plaintext or of a format sluice does not check (use bcrypt); that user cannot log in.',
  ConfigMapNotFound:
    'A ConfigMap an annotation names (custom-headers, auth-proxy-set-headers) is missing or in another namespace; its headers are not set.',
  TlsHostNotInCertificate: 'The certificate does not name this host; clients will reject it. It is served anyway.',

  // Annotations (metadata.annotations["..."]): warnings, the routes still work
  AnnotationValueInvalid:
    'An annotation (or a use-regex path) has a value that cannot be read; it is ignored and the controller default is used.',
  AnnotationUnknown: 'A sluice.dev/ annotation that sluice does not know (a typo?); it is ignored.',
  AnnotationUnsupported:
    'An nginx.ingress.kubernetes.io/ annotation (or a snippet line) sluice does not support (auth-*, backend-protocol, ...); it is ignored. Snippets are never executed: configuration is data, not code.',
  AnnotationPartial:
    'An annotation sluice honours in part (e.g. the header lines of a snippet); the message says what is left out.',
  AnnotationWithoutEffect:
    'An annotation that only works with another one that is not set (e.g. cors-allow-origin without enable-cors).',
  HostMatchedAsRegex:
    "Another Ingress on the same host uses use-regex or rewrite-target, so (as in ingress-nginx) every path of the host, this one's too, matches as a case-insensitive regex prefix.",
  CanaryWithoutMain:
    'A canary Ingress path has no main (non-canary) Ingress path with the same host and path; it is ignored.',

  // Gateway API (status conditions carry the same facts; these show them on the page)
  GatewayListenerInvalid:
    'A Gateway listener cannot be served (protocol, route kinds, TLS or a conflict); the others are.',
  GatewayRouteNotAccepted: 'A route parentRef did not attach (no such listener, not allowed, no common hostname).',
  GatewayBackendInvalid:
    'A route backendRef is unusable (kind, ReferenceGrant, Service or port); its share answers 500.',
  GatewayMatchInvalid: 'A route match cannot be compiled (path, regex, header or method); that match is left out.',
  GatewayFilterUnsupported: 'A route filter sluice does not support; the rule answers 500 rather than skip it.',
  GatewayAddressUnsupported: 'A Gateway address is not an IPAddress; the Gateway is not accepted.',
  GatewayParametersInvalid:
    'A Gateway or GatewayClass parametersRef names no ConfigMap of sluice parameters (missing, another kind, an unknown key or a bad serviceType); it is not accepted (InvalidParameters), nor are the Gateways of such a class.',

  // Controller options
  DefaultBackendServiceInvalid: '--default-backend-service is not "namespace/name[:port]"; it is ignored.',
  DefaultSslCertificateInvalid: '--default-ssl-certificate is not "namespace/name"; it is ignored.',
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** Created frozen with its ref, like all routing output, so the final freeze need not walk it. */
export function problem(code: ProblemCode, object: ObjectRef, field: string, message: string): Problem {
  return Object.freeze({ code, object: Object.freeze(object), field, message });
}

/** The controller itself, for problems in its options. */
export const CONTROLLER_REF: ObjectRef = Object.freeze({ kind: 'Controller', namespace: '', name: 'options' });

export function refKey(ref: ObjectRef): string {
  return ref.namespace === '' ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** Sorted by object, then field, then code, then message; exact duplicates removed. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const sorted = [...problems].sort(
    (a, b) =>
      compareText(a.object.kind, b.object.kind) ||
      compareText(a.object.namespace, b.object.namespace) ||
      compareText(a.object.name, b.object.name) ||
      compareNatural(a.field, b.field) ||
      compareText(a.code, b.code) ||
      compareText(a.message, b.message),
  );
  const unique: Problem[] = [];
  for (const item of sorted) {
    const last = unique.at(-1);
    if (
      last !== undefined &&
      last.code === item.code &&
      last.field === item.field &&
      last.message === item.message &&
      refKey(last.object) === refKey(item.object)
    ) {
      continue;
    }
    unique.push(item);
  }
  return unique;
}
