import { typeFromPath, type ResourceType } from './emulator-resources.ts';

/** One API request as RBAC sees it. */
export interface ApiCall {
  /** As RBAC spells it: get, list, watch, create, update, patch, delete. */
  readonly verb: string;
  /** The plural resource, e.g. 'ingresses'. */
  readonly resource: string;
  /** '' for the core group. */
  readonly group: string;
  /** 'status' or ''. */
  readonly subresource: string;
  /** '' for cluster-scoped requests and for lists or watches across all namespaces. */
  readonly namespace: string;
  /** '' for collections. */
  readonly name: string;
}

export interface ResourceRoute extends ApiCall {
  readonly type: ResourceType;
}

const verbByMethod: Record<string, string> = {
  GET: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/**
 * Parses `/api/v1/...` and `/apis/GROUP/VERSION/...` into a resource route, or returns undefined.
 * `namespaces/NS/` selects a namespace for namespaced kinds; otherwise `namespaces/NAME` is the Namespace itself.
 */
export function parseResourcePath(method: string, pathname: string, watch: boolean): ResourceRoute | undefined {
  const segments = pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const inner = typeFromPath(group, version, rest[2]);
    if (inner !== undefined && inner.namespaced) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const type = typeFromPath(group, version, rest[0]);
  if (type === undefined || rest.length > 3) return undefined;
  if (namespace !== '' && !type.namespaced) return undefined;
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';
  if (subresource !== '' && (subresource !== 'status' || !type.hasStatus)) return undefined;
  let verb = verbByMethod[method];
  if (verb === undefined) return undefined;
  if (method === 'GET' && name === '') verb = watch ? 'watch' : 'list';
  if (method === 'DELETE' && name === '') verb = 'deletecollection';
  if ((method === 'PUT' || method === 'PATCH') && name === '') return undefined;
  if (method === 'POST' && name !== '') return undefined;
  return { verb, resource: type.plural, group: type.group, subresource, namespace, name, type };
}
