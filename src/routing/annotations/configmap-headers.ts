// After an Ingress's annotations are read: the ConfigMaps custom-headers and auth-proxy-set-headers name are
// read into the draft (response headers to set; headers of the auth subrequest). A ConfigMap that is
// missing, in another namespace or holds a bad header is a problem on the annotation, which is then not
// applied (header-configmap.ts says how this differs from ingress-nginx).
import { qualifyConfigMap } from '../configmap-references.ts';
import { type ConfigMapLookup, readHeaderConfigMap } from '../header-configmap.ts';
import type { ProblemCode } from '../problems.ts';
import type { PolicyDraft } from './draft.ts';
import { NGINX } from './registry-types.ts';

type Status = 'supported' | 'partial' | 'unsupported' | 'invalid';
type Reporter = (name: string, status: Status, message: string, code: ProblemCode | null) => void;

export function readConfigMapHeaders(
  draft: PolicyDraft,
  namespace: string,
  configMaps: ConfigMapLookup,
  report: Reporter,
): void {
  const custom = draft.customHeadersConfigMap;
  if (custom !== null) {
    const read = readHeaderConfigMap(qualifyConfigMap(custom.name, namespace), namespace, configMaps);
    if (!read.ok) report(`${NGINX}custom-headers`, 'invalid', read.message, read.code);
    else if (read.headers.length > 0) {
      // First, so a snippet's header line of the same name wins, as its nginx line comes later in the location.
      draft.responseSet.unshift(...read.headers.map(([name, value]): [string, string] => [name, value]));
      if (draft.headersField === '') draft.headersField = custom.field;
    }
  }
  const auth = draft.authHeadersConfigMap;
  if (auth !== null && draft.externalAuth.url !== null) {
    const read = readHeaderConfigMap(qualifyConfigMap(auth.name, namespace), namespace, configMaps);
    if (!read.ok) report(`${NGINX}auth-proxy-set-headers`, 'invalid', read.message, read.code);
    else draft.authSetHeaders = [...read.headers];
  }
}
