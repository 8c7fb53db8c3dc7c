// The indexed lookup of an ordered host gives the same answer as walking its routes in order and taking
// the first whose path and conditions hold (HTTPRoute precedence, conformance/tests/httproute-path-match-order.go).

import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeInspector } from '../../../test/support/routing-build-fixtures.ts';
import {
  CONTROLLER,
  gateway,
  gatewaySnapshot,
  httpRoute,
  ourClass,
} from '../../../test/support/routing-gateway-fixtures.ts';
import { compileMatcher } from '../matcher.ts';
import { prefixKey, prefixKeyMatches, rulePathKey } from '../path-rule-key.ts';
import type { PathRoute, RequestFacts } from '../types.ts';
import { buildGateway } from './build-gateway.ts';

const segment = fc.constantFrom('a', 'b', 'ab', 'c');
const pathArb = fc
  .array(segment, { maxLength: 3 })
  .chain((parts) => fc.constantFrom(`/${parts.join('/')}`, `/${parts.join('/')}/`));
const matchArb = fc.record({
  type: fc.constantFrom('Exact', 'PathPrefix'),
  value: pathArb,
  header: fc.boolean(),
});

function facts(withHeader: boolean): RequestFacts {
  return { method: 'GET', header: (name) => (withHeader && name === 'x' ? '1' : undefined), query: () => undefined };
}

/** The plain reading: the first route, in order, whose path and header condition hold. */
function walk(routes: readonly PathRoute[], path: string, withHeader: boolean): PathRoute | null {
  for (const route of routes) {
    const pathOk =
      route.match === 'exact' ? rulePathKey(route.path) === path : prefixKeyMatches(prefixKey(route.path), path);
    const headerOk = (route.conditions?.headers ?? []).every(() => withHeader);
    if (pathOk && headerOk) return route;
  }
  return null;
}

describe('ordered host lookup', () => {
  it('equals the in-order walk for any rules and request', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(matchArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        fc.array(pathArb, { minLength: 1, maxLength: 8 }),
        (rules, paths) => {
          const route = httpRoute('r', {
            parentRefs: [{ name: 'gw' }],
            rules: rules.map((matches) => ({
              matches: matches.map((m) => ({
                path: { type: m.type, value: m.value },
                ...(m.header ? { headers: [{ name: 'x', value: '1' }] } : {}),
              })),
            })),
          });
          const result = buildGateway(
            gatewaySnapshot([ourClass, gateway('gw', [{ name: 'http', port: 80, protocol: 'HTTP' }]), route]),
            {
              controllerName: CONTROLLER,
              inspectCertificate: fakeInspector,
            },
          );
          const table = result.listeners[0].table;
          const matcher = compileMatcher(table);
          for (const path of paths) {
            for (const withHeader of [false, true]) {
              const expected = walk(table.hosts[0].routes, path, withHeader);
              expect(matcher.match('h.example', path, facts(withHeader))?.route ?? null).toBe(expected);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
