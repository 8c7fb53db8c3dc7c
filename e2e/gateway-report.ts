/**
 * Writes docs/gateway-conformance-report.yaml in the upstream ConformanceReport format
 * (kubernetes-sigs/gateway-api v1.6.1 conformance/apis/v1/conformancereport.go, profilereport.go): the
 * GATEWAY-HTTP and GATEWAY-GRPC profiles' tests, passed, failed, and skipped (not ported yet, or ported but known
 * to fail). As upstream (suite/reports.go addTestResults), a test counts in every profile whose features it needs:
 * the Gateway-only Core tests count in both.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { EXTENDED_TESTS } from './gateway-extended-tests.ts';
import { GRPC_TESTS } from './gateway-grpc-tests.ts';
import { REPO_ROOT } from './support/controller.ts';

/** The Core tests that need Gateway (and ReferenceGrant) only: part of every Gateway profile. */
const GATEWAY_ONLY_CORE_TESTS: readonly string[] = [
  'GatewayClassObservedGenerationBump',
  'GatewayInvalidParametersRef',
  'GatewayInvalidRouteKind',
  'GatewayInvalidTLSConfiguration',
  'GatewayListenerUnsupportedProtocol',
  'GatewayModifyListeners',
  'GatewayObservedGenerationBump',
  'GatewaySecretInvalidReferenceGrant',
  'GatewaySecretMissingReferenceGrant',
  'GatewaySecretReferenceGrantAllInNamespace',
  'GatewaySecretReferenceGrantSpecific',
];

/** Every Core test of the GATEWAY-HTTP profile in v1.6.1 (features ⊆ Gateway, HTTPRoute, ReferenceGrant). */
export const CORE_GATEWAY_HTTP_TESTS: readonly string[] = [
  ...GATEWAY_ONLY_CORE_TESTS,
  'GatewayWithAttachedRoutes',
  'HTTPRouteCrossNamespace',
  'HTTPRouteExactPathMatching',
  'HTTPRouteHTTPSListener',
  'HTTPRouteHeaderMatching',
  'HTTPRouteHostnameIntersection',
  'HTTPRouteInvalidBackendRefUnknownKind',
  'HTTPRouteInvalidCrossNamespaceBackendRef',
  'HTTPRouteInvalidCrossNamespaceParentRef',
  'HTTPRouteInvalidNonExistentBackendRef',
  'HTTPRouteInvalidParentRefNotMatchingSectionName',
  'HTTPRouteInvalidReferenceGrant',
  'HTTPRouteListenerHostnameMatching',
  'HTTPRouteMatching',
  'HTTPRouteMatchingAcrossRoutes',
  'HTTPRouteMultipleGateways',
  'HTTPRouteNoBackendRefs',
  'HTTPRouteObservedGenerationBump',
  'HTTPRoutePartiallyInvalidViaInvalidReferenceGrant',
  'HTTPRoutePathMatchOrder',
  'HTTPRouteRedirectHostAndStatus',
  'HTTPRouteReferenceGrant',
  'HTTPRouteRequestHeaderModifier',
  'HTTPRouteServiceTypes',
  'HTTPRouteSimpleSameNamespace',
  'HTTPRouteWeight',
];

/** Every Core test of the GATEWAY-GRPC profile in v1.6.1 (features ⊆ Gateway, GRPCRoute, ReferenceGrant). */
export const CORE_GATEWAY_GRPC_TESTS: readonly string[] = [
  ...GATEWAY_ONLY_CORE_TESTS,
  'GRPCExactMethodMatching',
  'GRPCRouteHeaderMatching',
  'GRPCRouteListenerHostnameMatching',
  'GRPCRouteWeight',
];

/**
 * The GATEWAY-GRPC profile's Extended tests: those of GatewayExtendedFeatures that need no HTTPRoute (shared with
 * GATEWAY-HTTP), and GRPCRouteNamedRule (feature GRPCRouteNamedRouteRule). Upstream's profile (v1.6.1
 * suite/profiles.go) lists only GatewayExtendedFeatures as its Extended features, so its own report would place
 * GRPCRouteNamedRule in no profile; we report it where the feature belongs.
 */
const EXTENDED_GATEWAY_GRPC_TESTS: Readonly<Record<string, readonly string[]>> = {
  GatewayStaticAddresses: EXTENDED_TESTS.GatewayStaticAddresses,
  GatewayOptionalAddressValue: EXTENDED_TESTS.GatewayOptionalAddressValue,
  GRPCRouteNamedRule: GRPC_TESTS.GRPCRouteNamedRule.filter((feature) => feature !== 'GRPCRoute'),
};

export const REPORT_PATH = join(REPO_ROOT, 'docs', 'gateway-conformance-report.yaml');

/** Tests of one list by outcome; a test not in `results` was not run (skipped). */
function outcome(tests: readonly string[], results: ReadonlyMap<string, boolean>) {
  const failed = tests.filter((name) => results.get(name) === false);
  const passed = tests.filter((name) => results.get(name) === true);
  const skipped = tests.filter((name) => !results.has(name));
  const result = failed.length > 0 ? 'failure' : skipped.length > 0 ? 'partial' : 'success';
  return {
    failed,
    passed,
    skipped,
    status: {
      result,
      statistics: { Failed: failed.length, Passed: passed.length, Skipped: skipped.length },
      ...(skipped.length > 0 ? { skippedTests: skipped } : {}),
      ...(failed.length > 0 ? { failedTests: failed } : {}),
    },
  };
}

/** The Extended features `tests` exercise (per `extended`), sorted. */
function featuresOf(tests: readonly string[], extended: Readonly<Record<string, readonly string[]>>): string[] {
  return [...new Set(tests.flatMap((name) => extended[name]))].sort();
}

/** One profile's entry: its Core tests' outcome, and its Extended tests' with the features they support. */
function profile(
  name: string,
  coreTests: readonly string[],
  extendedTests: Readonly<Record<string, readonly string[]>>,
  results: ReadonlyMap<string, boolean>,
): Record<string, unknown> {
  const core = outcome(coreTests, results);
  const extended = outcome(Object.keys(extendedTests), results);
  const unsupported = featuresOf([...extended.failed, ...extended.skipped], extendedTests);
  const supported = featuresOf(extended.passed, extendedTests).filter((feature) => !unsupported.includes(feature));
  return {
    name,
    summary: `Core tests ${core.status.result}: ${core.passed.length} passed, ${core.failed.length} failed, ${core.skipped.length} not run; Extended tests ${extended.status.result}: ${extended.passed.length} passed, ${extended.failed.length} failed, ${extended.skipped.length} not run (e2e/gateway-conformance.test.ts, against the API emulator).`,
    core: core.status,
    extended: {
      ...extended.status,
      supportedFeatures: supported,
      ...(unsupported.length > 0 ? { unsupportedFeatures: unsupported } : {}),
    },
  };
}

/**
 * `results`: upstream ShortName → passed. Tests not in it are reported skipped. The Extended features are
 * those of the Extended tests that ran; a feature with a failing test is not listed as supported.
 */
export function conformanceReport(results: ReadonlyMap<string, boolean>, date: string): Record<string, unknown> {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'ConformanceReport',
    date,
    gatewayAPIChannel: 'standard',
    gatewayAPIVersion: 'v1.6.1',
    implementation: {
      contact: ['the sluice maintainers'],
      organization: 'sluice',
      project: 'sluice',
      url: 'https://sluice.dev',
      version: 'v0.1.0',
    },
    mode: 'default',
    profiles: [
      profile('GATEWAY-HTTP', CORE_GATEWAY_HTTP_TESTS, EXTENDED_TESTS, results),
      profile('GATEWAY-GRPC', CORE_GATEWAY_GRPC_TESTS, EXTENDED_GATEWAY_GRPC_TESTS, results),
    ],
  };
}

/**
 * Every run writes e2e/out/; `UPDATE_CONFORMANCE_REPORT=1 npx vitest run e2e/gateway-conformance.test.ts` also
 * rewrites the committed report in docs/ (a plain `npm test` leaves the tree clean).
 */
export function writeConformanceReport(results: ReadonlyMap<string, boolean>): void {
  const report = conformanceReport(results, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
  const text = `# Generated by e2e/gateway-conformance.test.ts; do not edit.\n${stringify(report)}`;
  const out = join(REPO_ROOT, 'e2e', 'out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'gateway-conformance-report.yaml'), text);
  if (process.env.UPDATE_CONFORMANCE_REPORT === '1') writeFileSync(REPORT_PATH, text);
}
