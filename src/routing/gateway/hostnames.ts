// Listener and route hostnames (Gateway API, HTTPRoute spec.hostnames): a leading "*." matches one OR
// MORE labels (unlike Ingress), and a route's hostnames are intersected with its listener's.
// Upstream: conformance/tests/httproute-hostname-intersection.go, httproute-listener-hostname-matching.go.

/** Whether the hostname pattern `pattern` covers `host` (both lower-case; a pattern may be "*.x"). */
export function hostnameCovers(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(1); // ".x"
  if (host.startsWith('*.')) return host.length > suffix.length && host.endsWith(suffix);
  return host.length > suffix.length && host.endsWith(suffix);
}

/**
 * The hostname serving both the listener (null: any) and the route hostname: the more specific of the
 * two when one covers the other, else null. "*.example.com" ∩ "foo.example.com" = "foo.example.com".
 */
export function intersectHostname(listener: string | null, route: string): string | null {
  if (listener === null || listener === route) return route;
  if (hostnameCovers(listener, route)) return route;
  if (hostnameCovers(route, listener)) return listener;
  return null;
}

/** The hostnames a route serves on a listener; [] when none intersect (NoMatchingListenerHostname). */
export function effectiveHostnames(listener: string | null, routeHostnames: readonly string[]): string[] {
  if (routeHostnames.length === 0) return [listener ?? ''];
  const out: string[] = [];
  for (const hostname of routeHostnames) {
    const served = intersectHostname(listener, hostname);
    if (served !== null && !out.includes(served)) out.push(served);
  }
  return out;
}

/** Longer (more specific) patterns first: exact beats wildcard, "*.a.b" beats "*.b", "" (any) last. */
export function compareSpecificity(a: string, b: string): number {
  const wa = a === '' ? 2 : a.startsWith('*.') ? 1 : 0;
  const wb = b === '' ? 2 : b.startsWith('*.') ? 1 : 0;
  return wa - wb || b.length - a.length;
}

/**
 * Listener isolation (conformance/tests/gateway-http-listener-isolation.go): a request goes to the most
 * specific listener whose hostname covers its host, so a route host reached through `listener` is kept
 * only when no more specific listener on the same port covers it.
 */
export function reachableThrough(listener: string | null, host: string, siblings: readonly (string | null)[]): boolean {
  for (const other of siblings) {
    if (other === listener) continue;
    const otherPattern = other ?? '';
    const mine = listener ?? '';
    const covers = other === null || other === host || hostnameCovers(other, host);
    if (covers && compareSpecificity(otherPattern, mine) < 0) return false;
  }
  return true;
}

const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A valid Gateway hostname: lower-case DNS name, optionally "*." first; never an IP address. */
export function isGatewayHostname(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const body = text.startsWith('*.') ? text.slice(2) : text;
  const labels = body.split('.');
  if (labels.every((label) => /^[0-9]+$/.test(label))) return false;
  return labels.every((label) => LABEL.test(label));
}
