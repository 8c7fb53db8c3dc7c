// ingress-nginx's default-backend annotation: its Service answers the route's custom-http-errors, and the
// route's requests while the route's own Service has no ready endpoints; so a route that names one puts it
// in the endpoint index (and a missing Service or port is a problem on the Ingress).

import type { BackendUser } from './build.ts';
import type { ObjectRef, RoutePolicy } from './types.ts';

const ERROR_BACKEND_FIELD = 'metadata.annotations["nginx.ingress.kubernetes.io/default-backend"]';

export function useErrorBackend(policy: RoutePolicy, source: ObjectRef, user: BackendUser): void {
  const ref = policy.traffic?.errorBackend;
  if (ref !== undefined && ref !== null) user.use(ref, source, ERROR_BACKEND_FIELD);
}
