// Canary Ingresses (ingress-nginx canary-*): their paths do not claim anything of their own; each is
// attached to the main Ingress's rule with the same host and path, as an alternative backend chosen
// by header, then cookie, then weight (docs/user-guide/nginx-configuration/annotations.md#canary).
// A canary path without such a main rule is reported and ignored, as ingress-nginx ignores it.

import type { IngressDraft, RouteDraft } from './ingress-translate.ts';
import type { Canary } from './policy-types.ts';
import { problem } from './problems.ts';
import type { Problem } from './types.ts';

function keyOf(route: RouteDraft): string {
  return `${route.host}\n${route.path}`;
}

export class CanaryIndex {
  /** Oldest canary first wins a host and path. */
  readonly #byKey = new Map<string, RouteDraft>();
  readonly #used = new Set<RouteDraft>();

  /** `drafts` sorted oldest first. */
  constructor(drafts: readonly IngressDraft[]) {
    for (const draft of drafts)
      for (const route of draft.routes) if (!this.#byKey.has(keyOf(route))) this.#byKey.set(keyOf(route), route);
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** The canary of a main route, or null. */
  take(main: RouteDraft): Canary | null {
    const route = this.#byKey.get(keyOf(main));
    if (route === undefined) return null;
    this.#used.add(route);
    const settings = route.ingress.policy.canary!;
    return Object.freeze({
      backend: route.backend.key,
      source: route.ingress.named.ref,
      field: route.field,
      header:
        settings.header === null
          ? null
          : Object.freeze({ name: settings.header, value: settings.headerValue, pattern: settings.headerPattern }),
      cookie: settings.cookie,
      weight: Math.min(settings.weight, settings.weightTotal),
      weightTotal: settings.weightTotal,
    });
  }

  /** The canary route a main route took, for backend resolution. */
  routeOf(main: RouteDraft): RouteDraft | undefined {
    return this.#byKey.get(keyOf(main));
  }

  reportUnused(problems: Problem[]): void {
    for (const route of this.#byKey.values()) {
      if (this.#used.has(route)) continue;
      const host = route.host === '' ? 'any host' : `host "${route.host}"`;
      problems.push(
        problem(
          'CanaryWithoutMain',
          route.ingress.named.ref,
          `${route.field}.path`,
          `no main Ingress serves ${host} path "${route.path}"; this canary path is ignored`,
        ),
      );
    }
  }
}
