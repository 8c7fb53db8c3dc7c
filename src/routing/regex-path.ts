// Regex paths (ingress-nginx use-regex / rewrite-target): RE2 syntax on re2js, a linear-time engine,
// so no pattern and no request can make matching slow. As ingress-nginx writes them into nginx
// (`location ~* "^<path>"`, internal/ingress/controller/template/template.go buildLocation), they are
// case-insensitive and anchored at the start only.

import { RE2JS } from 're2js';

const MAX_PATTERN = 2048;

export type RegexPathCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

export function checkRegexPath(path: string): RegexPathCheck {
  if (!path.startsWith('/')) return { ok: false, message: 'a use-regex path must start with "/"' };
  if (path.length > MAX_PATTERN)
    return { ok: false, message: `a use-regex path must be at most ${MAX_PATTERN} characters` };
  try {
    compileRoutePattern(path);
    return { ok: true };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      message: `${JSON.stringify(path.slice(0, 64))} is not an RE2 regular expression (${why}); the path is ignored`,
    };
  }
}

/** The path as the matcher and the rewrite run it. Throws on a pattern checkRegexPath refused. */
export function compileRoutePattern(path: string): RE2JS {
  return RE2JS.compile(`^(?:${path})`, RE2JS.CASE_INSENSITIVE);
}
