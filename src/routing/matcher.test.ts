import { describe, expect, it } from 'vitest';
import { compileMatcher } from './matcher.ts';
import {
  backendOf,
  exact,
  prefix,
  specific,
  tableOf,
  CONTROLLER_DEFAULT_SERVICE,
} from '../../test/support/routing-matcher-fixtures.ts';
import type { IngressSpec, PathSpec } from '../../test/support/routing-matcher-fixtures.ts';
import type { Match } from './types.ts';

/** The Service a match sends to, or '404'. */
function serviceOf(match: Match | null): string {
  if (match === null) return '404';
  const backend = match.target.backend;
  return backend.slice(backend.indexOf('/') + 1, backend.lastIndexOf(':'));
}

function matcherFor(ingresses: readonly IngressSpec[], options: { controllerDefault?: boolean } = {}) {
  return compileMatcher(tableOf(ingresses, options));
}

describe('Kubernetes docs: path matching examples', () => {
  // https://kubernetes.io/docs/concepts/services-networking/ingress/#examples — every row, with the
  // Ingress's defaultBackend standing for "no match".
  const rows: ReadonlyArray<readonly [string, readonly PathSpec[], string, string]> = [
    ['Prefix / matches all paths', [prefix('/', 'root')], '/any/path', 'root'],
    ['Exact /foo matches /foo', [exact('/foo', 'foo')], '/foo', 'foo'],
    ['Exact /foo does not match /bar', [exact('/foo', 'foo')], '/bar', 'no-match'],
    ['Exact /foo does not match /foo/', [exact('/foo', 'foo')], '/foo/', 'no-match'],
    ['Exact /foo/ does not match /foo', [exact('/foo/', 'foo')], '/foo', 'no-match'],
    ['Prefix /foo matches /foo', [prefix('/foo', 'foo')], '/foo', 'foo'],
    ['Prefix /foo matches /foo/', [prefix('/foo', 'foo')], '/foo/', 'foo'],
    ['Prefix /foo/ matches /foo', [prefix('/foo/', 'foo')], '/foo', 'foo'],
    ['Prefix /foo/ matches /foo/', [prefix('/foo/', 'foo')], '/foo/', 'foo'],
    ['Prefix /aaa/bb does not match /aaa/bbb', [prefix('/aaa/bb', 'bb')], '/aaa/bbb', 'no-match'],
    ['Prefix /aaa/bbb matches /aaa/bbb', [prefix('/aaa/bbb', 'bbb')], '/aaa/bbb', 'bbb'],
    ['Prefix /aaa/bbb/ matches /aaa/bbb (rule slash ignored)', [prefix('/aaa/bbb/', 'bbb')], '/aaa/bbb', 'bbb'],
    ['Prefix /aaa/bbb matches /aaa/bbb/ (request slash ignored)', [prefix('/aaa/bbb', 'bbb')], '/aaa/bbb/', 'bbb'],
    ['Prefix /aaa/bbb matches /aaa/bbb/ccc (subpath)', [prefix('/aaa/bbb', 'bbb')], '/aaa/bbb/ccc', 'bbb'],
    [
      'Prefix /aaa/bbb does not match /aaa/bbbxyz (string prefix only)',
      [prefix('/aaa/bbb', 'bbb')],
      '/aaa/bbbxyz',
      'no-match',
    ],
    ['Prefix /, /aaa: /aaa/ccc → /aaa', [prefix('/', 'root'), prefix('/aaa', 'aaa')], '/aaa/ccc', 'aaa'],
    [
      'Prefix /, /aaa, /aaa/bbb: /aaa/bbb → /aaa/bbb',
      [prefix('/', 'root'), prefix('/aaa', 'aaa'), prefix('/aaa/bbb', 'bbb')],
      '/aaa/bbb',
      'bbb',
    ],
    [
      'Prefix /, /aaa, /aaa/bbb: /ccc → /',
      [prefix('/', 'root'), prefix('/aaa', 'aaa'), prefix('/aaa/bbb', 'bbb')],
      '/ccc',
      'root',
    ],
    ['Prefix /aaa: /ccc → default backend', [prefix('/aaa', 'aaa')], '/ccc', 'no-match'],
    [
      'Exact /foo and Prefix /foo: /foo → Exact',
      [prefix('/foo', 'foo-prefix'), exact('/foo', 'foo-exact')],
      '/foo',
      'foo-exact',
    ],
  ];

  it.each(rows)('%s', (_name, paths, request, expected) => {
    const matcher = matcherFor([{ name: 'docs', defaultBackend: 'no-match', rules: [{ host: 'example.com', paths }] }]);
    const match = matcher.match('example.com', request);
    expect(serviceOf(match)).toBe(expected);
    expect(match?.kind).toBe(expected === 'no-match' ? 'host-default' : 'path');
  });
});

describe('conformance: host_rules', () => {
  const matcher = matcherFor([
    {
      name: 'host-rules',
      rules: [
        { host: '*.foo.com', paths: [prefix('/', 'wildcard-foo-com')] },
        { host: 'foo.bar.com', paths: [prefix('/', 'foo-bar-com')] },
      ],
    },
  ]);
  it.each([
    ['foo.bar.com', 'foo-bar-com', 'host foo.bar.com matches request foo.bar.com'],
    ['subdomain.bar.com', '404', 'host foo.bar.com does not match request subdomain.bar.com'],
    ['bar.foo.com', 'wildcard-foo-com', 'wildcard matches on a shared suffix'],
    ['baz.bar.foo.com', '404', 'wildcard covers a single DNS label only'],
    ['foo.com', '404', 'wildcard does not match no label'],
  ])('%s → %s (%s)', (host, expected) => {
    expect(serviceOf(matcher.match(host, '/'))).toBe(expected);
  });
});

describe('conformance: path_rules', () => {
  const matcher = matcherFor([
    {
      name: 'path-rules',
      rules: [
        { host: 'exact-path-rules', paths: [exact('/foo', 'foo-exact')] },
        {
          host: 'prefix-path-rules',
          paths: [
            prefix('/foo', 'foo-prefix'),
            prefix('/aaa/bbb', 'aaa-slash-bbb-prefix'),
            prefix('/aaa', 'aaa-prefix'),
          ],
        },
        { host: 'mixed-path-rules', paths: [prefix('/foo', 'foo-prefix'), exact('/foo', 'foo-exact')] },
        {
          host: 'trailing-slash-path-rules',
          paths: [prefix('/aaa/bbb/', 'aaa-slash-bbb-slash-prefix'), exact('/foo/', 'foo-slash-exact')],
        },
      ],
    },
  ]);
  it.each([
    ['exact-path-rules', '/foo', 'foo-exact'],
    ['exact-path-rules', '/foo/', '404'],
    ['exact-path-rules', '/FOO', '404'],
    ['exact-path-rules', '/bar', '404'],
    ['prefix-path-rules', '/foo', 'foo-prefix'],
    ['prefix-path-rules', '/foo/', 'foo-prefix'],
    ['prefix-path-rules', '/FOO', '404'],
    ['prefix-path-rules', '/aaa/bbb', 'aaa-slash-bbb-prefix'],
    ['prefix-path-rules', '/aaa/bbb/ccc', 'aaa-slash-bbb-prefix'],
    ['prefix-path-rules', '/aaa/ccc', 'aaa-prefix'],
    ['prefix-path-rules', '/aaaccc', '404'],
    ['mixed-path-rules', '/foo', 'foo-exact'],
    ['trailing-slash-path-rules', '/aaa/bbb', 'aaa-slash-bbb-slash-prefix'],
    ['trailing-slash-path-rules', '/aaa/bbb/', 'aaa-slash-bbb-slash-prefix'],
    ['trailing-slash-path-rules', '/foo', '404'],
  ])('%s %s → %s', (host, path, expected) => {
    expect(serviceOf(matcher.match(host, path))).toBe(expected);
  });
});

describe('conformance: default_backend', () => {
  const matcher = matcherFor([{ name: 'default-backend', defaultBackend: 'echo-service' }]);
  it.each([
    ['my-host', '/'],
    ['my-host', '/sub-path'],
    ['some-host', '/'],
    ['', '/resource'],
    ['some-host', '/resource'],
    ['my-host', '/resource'],
  ])('host %j path %s → echo-service', (host, path) => {
    const match = matcher.match(host, path);
    expect(serviceOf(match)).toBe('echo-service');
    expect(match?.kind).toBe('default');
    expect(match?.host).toBeNull();
  });
});

describe('host precedence', () => {
  const matcher = matcherFor([
    {
      name: 'hosts',
      rules: [
        { host: 'a.example.com', paths: [prefix('/', 'exact-host')] },
        { host: '*.example.com', paths: [prefix('/', 'wildcard-host'), prefix('/only-wildcard', 'wildcard-only')] },
        { paths: [prefix('/', 'any-host'), prefix('/only-any', 'any-only')] },
      ],
    },
  ]);

  it('prefers the exact host, then the wildcard, then the host-less rules', () => {
    expect(serviceOf(matcher.match('a.example.com', '/x'))).toBe('exact-host');
    expect(serviceOf(matcher.match('b.example.com', '/x'))).toBe('wildcard-host');
    expect(serviceOf(matcher.match('example.com', '/x'))).toBe('any-host');
    expect(serviceOf(matcher.match('c.b.example.com', '/x'))).toBe('any-host');
    expect(serviceOf(matcher.match('', '/x'))).toBe('any-host');
  });

  it('never falls through to a less specific host once a host rule set is chosen', () => {
    const narrow = matcherFor([
      {
        name: 'narrow',
        rules: [
          { host: 'a.example.com', paths: [exact('/exact', 'exact-host')] },
          { host: '*.example.com', paths: [prefix('/', 'wildcard-host')] },
          { paths: [prefix('/', 'any-host')] },
        ],
      },
    ]);
    expect(narrow.match('a.example.com', '/other')).toBeNull();
    expect(serviceOf(narrow.match('b.example.com', '/other'))).toBe('wildcard-host');
    expect(serviceOf(matcher.match('b.example.com', '/only-any'))).toBe('wildcard-host');
  });

  it('merges one host across Ingresses, the oldest winning an identical path', () => {
    const merged = matcherFor([
      {
        name: 'young',
        created: '2024-06-01T00:00:00Z',
        rules: [{ host: 'm.com', paths: [prefix('/api', 'young-api'), prefix('/web', 'web')] }],
      },
      { name: 'old', created: '2024-01-01T00:00:00Z', rules: [{ host: 'm.com', paths: [prefix('/api', 'old-api')] }] },
    ]);
    expect(serviceOf(merged.match('m.com', '/api/v1'))).toBe('old-api');
    expect(serviceOf(merged.match('m.com', '/web'))).toBe('web');
  });

  it('treats ImplementationSpecific as Prefix', () => {
    const m = matcherFor([{ name: 'is', rules: [{ host: 'i.com', paths: [specific('/docs', 'docs')] }] }]);
    expect(serviceOf(m.match('i.com', '/docs/intro'))).toBe('docs');
    expect(m.match('i.com', '/docsx')).toBeNull();
  });
});

describe('default backends (routing-semantics §4)', () => {
  const ingresses: IngressSpec[] = [
    {
      name: 'with-default',
      created: '2024-02-01T00:00:00Z',
      defaultBackend: 'own-default',
      rules: [{ host: 'own.com', paths: [exact('/x', 'x')] }],
    },
    {
      name: 'without-default',
      created: '2024-03-01T00:00:00Z',
      rules: [{ host: 'bare.com', paths: [exact('/x', 'x')] }],
    },
  ];

  it('host matched, no path: the contributing Ingress default backend', () => {
    const match = matcherFor(ingresses).match('own.com', '/nope');
    expect(match?.kind).toBe('host-default');
    expect(serviceOf(match)).toBe('own-default');
    expect(match?.host?.host).toBe('own.com');
  });

  it('host matched, no path, no Ingress default: the controller default, else 404', () => {
    expect(serviceOf(matcherFor(ingresses, { controllerDefault: true }).match('bare.com', '/nope'))).toBe('fallback');
    expect(matcherFor(ingresses).match('bare.com', '/nope')).toBeNull();
  });

  it('host matched nothing: the oldest Ingress default backend, else the controller default, else 404', () => {
    expect(serviceOf(matcherFor(ingresses).match('unknown.com', '/'))).toBe('own-default');
    const bare = [ingresses[1]];
    const fallback = matcherFor(bare, { controllerDefault: true }).match('unknown.com', '/');
    expect(fallback?.target.backend).toBe(`${CONTROLLER_DEFAULT_SERVICE}:80`);
    expect(fallback?.kind).toBe('default');
    expect(matcherFor(bare).match('unknown.com', '/')).toBeNull();
  });
});

describe('matching details', () => {
  const matcher = matcherFor([
    {
      name: 'details',
      rules: [
        {
          host: 'd.com',
          paths: [
            prefix('/a', 'a'),
            prefix('/a/b/c', 'abc'),
            exact('/a/b', 'ab-exact'),
            prefix('/%7Euser', 'tilde'),
            prefix('/enc', 'enc'),
          ],
        },
      ],
    },
  ]);

  it('returns the same frozen Match object for the same rule', () => {
    const first = matcher.match('d.com', '/a/x');
    const second = matcher.match('d.com', '/a/y/z');
    expect(first).toBe(second);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first?.route?.path).toBe('/a');
    expect(first?.target.backend).toBe(backendOf('a'));
  });

  it('compares rule paths in normalised form', () => {
    expect(serviceOf(matcher.match('d.com', '/~user/home'))).toBe('tilde');
  });

  it('never treats an encoded slash as a segment boundary', () => {
    expect(serviceOf(matcher.match('d.com', '/enc/slash'))).toBe('enc');
    expect(matcher.match('d.com', '/enc%2Fslash')).toBeNull();
  });

  it('takes the deepest prefix and ignores request segments past it', () => {
    expect(serviceOf(matcher.match('d.com', '/a/b/c/d/e/f/g/h'))).toBe('abc');
    expect(serviceOf(matcher.match('d.com', '/a/b/cd'))).toBe('a');
    expect(serviceOf(matcher.match('d.com', '/a/b'))).toBe('ab-exact');
    expect(serviceOf(matcher.match('d.com', '/a/b/'))).toBe('a');
  });

  it('keeps empty segments significant inside the path', () => {
    const m = matcherFor([
      { name: 'dbl', rules: [{ host: 's.com', paths: [prefix('/a//b', 'double'), prefix('/a', 'a')] }] },
    ]);
    expect(serviceOf(m.match('s.com', '/a//b/c'))).toBe('double');
    expect(serviceOf(m.match('s.com', '/a/b/c'))).toBe('a');
  });

  it('never throws on odd input', () => {
    for (const [host, path] of [
      ['', ''],
      ['d.com', ''],
      ['d.com', 'a'],
      ['.', '//'],
      ['d.com', '/'.repeat(10_000)],
    ]) {
      expect(() => matcher.match(host, path)).not.toThrow();
      expect(() => matcher.explain(host, path)).not.toThrow();
    }
  });

  it('compiles an empty table', () => {
    const empty = compileMatcher({ hosts: [], defaultBackend: null });
    expect(empty.match('x.com', '/')).toBeNull();
    expect(empty.explain('x.com', '/')).toEqual({
      host: 'x.com',
      path: '/',
      match: null,
      hostMatch: 'none',
      passedOver: [],
    });
  });
});

describe('explain', () => {
  const matcher = matcherFor([
    {
      name: 'shop',
      rules: [
        {
          host: 'shop.com',
          paths: [
            exact('/cart', 'cart'),
            exact('/api/', 'api-slash'),
            prefix('/api', 'api'),
            prefix('/api/v1', 'v1'),
            prefix('/apix', 'apix'),
          ],
        },
        { host: '*.com', paths: [prefix('/', 'wild-com')] },
        { host: '*.shop.com', paths: [prefix('/', 'wild-shop')] },
        { host: 'other.com', paths: [prefix('/', 'other')] },
        { paths: [prefix('/', 'anyhost')] },
      ],
    },
  ]);

  function reasons(host: string, path: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of matcher.explain(host, path).passedOver)
      out[`${c.host} ${c.pathType ?? '-'} ${c.path ?? '-'}`] = c.reason;
    return out;
  }

  it('names the chosen rule and why every other path of the host lost', () => {
    const explanation = matcher.explain('shop.com', '/api/v1/items');
    expect(explanation.hostMatch).toBe('exact');
    expect(explanation.match).toBe(matcher.match('shop.com', '/api/v1/items'));
    expect(explanation.match?.route?.path).toBe('/api/v1');
    expect(reasons('shop.com', '/api/v1/items')).toEqual({
      'shop.com Exact /cart': 'exact path differs',
      'shop.com Exact /api/': 'exact path differs',
      'shop.com Prefix /api': 'shorter prefix than the chosen one',
      'shop.com Prefix /apix': 'prefix does not match',
      '*.com - -': 'an exact host rule was chosen',
      '*.shop.com - -': 'wildcard needs exactly one label before its suffix',
      'other.com - -': 'host does not match',
      ' - -': 'an exact host rule was chosen',
    });
  });

  it('explains segment boundaries, trailing slashes and exact-first', () => {
    const r = reasons('shop.com', '/api');
    expect(r['shop.com Prefix /apix']).toBe('prefix does not match');
    expect(r['shop.com Exact /api/']).toBe('exact path differs (a trailing slash is significant)');
    expect(reasons('shop.com', '/apixyz')['shop.com Prefix /api']).toBe('prefix does not match at a segment boundary');
    expect(reasons('shop.com', '/api/')['shop.com Prefix /api']).toBe('an exact path matched first');
  });

  it('explains one-label wildcards', () => {
    const explanation = matcher.explain('a.b.shop.com', '/');
    expect(explanation.hostMatch).toBe('any');
    expect(reasons('a.b.shop.com', '/')['*.shop.com - -']).toBe('wildcard matches one label only');
    expect(matcher.explain('x.shop.com', '/').hostMatch).toBe('wildcard');
    expect(reasons('x.shop.com', '/')[' - -']).toBe('a wildcard host rule was chosen');
  });

  it('reports the host default and a miss', () => {
    const m = matcherFor([
      { name: 'm', defaultBackend: 'dflt', rules: [{ host: 'm.com', paths: [exact('/x', 'x')] }] },
    ]);
    const hostDefault = m.explain('m.com', '/y');
    expect(hostDefault.match?.kind).toBe('host-default');
    expect(hostDefault.match).toBe(m.match('m.com', '/y'));
    const miss = m.explain('n.com', '/y');
    expect(miss.hostMatch).toBe('none');
    expect(miss.match?.kind).toBe('default');
    expect(miss.passedOver.map((c) => c.reason)).toEqual(['host does not match']);
    expect(Object.isFrozen(miss)).toBe(true);
  });

  it('lists only related hosts once the table is large', () => {
    const many: IngressSpec[] = Array.from({ length: 150 }, (_, i) => ({
      name: `site-${i}`,
      rules: [{ host: `site-${i}.com`, paths: [prefix('/', `s${i}`)] }],
    }));
    many.push({ name: 'wild', rules: [{ host: '*.x.com', paths: [prefix('/', 'wild')] }] });
    const large = matcherFor(many);
    const explanation = large.explain('a.b.x.com', '/');
    expect(explanation.match).toBeNull();
    expect(explanation.passedOver.map((c) => `${c.host}: ${c.reason}`)).toEqual([
      '*.x.com: wildcard matches one label only',
    ]);
    expect(large.explain('site-7.com', '/').passedOver).toEqual([]);
  });
});
