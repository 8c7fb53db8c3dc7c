import { describe, expect, it } from 'vitest';
import { makeState, okBackend, unusableBackend } from '../../../test/support/proxy-handler-fixtures.ts';
import { NO_TRAFFIC } from '../../routing/no-traffic.ts';
import { RouteDecider, type RouteRequest } from './route-decision.ts';

const upstream = [{ address: '127.0.0.1', port: 9 }];
const defaults = { maxBodyBytes: Infinity, responseHeadersMs: 5_000 };

function target(): RouteRequest {
  return { host: '', path: '', query: '' };
}

describe('RouteDecider', () => {
  const state = makeState(
    [
      { host: 'app.test', path: '/', backend: 'default/app:80', policy: { maxBodyBytes: 10, requestTimeoutMs: 250 } },
      { host: 'secure.test', path: '/', backend: 'default/app:80', policy: { sslRedirect: true } },
      { host: 'down.test', path: '/', backend: 'default/down:80' },
    ],
    [okBackend('default/app:80', upstream), unusableBackend('default/down:80', 'no-endpoints', 'no endpoints')],
  );

  it('forwards with the route compiled once per generation: the same decision object for every request', () => {
    const decider = new RouteDecider(defaults, 443);
    const out = target();
    const first = decider.decide(state, 'APP.test', '/a/../b?x=1', false, false, out);
    expect(first.kind).toBe('forward');
    expect(out).toEqual({ host: 'app.test', path: '/b', query: '?x=1' });
    if (first.kind !== 'forward') return;
    expect(first.route.bodyLimit).toBe(10);
    expect(first.route.headersTimeoutMs).toBe(250);
    expect(first.route.requestSteps.map((step) => step.name)).toEqual(['body-limit']);
    expect(Object.isFrozen(first.route.requestSteps)).toBe(true);
    expect(decider.decide(state, 'app.test', '/c', false, false, target())).toBe(first);
    const upgrade = decider.decide(state, 'app.test', '/c', false, true, target());
    expect(upgrade.kind).toBe('upgrade');
    // A new table generation compiles anew.
    const next = makeState(
      [{ host: 'app.test', path: '/', backend: 'default/app:80' }],
      [okBackend('default/app:80', upstream)],
    );
    const later = decider.decide(next, 'app.test', '/c', false, false, target());
    expect(later).not.toBe(first);
    expect(later.kind === 'forward' && later.route.requestSteps.length).toBe(0);
  });

  it('redirects plain HTTP on an sslRedirect route, and refuses such an Upgrade instead', () => {
    const decider = new RouteDecider(defaults, 8443);
    const plain = decider.decide(state, 'secure.test', '/p?q', false, false, target());
    expect(plain).toMatchObject({ kind: 'redirect', status: 308, location: 'https://secure.test:8443/p?q' });
    const upgrade = decider.decide(state, 'secure.test', '/p', false, true, target());
    expect(upgrade).toMatchObject({ kind: 'answer', error: { status: 403 } });
    expect(decider.decide(state, 'secure.test', '/p', true, false, target()).kind).toBe('forward');
  });

  it.each([
    ['bad host', 'a b', '/', 400],
    ['bad target', 'app.test', 'x', 400],
    ['dot segment behind %2F', 'app.test', '/x/..%2Fadmin', 400],
    ['no rule', 'other.test', '/', 404],
    ['no endpoints', 'down.test', '/', 503],
  ])('answers %s with the error of the edge', (_name, host, url, status) => {
    const decision = new RouteDecider(defaults, 443).decide(state, host, url, false, false, target());
    expect(decision.kind).toBe('answer');
    expect(decision.kind === 'answer' && decision.error.status).toBe(status);
  });

  it('a route without exchange rules compiles none (nothing checked per request); one with them does', () => {
    const decider = new RouteDecider(defaults, 443);
    const plain = decider.decide(state, 'app.test', '/', false, false, target());
    expect(plain.kind === 'forward' && plain.route.exchangeRules).toBe(null);
    const timed = makeState(
      [
        {
          host: 'app.test',
          path: '/',
          backend: 'default/app:80',
          policy: { traffic: { ...NO_TRAFFIC, timeouts: { connectMs: 1000, sendMs: null, field: '' } } },
        },
      ],
      [okBackend('default/app:80', upstream)],
    );
    const decision = decider.decide(timed, 'app.test', '/', false, false, target());
    expect(decision.kind === 'forward' && decision.route.exchangeRules).toEqual({
      connectMs: 1000,
      sendMs: 0,
      bufferRequest: false,
      errorPages: null,
      serviceUnusable: false,
    });
  });

  it('default-backend: a route whose Service has no ready endpoints forwards there, while it has some', () => {
    const errors = { key: 'default/errors:*', namespace: 'default', service: 'errors', port: '*', defect: null };
    const policy = { traffic: { ...NO_TRAFFIC, errorBackend: errors } };
    const routes = [{ host: 'down.test', path: '/', backend: 'default/down:80', policy }];
    const down = unusableBackend('default/down:80', 'no-endpoints', 'no endpoints');
    const ready = { ...okBackend('default/errors:80', upstream), key: 'default/errors:*' };
    const decision = new RouteDecider(defaults, 443).decide(
      makeState(routes, [down, ready]),
      'down.test',
      '/',
      false,
      false,
      target(),
    );
    expect(decision.kind === 'forward' && decision.backend.key).toBe('default/errors:*');
    const empty = unusableBackend('default/errors:*', 'no-endpoints', 'no endpoints');
    const refused = new RouteDecider(defaults, 443).decide(
      makeState(routes, [down, empty]),
      'down.test',
      '/',
      false,
      false,
      target(),
    );
    expect(refused).toMatchObject({ kind: 'answer', error: { status: 503 } });
  });

  it('default-backend: a route whose Service is missing forwards error pages there; its Upgrades keep the 503', () => {
    const errors = { key: 'default/errors:*', namespace: 'default', service: 'errors', port: '*', defect: null };
    const policy = { traffic: { ...NO_TRAFFIC, errorBackend: errors } };
    const routes = [{ host: 'gone.test', path: '/', backend: 'default/gone:80', policy }];
    const gone = unusableBackend('default/gone:80', 'no-service', 'service default/gone not found');
    const ready = { ...okBackend('default/errors:80', upstream), key: 'default/errors:*' };
    const missing = makeState(routes, [gone, ready]);
    const decider = new RouteDecider(defaults, 443);
    const forward = decider.decide(missing, 'gone.test', '/', false, false, target());
    expect(forward.kind === 'forward' && forward.route.exchangeRules?.serviceUnusable).toBe(true);
    expect(forward.kind === 'forward' && forward.route.exchangeRules?.errorPages?.serviceName).toBe('gone');
    expect(decider.decide(missing, 'gone.test', '/', false, true, target())).toMatchObject({ kind: 'answer' });
  });
});
