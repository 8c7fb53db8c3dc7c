// How a path rule is compared with a normalised request path. Rule paths go through the same
// normalisation as requests (so `/%7Euser` and `/~user` are one rule); a Prefix rule is then keyed
// without its trailing slash, because a trailing slash is ignored on both sides (routing-semantics §3).

import { normalizeRequestPath } from './request-path.ts';

/** The rule path as requests are compared with it; an unnormalisable path is kept as written. */
export function rulePathKey(path: string): string {
  return normalizeRequestPath(path) ?? path;
}

/** The key of a Prefix rule, without trailing slashes: `/` → '', `/foo/` → `/foo`, `/a//b//` → `/a//b`. */
export function prefixKey(path: string): string {
  const key = rulePathKey(path);
  let end = key.length;
  while (end > 0 && key.charCodeAt(end - 1) === 0x2f) end--;
  return end === key.length ? key : key.slice(0, end);
}

/** Segments of a prefix key: '' → 0, `/foo` → 1, `/a//b` → 3 (an empty segment counts inside a path). */
export function prefixSegmentCount(key: string): number {
  let count = 0;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) === 0x2f) count++;
  return count;
}

/**
 * Whether a Prefix rule keyed `key` matches the request path element-wise. The plain version, for
 * explain and tests; the matcher scans all prefixes of the path at once instead.
 */
export function prefixKeyMatches(key: string, path: string): boolean {
  if (key.length === 0) return true;
  if (!path.startsWith(key)) return false;
  return path.length === key.length || path.charCodeAt(key.length) === 0x2f;
}
