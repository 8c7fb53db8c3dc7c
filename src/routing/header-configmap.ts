// A ConfigMap of headers (custom-headers, auth-proxy-set-headers): each data key is a header name, its value
// the header's value. Read once per translation into frozen [name, value] pairs, so the edge never reads
// the cluster. As ingress-nginx (annotations/customheaders/main.go, authreq/main.go), one bad header name
// refuses the whole ConfigMap; unlike ingress-nginx, which then answers 503 on the route (LocationDenied),
// sluice serves the route without those headers and reports the problem.
import { isRecord, readRecord } from './kube-read.ts';
import type { Named } from './object-index.ts';
import type { ProblemCode } from './problems.ts';

/** The ConfigMaps a translation may read, by "namespace/name". */
export type ConfigMapLookup = Pick<ReadonlyMap<string, Named>, 'get'>;

export const NO_CONFIGMAPS: ConfigMapLookup = { get: () => undefined };

/** More headers than this in one ConfigMap refuse it: a header list, not a data store. */
export const MAX_CONFIGMAP_HEADERS = 64;
/** A value longer than this refuses the ConfigMap (headers that large break clients and proxies). */
export const MAX_HEADER_VALUE_LENGTH = 4096;

/** ingress-nginx's rule for these names (customheaders.ValidHeader): letters, digits, '-' and '_'. */
const HEADER_NAME = /^[A-Za-z0-9_-]{1,256}$/;

export type HeaderMapRead =
  | { readonly ok: true; readonly headers: readonly (readonly [string, string])[] }
  | { readonly ok: false; readonly code: ProblemCode; readonly message: string };

function refuse(code: ProblemCode, message: string): HeaderMapRead {
  return { ok: false, code, message };
}

/** A header value is visible ASCII, spaces, tabs or latin-1 text: never a line break or control character. */
function isValue(value: string): boolean {
  if (value.length > MAX_HEADER_VALUE_LENGTH) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f || code > 0xff) return false;
  }
  return true;
}

/** The headers of ConfigMap `key` ("namespace/name", in `namespace`), or why it is refused. */
export function readHeaderConfigMap(key: string, namespace: string, configMaps: ConfigMapLookup): HeaderMapRead {
  if (!key.startsWith(`${namespace}/`))
    return refuse(
      'ConfigMapNotFound',
      `ConfigMap ${key} is in another namespace; only ConfigMaps in ${namespace} are read`,
    );
  const named = configMaps.get(key);
  if (named === undefined) return refuse('ConfigMapNotFound', `ConfigMap ${key} not found; no header is set`);
  const binary = readRecord(named.object, 'binaryData');
  if (binary !== null && isRecord(binary) && Object.keys(binary).length > 0)
    return refuse(
      'AnnotationValueInvalid',
      `ConfigMap ${key} has binaryData (key ${JSON.stringify(Object.keys(binary)[0].slice(0, 64))}); header values belong in data; no header is set`,
    );
  const data = readRecord(named.object, 'data');
  if (data === null || !isRecord(data)) return { ok: true, headers: Object.freeze([]) };
  const entries = Object.entries(data).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (entries.length > MAX_CONFIGMAP_HEADERS)
    return refuse(
      'AnnotationValueInvalid',
      `ConfigMap ${key} has ${entries.length} keys, over ${MAX_CONFIGMAP_HEADERS}; no header is set`,
    );
  const headers: (readonly [string, string])[] = [];
  for (const [name, value] of entries) {
    const shown = JSON.stringify(name.slice(0, 64));
    if (!HEADER_NAME.test(name))
      return refuse('AnnotationValueInvalid', `ConfigMap ${key} key ${shown} is not a header name; no header is set`);
    if (typeof value !== 'string' || !isValue(value))
      return refuse(
        'AnnotationValueInvalid',
        `ConfigMap ${key} key ${shown} has a value that is not a header value (control characters, or over ${MAX_HEADER_VALUE_LENGTH} characters); no header is set`,
      );
    headers.push(Object.freeze([name.toLowerCase(), value] as const));
  }
  return { ok: true, headers: Object.freeze(headers) };
}
