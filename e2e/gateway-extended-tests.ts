/**
 * Extended conformance tests of the GATEWAY-HTTP profile (kubernetes-sigs/gateway-api v1.6.1,
 * conformance/tests/*.go and *.yaml) for the features sluice claims in GatewayClass status.supportedFeatures,
 * ported like the Core ones in gateway-conformance.test.ts (which registers them, so the report covers both).
 */
// Each upstream test keeps its small manifest builders beside it, as upstream keeps each test's YAML beside its Go.
/* oxlint-disable unicorn/consistent-function-scoping */
import { randomUUID } from 'node:crypto';
import {
  attachedRoutesWithPort8080,
  backendProtocolH2c,
  backendRequestHeaderModifier,
  backendProtocolWebSocket,
  cors,
  httpListenerIsolation,
  listenerPortMatching,
  methodMatching,
  namedRule,
  queryParamMatching,
  redirectPath,
  redirectPort,
  redirectPortAndScheme,
  redirectScheme,
  redirectStatus,
  requestPercentageMirror,
  sectionNameNotMatchingPort,
} from './gateway-extended-matches.ts';
import { optionalAddressValue, staticAddresses } from './gateway-address-tests.ts';
import { detectMisdirectedRequests } from './gateway-misdirected.ts';
import {
  expectEventuallyConsistent,
  expectMirrored,
  gatewayAndRoutesAccepted,
  httpRoute,
  INFRA,
  routeCondition,
  type GatewayConformance,
} from './gateway-fixtures.ts';

type Register = (shortName: string, body: () => Promise<void>) => void;

const ref = (name: string) => ({ name });
const backendRef = (name: string) => ({ name, port: 8080 });
const prefix = (value: string) => ({ path: { type: 'PathPrefix', value } });
const h = (name: string, value: string) => ({ name, value });
const v1 = { backend: 'infra-backend-v1', namespace: INFRA } as const;

/** The RequestHeaderModifier the rewrite and mirror tests combine with their filter. */
const MODIFY_HEADERS = {
  type: 'RequestHeaderModifier',
  requestHeaderModifier: {
    set: [h('X-Header-Set', 'set-overwrites-values')],
    add: [h('X-Header-Add', 'header-val-1'), h('X-Header-Add-Append', 'header-val-2')],
    remove: ['X-Header-Remove'],
  },
};
const SENT_HEADERS = { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1' };
const MODIFIED = {
  requestHeaders: { 'X-Header-Add': 'header-val-1', 'X-Header-Add-Append': 'append-val-1,header-val-2' },
  absentHeaders: ['X-Header-Remove'],
};

async function acceptedWithRefs(suite: GatewayConformance, route: string): Promise<string> {
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', [route]);
  await routeCondition(suite.api, route, 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  return address;
}

/** Upstream test ShortName → the features it exercises beyond Gateway and HTTPRoute. */
export const EXTENDED_TESTS: Readonly<Record<string, readonly string[]>> = {
  HTTPRouteRewritePath: ['HTTPRoutePathRewrite'],
  HTTPRouteRewriteHost: ['HTTPRouteHostRewrite'],
  HTTPRouteResponseHeaderModifier: ['HTTPRouteResponseHeaderModification'],
  HTTPRouteRequestMirror: ['HTTPRouteRequestMirror'],
  HTTPRouteRequestMultipleMirrors: ['HTTPRouteRequestMirror', 'HTTPRouteRequestMultipleMirrors'],
  HTTPRouteTimeoutRequest: ['HTTPRouteRequestTimeout'],
  HTTPRouteTimeoutBackendRequest: ['HTTPRouteBackendTimeout'],
  HTTPRouteQueryParamMatching: ['HTTPRouteQueryParamMatching'],
  HTTPRouteMethodMatching: ['HTTPRouteMethodMatching'],
  HTTPRouteRedirectScheme: ['HTTPRouteSchemeRedirect'],
  HTTPRouteRedirectPort: ['HTTPRoutePortRedirect'],
  HTTPRouteRedirectPath: ['HTTPRoutePathRedirect'],
  HTTPRouteRequestPercentageMirror: ['HTTPRouteRequestPercentageMirror'],
  HTTPRoute303Redirect: ['HTTPRoute303RedirectStatusCode'],
  HTTPRoute307Redirect: ['HTTPRoute307RedirectStatusCode'],
  HTTPRoute308Redirect: ['HTTPRoute308RedirectStatusCode'],
  HTTPRouteCORS: ['HTTPRouteCORS'],
  GatewayHTTPListenerIsolation: ['GatewayHTTPListenerIsolation'],
  HTTPRouteRedirectPortAndScheme: ['HTTPRoutePortRedirect', 'GatewayPort8080'],
  GatewayWithAttachedRoutesWithPort8080: ['GatewayPort8080'],
  HTTPRouteListenerPortMatching: ['HTTPRouteParentRefPort'],
  HTTPRouteInvalidParentRefSectionNameNotMatchingPort: ['HTTPRouteParentRefPort'],
  HTTPRouteBackendProtocolWebSocket: ['HTTPRouteBackendProtocolWebSocket'],
  HTTPRouteBackendProtocolH2C: ['HTTPRouteBackendProtocolH2C'],
  HTTPRouteRequestHeaderModifierBackendWeights: ['HTTPRouteBackendRequestHeaderModification'],
  HTTPRouteNamedRule: ['HTTPRouteNamedRouteRule'],
  HTTPRouteHTTPSListenerDetectMisdirectedRequests: ['GatewayHTTPSListenerDetectMisdirectedRequests'],
  GatewayStaticAddresses: ['GatewayStaticAddresses'],
  GatewayOptionalAddressValue: ['GatewayAddressEmpty'],
};

export function registerExtendedTests(conformance: Register, suiteOf: () => GatewayConformance): void {
  conformance('HTTPRouteRewritePath', () => rewritePath(suiteOf()));
  conformance('HTTPRouteRewriteHost', () => rewriteHost(suiteOf()));
  conformance('HTTPRouteResponseHeaderModifier', () => responseHeaderModifier(suiteOf()));
  conformance('HTTPRouteRequestMirror', () => requestMirror(suiteOf(), 'request-mirror', ['infra-backend-v2']));
  conformance('HTTPRouteRequestMultipleMirrors', () =>
    requestMirror(suiteOf(), 'request-multiple-mirrors', ['infra-backend-v2', 'infra-backend-v3']),
  );
  conformance('HTTPRouteTimeoutRequest', () => timeout(suiteOf(), 'request'));
  conformance('HTTPRouteTimeoutBackendRequest', () => timeout(suiteOf(), 'backendRequest'));
  conformance('HTTPRouteQueryParamMatching', () => queryParamMatching(suiteOf()));
  conformance('HTTPRouteMethodMatching', () => methodMatching(suiteOf()));
  conformance('HTTPRouteRedirectScheme', () => redirectScheme(suiteOf()));
  conformance('HTTPRouteRedirectPort', () => redirectPort(suiteOf()));
  conformance('HTTPRouteRedirectPath', () => redirectPath(suiteOf()));
  conformance('HTTPRouteCORS', () => cors(suiteOf()));
  conformance('GatewayHTTPListenerIsolation', () => httpListenerIsolation(suiteOf()));
  conformance('HTTPRouteRedirectPortAndScheme', () => redirectPortAndScheme(suiteOf()));
  conformance('GatewayWithAttachedRoutesWithPort8080', () => attachedRoutesWithPort8080(suiteOf()));
  conformance('HTTPRouteBackendProtocolWebSocket', () => backendProtocolWebSocket(suiteOf()));
  conformance('HTTPRouteBackendProtocolH2C', () => backendProtocolH2c(suiteOf()));
  conformance('HTTPRouteNamedRule', () => namedRule(suiteOf()));
  conformance('HTTPRouteHTTPSListenerDetectMisdirectedRequests', () => detectMisdirectedRequests(suiteOf()));
  conformance('GatewayStaticAddresses', () => staticAddresses(suiteOf()));
  conformance('GatewayOptionalAddressValue', () => optionalAddressValue(suiteOf()));
  conformance('HTTPRouteRequestHeaderModifierBackendWeights', () => backendRequestHeaderModifier(suiteOf()));
  conformance('HTTPRouteListenerPortMatching', () => listenerPortMatching(suiteOf()));
  conformance('HTTPRouteInvalidParentRefSectionNameNotMatchingPort', () => sectionNameNotMatchingPort(suiteOf()));
  conformance('HTTPRoute303Redirect', () => redirectStatus(suiteOf(), 303));
  conformance('HTTPRoute307Redirect', () => redirectStatus(suiteOf(), 307));
  conformance('HTTPRoute308Redirect', () => redirectStatus(suiteOf(), 308));
  conformance('HTTPRouteRequestPercentageMirror', () =>
    requestPercentageMirror(suiteOf(), MODIFY_HEADERS, {
      path: '',
      headers: SENT_HEADERS,
      requestHeaders: { ...MODIFIED.requestHeaders, 'X-Header-Set': 'set-overwrites-values' },
      absentHeaders: MODIFIED.absentHeaders,
    }),
  );
}

// conformance/tests/httproute-rewrite-path.go
async function rewritePath(suite: GatewayConformance): Promise<void> {
  const path = (type: 'ReplaceFullPath' | 'ReplacePrefixMatch', value: string) => ({
    type: 'URLRewrite',
    urlRewrite: {
      path: type === 'ReplaceFullPath' ? { type, replaceFullPath: value } : { type, replacePrefixMatch: value },
    },
  });
  const rule = (match: string, filters: object[]) => ({
    matches: [prefix(match)],
    filters,
    backendRefs: [backendRef('infra-backend-v1')],
  });
  suite.api.apply(
    httpRoute(INFRA, 'rewrite-path', {
      parentRefs: [ref('same-namespace')],
      rules: [
        rule('/prefix/one', [path('ReplacePrefixMatch', '/one')]),
        rule('/strip-prefix', [path('ReplacePrefixMatch', '/')]),
        rule('/full/one', [path('ReplaceFullPath', '/one')]),
        rule('/full/rewrite-path-and-modify-headers', [path('ReplaceFullPath', '/test'), MODIFY_HEADERS]),
        rule('/prefix/rewrite-path-and-modify-headers', [path('ReplacePrefixMatch', '/prefix'), MODIFY_HEADERS]),
      ],
    }),
  );
  const address = await acceptedWithRefs(suite, 'rewrite-path');
  const headers = { ...SENT_HEADERS, 'X-Header-Set': 'set-val' };
  const modified = {
    requestHeaders: { ...MODIFIED.requestHeaders, 'X-Header-Set': 'set-overwrites-values' },
    absentHeaders: MODIFIED.absentHeaders,
  };
  await Promise.all([
    expectEventuallyConsistent(address, { path: '/prefix/one/two', requestPath: '/one/two', ...v1 }),
    expectEventuallyConsistent(address, { path: '/strip-prefix/three', requestPath: '/three', ...v1 }),
    expectEventuallyConsistent(address, { path: '/strip-prefix', requestPath: '/', ...v1 }),
    expectEventuallyConsistent(address, { path: '/full/one/two', requestPath: '/one', ...v1 }),
    expectEventuallyConsistent(address, {
      path: '/full/rewrite-path-and-modify-headers/test',
      headers,
      requestPath: '/test',
      ...modified,
      ...v1,
    }),
    expectEventuallyConsistent(address, {
      path: '/prefix/rewrite-path-and-modify-headers/one',
      headers,
      requestPath: '/prefix/one',
      ...modified,
      ...v1,
    }),
  ]);
}

// conformance/tests/httproute-rewrite-host.go
async function rewriteHost(suite: GatewayConformance): Promise<void> {
  const host = (hostname: string) => ({ type: 'URLRewrite', urlRewrite: { hostname } });
  suite.api.apply(
    httpRoute(INFRA, 'rewrite-host', {
      hostnames: ['rewrite.example'],
      parentRefs: [ref('same-namespace')],
      rules: [
        {
          matches: [prefix('/one')],
          filters: [host('one.example.org')],
          backendRefs: [backendRef('infra-backend-v1')],
        },
        { filters: [host('example.org')], backendRefs: [backendRef('infra-backend-v2')] },
        {
          matches: [prefix('/rewrite-host-and-modify-headers')],
          filters: [host('test.example.org'), MODIFY_HEADERS],
          backendRefs: [backendRef('infra-backend-v2')],
        },
      ],
    }),
  );
  const address = await acceptedWithRefs(suite, 'rewrite-host');
  const v2 = { backend: 'infra-backend-v2', namespace: INFRA } as const;
  await Promise.all([
    expectEventuallyConsistent(address, {
      path: '/one',
      host: 'rewrite.example',
      requestPath: '/one',
      requestHost: 'one.example.org',
      ...v1,
    }),
    expectEventuallyConsistent(address, {
      path: '/two',
      host: 'rewrite.example',
      requestPath: '/two',
      requestHost: 'example.org',
      ...v2,
    }),
    expectEventuallyConsistent(address, {
      path: '/rewrite-host-and-modify-headers',
      host: 'rewrite.example',
      headers: SENT_HEADERS,
      requestHost: 'test.example.org',
      requestHeaders: { ...MODIFIED.requestHeaders, 'X-Header-Set': 'set-overwrites-values' },
      absentHeaders: MODIFIED.absentHeaders,
      ...v2,
    }),
  ]);
}

// conformance/tests/httproute-request-mirror.go and httproute-request-multiple-mirrors.go
async function requestMirror(suite: GatewayConformance, name: string, mirrors: readonly string[]): Promise<void> {
  const base = name === 'request-mirror' ? '/mirror' : '/multi-mirror';
  const modifyPath =
    name === 'request-mirror' ? '/mirror-and-modify-headers' : '/multi-mirror-and-modify-request-headers';
  const mirrorFilters = mirrors.map((service) => ({
    type: 'RequestMirror',
    requestMirror: { backendRef: { name: service, namespace: INFRA, port: 8080 } },
  }));
  const to = { backendRefs: [{ ...backendRef('infra-backend-v1'), namespace: INFRA }] };
  suite.api.apply(
    httpRoute(INFRA, name, {
      parentRefs: [ref('same-namespace')],
      rules: [
        { matches: [prefix(base)], filters: mirrorFilters, ...to },
        { matches: [prefix(modifyPath)], filters: [MODIFY_HEADERS, ...mirrorFilters], ...to },
      ],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', [name]);
  const cases = [
    { path: `${base}?X-Request-Id=${randomUUID()}`, requestPath: base },
    {
      path: `${modifyPath}?X-Request-Id=${randomUUID()}`,
      requestPath: modifyPath,
      headers: SENT_HEADERS,
      requestHeaders: { ...MODIFIED.requestHeaders, 'X-Header-Set': 'set-overwrites-values' },
      absentHeaders: MODIFIED.absentHeaders,
    },
  ];
  await Promise.all(
    cases.map(async (expected) => {
      await expectEventuallyConsistent(address, { ...expected, ...v1 });
      await expectMirrored(suite.pods, mirrors, expected.path);
    }),
  );
}

// conformance/tests/httproute-response-header-modifier.go
async function responseHeaderModifier(suite: GatewayConformance): Promise<void> {
  const rule = (path: string, modifier: object, more: object[] = []) => ({
    matches: [prefix(path)],
    filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: modifier }, ...more],
    backendRefs: [backendRef('infra-backend-v1')],
  });
  const multiple = {
    set: [h('X-Header-Set-1', 'header-set-1'), h('X-Header-Set-2', 'header-set-2')],
    add: [h('X-Header-Add-1', 'header-add-1'), h('X-Header-Add-2', 'header-add-2')],
    remove: ['X-Header-Remove-1', 'X-Header-Remove-2'],
  };
  suite.api.apply(
    httpRoute(INFRA, 'response-header-modifier', {
      parentRefs: [ref('same-namespace')],
      rules: [
        rule('/set', { set: [h('X-Header-Set', 'set-overwrites-values')] }),
        rule('/add', { add: [h('X-Header-Add', 'add-appends-values')] }),
        rule('/remove', { remove: ['X-Header-Remove'] }),
        rule('/multiple', { ...multiple, add: [...multiple.add, h('X-Header-Add-3', 'header-add-3')] }),
        rule('/case-insensitivity', {
          set: [h('X-Header-Set', 'header-set')],
          add: [
            h('X-Header-Add', 'header-add'),
            h('x-lowercase-add', 'lowercase-add'),
            h('x-Mixedcase-ADD-1', 'mixedcase-add-1'),
            h('X-mixeDcase-add-2', 'mixedcase-add-2'),
            h('X-UPPERCASE-ADD', 'uppercase-add'),
          ],
          remove: ['X-Header-Remove'],
        }),
        rule('/response-and-request-header-modifiers', multiple, [MODIFY_HEADERS]),
      ],
    }),
  );
  const address = await acceptedWithRefs(suite, 'response-header-modifier');
  const multipleSet = {
    'X-Header-Set-2': 'set-val-2',
    'X-Header-Add-2': 'add-val-2',
    'X-Header-Remove-2': 'remove-val-2',
  };
  const multipleWanted = {
    'X-Header-Set-1': 'header-set-1',
    'X-Header-Set-2': 'header-set-2',
    'X-Header-Add-1': 'header-add-1',
    'X-Header-Add-2': 'add-val-2,header-add-2',
    'Another-Header': 'another-header-val',
  };
  const expect = (path: string, set: Record<string, string>, wanted: Record<string, string>, absent: string[] = []) =>
    expectEventuallyConsistent(address, {
      path,
      backendSetResponseHeaders: set,
      responseHeaders: wanted,
      absentResponseHeaders: absent,
      ...v1,
    });
  await Promise.all([
    expect(
      '/set',
      { 'Some-Other-Header': 'val' },
      { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' },
    ),
    expect(
      '/set',
      { 'Some-Other-Header': 'val', 'X-Header-Set': 'some-other-value' },
      { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' },
    ),
    expect(
      '/add',
      { 'Some-Other-Header': 'val' },
      { 'Some-Other-Header': 'val', 'X-Header-Add': 'add-appends-values' },
    ),
    expect(
      '/add',
      { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value' },
      { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value,add-appends-values' },
    ),
    expect('/remove', { 'X-Header-Remove': 'val' }, {}, ['X-Header-Remove']),
    expect(
      '/multiple',
      { ...multipleSet, 'Another-Header': 'another-header-val', 'X-Header-Remove-1': 'val' },
      { ...multipleWanted, 'X-Header-Add-3': 'header-add-3' },
      ['X-Header-Remove-1', 'X-Header-Remove-2'],
    ),
    expect(
      '/case-insensitivity',
      {
        'x-header-set': 'original-val-set',
        'x-header-add': 'original-val-add',
        'x-header-remove': 'original-val-remove',
        'Another-Header': 'another-header-val',
      },
      {
        'X-Header-Set': 'header-set',
        'X-Header-Add': 'original-val-add,header-add',
        'X-Lowercase-Add': 'lowercase-add',
        'X-Mixedcase-Add-1': 'mixedcase-add-1',
        'X-Mixedcase-Add-2': 'mixedcase-add-2',
        'X-Uppercase-Add': 'uppercase-add',
        'Another-Header': 'another-header-val',
      },
      ['x-header-remove', 'X-Header-Remove'],
    ),
    expectEventuallyConsistent(address, {
      path: '/response-and-request-header-modifiers',
      headers: { ...SENT_HEADERS, 'X-Header-Echo': 'echo' },
      backendSetResponseHeaders: {
        ...multipleSet,
        'Another-Header': 'another-header-val',
        'X-Header-Remove-1': 'remove-val-1',
        'X-Header-Echo': 'echo',
      },
      requestPath: '/response-and-request-header-modifiers',
      requestHeaders: {
        ...MODIFIED.requestHeaders,
        'X-Header-Set': 'set-overwrites-values',
        'X-Header-Echo': 'echo',
      },
      absentHeaders: MODIFIED.absentHeaders,
      responseHeaders: { ...multipleWanted, 'X-Header-Echo': 'echo' },
      absentResponseHeaders: ['X-Header-Remove-1', 'X-Header-Remove-2'],
      ...v1,
    }),
  ]);
}

// conformance/tests/httproute-timeout-request.go and httproute-timeout-backend-request.go
async function timeout(suite: GatewayConformance, kind: 'request' | 'backendRequest'): Promise<void> {
  const name = kind === 'request' ? 'request-timeout' : 'backend-request-timeout';
  const [on, off] =
    kind === 'request'
      ? ['/request-timeout', '/disable-request-timeout']
      : ['/backend-timeout', '/disable-backend-timeout'];
  const rule = (path: string, value: string) => ({
    matches: [prefix(path)],
    backendRefs: [backendRef('infra-backend-v1')],
    timeouts: { [kind]: value },
  });
  suite.api.apply(
    httpRoute(INFRA, name, { parentRefs: [ref('same-namespace')], rules: [rule(on, '500ms'), rule(off, '0s')] }),
  );
  const address = await acceptedWithRefs(suite, name);
  await Promise.all([
    expectEventuallyConsistent(address, { path: on, status: 200, namespace: INFRA }),
    expectEventuallyConsistent(address, { path: `${on}?delay=1s`, status: 504, namespace: INFRA }),
    expectEventuallyConsistent(address, { path: `${off}?delay=1s`, status: 200, namespace: INFRA }),
  ]);
}
