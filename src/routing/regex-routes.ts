// The matcher's path lookup for a host matched as regex (HostRules.regex): every route's path is a
// case-insensitive RE2 pattern anchored at the start; the first that matches, longest path first
// (ties: the greater path first), wins, as ingress-nginx orders its locations (controller.go sorts
// them by path descending, then stably by length descending). re2js is linear-time in the path.

import type { RE2JS } from 're2js';
import { compileRoutePattern } from './regex-path.ts';
import type { Match, PathRoute } from './types.ts';

interface RegexRoute {
  readonly pattern: RE2JS;
  readonly match: Match;
}

function compareRegexOrder(a: PathRoute, b: PathRoute): number {
  return b.path.length - a.path.length || (a.path > b.path ? -1 : a.path < b.path ? 1 : 0);
}

/** A literal path of another Ingress is taken as a pattern too (as nginx does), quoted only if RE2 refuses it. */
function patternOf(path: string): RE2JS {
  try {
    return compileRoutePattern(path);
  } catch {
    return compileRoutePattern(path.replaceAll(/[\\^$.|?*+()[\]{}]/g, '\\$&'));
  }
}

export class RegexRoutes {
  readonly #routes: RegexRoute[] = [];

  /** `matches[i]` is the Match of `routes[i]`. */
  constructor(routes: readonly PathRoute[], matches: readonly Match[]) {
    const order = routes.map((route, index) => ({ route, index }));
    order.sort((a, b) => compareRegexOrder(a.route, b.route) || a.index - b.index);
    for (const { route, index } of order) this.#routes.push({ pattern: patternOf(route.path), match: matches[index] });
  }

  match(path: string): Match | null {
    for (const route of this.#routes) if (route.pattern.test(path)) return route.match;
    return null;
  }
}
