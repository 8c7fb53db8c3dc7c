import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from './config.ts';
import { envVarName, FLAGS } from './config/flags.ts';
import { flagsMarkdownTable, helpText } from './config/help.ts';
import { parseDuration, parseSize } from './config/value-parsers.ts';

function configOf(argv: string[], env: Record<string, string | undefined> = {}): Config {
  const result = parseConfig(argv, env);
  if (result.ok !== true) throw new Error(`expected a config, got ${JSON.stringify(result)}`);
  return result.config;
}

function errorsOf(argv: string[], env: Record<string, string | undefined> = {}): string[] {
  const result = parseConfig(argv, env);
  if (result.ok !== false) throw new Error(`expected errors, got ${JSON.stringify(result)}`);
  return result.errors;
}

/** What a nonsense value in this flag's SLUICE_ variable leads to. */
function badVariableOutcome(name: string): string | string[] {
  const variable = envVarName(name);
  const result = parseConfig([], { [variable]: '%%bad%%' });
  if (result.ok !== false) return 'accepted';
  return result.errors.length === 1 && result.errors[0].startsWith(`${variable}: `)
    ? 'rejected, naming the variable'
    : result.errors;
}

describe('parseConfig: defaults', () => {
  it('gives every default of the README flag table with no flags and no environment', () => {
    expect(configOf([])).toEqual({
      kubeconfig: null,
      manifests: null,
      watchNamespaces: [],
      ingressClass: 'sluice',
      controllerClass: 'sluice.dev/ingress-controller',
      watchIngressWithoutClass: false,
      httpPort: 8080,
      httpsPort: 8443,
      adminPort: 10254,
      bindAddress: '0.0.0.0',
      publishService: null,
      publishStatusAddresses: [],
      defaultBackendService: null,
      defaultSslCertificate: null,
      electionId: 'sluice-leader',
      workers: 1,
      logLevel: 'info',
      logFormat: 'json',
      shutdownGraceMs: 30_000,
      shutdownDelayMs: 0,
      accessLog: true,
      sslRedirect: true,
      trustedProxies: [],
      balancer: 'round-robin',
      upstreamConnectTimeoutMs: 5_000,
      upstreamResponseTimeoutMs: 60_000,
      upstreamIdleTimeoutMs: 60_000,
      clientHeaderTimeoutMs: 10_000,
      clientBodyTimeoutMs: 60_000,
      maxBodySize: 0,
      maxHeaderSize: 16_384,
      retries: 2,
      upstreamClient: 'auto',
      gatewayControllerName: 'sluice.dev/gateway-controller',
      gatewayAddressPool: null,
      gatewayApiRecheckMs: 30_000,
      gatewayContainerPorts: { first: 20000, last: 20999 },
      gatewayServiceType: 'LoadBalancer',
      adminBindAddress: null,
      adminTokenFile: null,
      adminMetricsOpen: true,
      metricsCompat: 'none',
      otlpEndpoint: null,
      traceSampleRatio: 1,
      traceServiceName: 'sluice',
      traceResourceAttributes: [],
      tracePropagators: ['tracecontext'],
    });
  });

  it('returns a frozen config, lists included', () => {
    const config = configOf(['--watch-namespace', 'a,b']);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.watchNamespaces)).toBe(true);
  });

  it('ignores process-wide variables that are not its own', () => {
    expect(configOf([], { KUBECONFIG: '/k', SLUICE_VITEST_REPORT: 'x.json', HOME: '/root' }).kubeconfig).toBeNull();
  });
});

describe('parseConfig: every flag', () => {
  const cases: [string[], Partial<Config>][] = [
    [['--kubeconfig', '/etc/kube.yaml'], { kubeconfig: '/etc/kube.yaml' }],
    [['--manifests=./examples'], { manifests: './examples' }],
    [['--watch-namespace', 'a, b,a', '--watch-namespace=c'], { watchNamespaces: ['a', 'b', 'c'] }],
    [['--ingress-class', 'internal'], { ingressClass: 'internal' }],
    [['--controller-class=example.com/ingress'], { controllerClass: 'example.com/ingress' }],
    [['--watch-ingress-without-class'], { watchIngressWithoutClass: true }],
    [['--watch-ingress-without-class=false'], { watchIngressWithoutClass: false }],
    [['--http-port', '0', '--https-port', '0', '--admin-port', '0'], { httpPort: 0, httpsPort: 0, adminPort: 0 }],
    [['--http-port=80', '--https-port=443', '--admin-port=65535'], { httpPort: 80, httpsPort: 443, adminPort: 65535 }],
    [['--bind-address', '127.0.0.1'], { bindAddress: '127.0.0.1' }],
    [['--bind-address', '::'], { bindAddress: '::' }],
    [['--publish-service', 'ingress/sluice'], { publishService: 'ingress/sluice' }],
    [
      ['--publish-status-address', '203.0.113.7,lb.example.com'],
      { publishStatusAddresses: ['203.0.113.7', 'lb.example.com'] },
    ],
    [['--default-backend-service', 'web/fallback'], { defaultBackendService: 'web/fallback' }],
    [['--default-ssl-certificate', 'ingress/wildcard-tls'], { defaultSslCertificate: 'ingress/wildcard-tls' }],
    [['--election-id', 'my.lease'], { electionId: 'my.lease' }],
    [['--workers', 'auto'], { workers: 'auto' }],
    [['--workers', '4'], { workers: 4 }],
    [['--log-level', 'debug', '--log-format', 'pretty'], { logLevel: 'debug', logFormat: 'pretty' }],
    [['--shutdown-grace', '500ms'], { shutdownGraceMs: 500 }],
    [['--shutdown-grace=2m'], { shutdownGraceMs: 120_000 }],
    [['--shutdown-grace', '45'], { shutdownGraceMs: 45_000 }],
    [['--shutdown-delay', '5s'], { shutdownDelayMs: 5_000 }],
    [['--access-log', 'off'], { accessLog: false }],
    [['--access-log=on'], { accessLog: true }],
    [['--ssl-redirect=false'], { sslRedirect: false }],
    [['--ssl-redirect', 'false'], { sslRedirect: false }],
    [
      ['--trusted-proxies', '10.0.0.0/8,192.168.1.1,fd00::/8'],
      { trustedProxies: ['10.0.0.0/8', '192.168.1.1/32', 'fd00::/8'] },
    ],
    [['--balancer', 'least-request'], { balancer: 'least-request' }],
    [
      [
        '--upstream-connect-timeout',
        '1s',
        '--upstream-response-timeout',
        '1m30s',
        '--upstream-idle-timeout',
        '0',
        '--client-header-timeout',
        '2.5s',
      ],
      {
        upstreamConnectTimeoutMs: 1000,
        upstreamResponseTimeoutMs: 90_000,
        upstreamIdleTimeoutMs: 0,
        clientHeaderTimeoutMs: 2500,
      },
    ],
    [['--client-body-timeout', '15s'], { clientBodyTimeoutMs: 15_000 }],
    [['--client-body-timeout=0'], { clientBodyTimeoutMs: 0 }],
    [
      ['--max-body-size', '10m', '--max-header-size', '32k'],
      { maxBodySize: 10 * 1024 * 1024, maxHeaderSize: 32 * 1024 },
    ],
    [['--max-body-size=1g'], { maxBodySize: 1024 ** 3 }],
    [['--retries', '0'], { retries: 0 }],
    [['--upstream-client', 'undici'], { upstreamClient: 'undici' }],
    [
      ['--gateway-controller-name', 'example.net/gw', '--gateway-address-pool', '127.0.20.0/24'],
      { gatewayControllerName: 'example.net/gw', gatewayAddressPool: '127.0.20.0/24' },
    ],
    [['--gateway-api-recheck', '500ms'], { gatewayApiRecheckMs: 500 }],
    [
      ['--gateway-container-ports', '30000-30099', '--gateway-service-type', 'ClusterIP'],
      { gatewayContainerPorts: { first: 30000, last: 30099 }, gatewayServiceType: 'ClusterIP' },
    ],
    [['--admin-bind-address', '127.0.0.1'], { adminBindAddress: '127.0.0.1' }],
    [
      ['--admin-token-file', '/var/run/secrets/admin/token', '--admin-metrics-open=false'],
      { adminTokenFile: '/var/run/secrets/admin/token', adminMetricsOpen: false },
    ],
    [['--metrics-compat', 'ingress-nginx'], { metricsCompat: 'ingress-nginx' }],
    [
      ['--otlp-endpoint', 'http://collector:4318/v1/traces', '--trace-sample-ratio', '0.01'],
      { otlpEndpoint: 'http://collector:4318/v1/traces', traceSampleRatio: 0.01 },
    ],
    [
      [
        '--trace-service-name',
        'edge-eu',
        '--trace-resource-attributes',
        'deployment.environment=prod,k8s.cluster.name=eu',
      ],
      { traceServiceName: 'edge-eu', traceResourceAttributes: ['deployment.environment=prod', 'k8s.cluster.name=eu'] },
    ],
    [['--trace-propagators', 'tracecontext,b3'], { tracePropagators: ['tracecontext', 'b3'] }],
  ];
  it.each(cases)('%j', (argv, expected) => {
    expect(configOf(argv)).toMatchObject(expected);
  });

  it('covers every flag of the table in the cases above', () => {
    const used = new Set(
      cases.flatMap(([argv]) => argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0])),
    );
    expect(FLAGS.map((spec) => spec.name).filter((name) => !used.has(name))).toEqual([]);
  });

  it('a repeated scalar flag: the last one wins', () => {
    expect(configOf(['--http-port', '1', '--http-port', '2']).httpPort).toBe(2);
  });
});

describe('parseConfig: environment', () => {
  it('reads SLUICE_* variables for every flag', () => {
    const config = configOf([], {
      SLUICE_HTTP_PORT: '9000',
      SLUICE_WATCH_NAMESPACE: 'a,b',
      SLUICE_WATCH_INGRESS_WITHOUT_CLASS: 'true',
      SLUICE_ACCESS_LOG: 'off',
      SLUICE_SHUTDOWN_GRACE: '5s',
      SLUICE_LOG_FORMAT: 'pretty',
      SLUICE_CLIENT_BODY_TIMEOUT: '90s',
    });
    expect(config).toMatchObject({
      httpPort: 9000,
      watchNamespaces: ['a', 'b'],
      watchIngressWithoutClass: true,
      accessLog: false,
      shutdownGraceMs: 5000,
      logFormat: 'pretty',
      clientBodyTimeoutMs: 90_000,
    });
  });

  it('a flag wins over its variable', () => {
    expect(configOf(['--http-port', '81'], { SLUICE_HTTP_PORT: '9000' }).httpPort).toBe(81);
    expect(configOf(['--ssl-redirect'], { SLUICE_SSL_REDIRECT: 'false' }).sslRedirect).toBe(true);
  });

  it('an empty variable counts as unset', () => {
    expect(configOf([], { SLUICE_HTTP_PORT: '' }).httpPort).toBe(8080);
  });

  it('names the variable when its value is bad', () => {
    expect(errorsOf([], { SLUICE_ADMIN_PORT: 'ten' })).toEqual([
      'SLUICE_ADMIN_PORT: "ten" is not a whole number (expected a port 0-65535)',
    ]);
  });

  it('every flag has a SLUICE_ variable named after it', () => {
    expect(envVarName('upstream-connect-timeout')).toBe('SLUICE_UPSTREAM_CONNECT_TIMEOUT');
    // Free-text flags (paths, class names) accept anything; every other flag names the variable it came from.
    const freeText = new Set([
      'kubeconfig',
      'manifests',
      'ingress-class',
      'controller-class',
      'admin-token-file',
      'trace-service-name',
    ]);
    const names = FLAGS.map((spec) => spec.name);
    expect(Object.fromEntries(names.map((name) => [name, badVariableOutcome(name)]))).toEqual(
      Object.fromEntries(
        names.map((name) => [name, freeText.has(name) ? 'accepted' : 'rejected, naming the variable']),
      ),
    );
  });
});

describe('parseConfig: errors', () => {
  const single: [string[], RegExp][] = [
    [['--nope'], /^unknown flag --nope$/],
    [['--htp-port', '80'], /^unknown flag --htp-port \(did you mean --http-port\?\)$/],
    [['-p'], /^unknown flag -p$/],
    [['serve'], /^unexpected argument "serve"$/],
    [['--http-port'], /^--http-port: missing value \(expected N\)$/],
    [['--http-port', '--admin-port', '1'], /^--http-port: missing value/],
    [['--http-port', 'eighty'], /^--http-port: "eighty" is not a whole number/],
    [['--https-port', '65536'], /^--https-port: 65536 is out of range \(expected a port 0-65535\)$/],
    [['--admin-port', '-1'], /^--admin-port: "-1" is not a whole number/],
    [['--publish-service', 'just-a-name'], /^--publish-service: "just-a-name" is not NAMESPACE\/NAME$/],
    [
      ['--default-backend-service', 'Web/App'],
      /^--default-backend-service: "Web\/App": namespace "Web" is not a valid namespace name$/,
    ],
    [['--default-ssl-certificate', 'a/b/c'], /^--default-ssl-certificate: "a\/b\/c" is not NAMESPACE\/NAME$/],
    [['--trusted-proxies', '10.0.0.0/33'], /^--trusted-proxies: "10.0.0.0\/33" is not a CIDR \(prefix must be 0-32\)$/],
    [['--trusted-proxies', '10.0.0/8'], /^--trusted-proxies: "10.0.0\/8" is not a CIDR/],
    [['--shutdown-grace', '10 minutes'], /^--shutdown-grace: "10 minutes" is not a duration/],
    [['--upstream-connect-timeout', '-1s'], /^--upstream-connect-timeout: "-1s" is not a duration/],
    [['--max-body-size', '10q'], /^--max-body-size: "10q" is not a size/],
    [['--max-header-size', '0'], /^--max-header-size: must be greater than 0$/],
    [['--retries', '11'], /^--retries: 11 is out of range/],
    [['--upstream-client', 'curl'], /^--upstream-client: /],
    [['--metrics-compat', 'nginx'], /^--metrics-compat: "nginx" is not one of none, ingress-nginx$/],
    [['--otlp-endpoint', 'collector:4318'], /^--otlp-endpoint: "collector:4318" is not an http\(s\) URL$/],
    [['--trace-sample-ratio', '1.5'], /^--trace-sample-ratio: "1.5" is not a ratio between 0 and 1$/],
    [['--trace-resource-attributes', 'env'], /^--trace-resource-attributes: "env" is not key=value$/],
    [['--trace-propagators', 'jaeger'], /^--trace-propagators: "jaeger" is not one of tracecontext, b3$/],
    [['--workers', '0'], /^--workers: 0 is out of range \(expected a worker count 1-1024\) or "auto"$/],
    [
      ['--log-level', 'verbose'],
      /^--log-level: "verbose" is not one of fatal, error, warn, info, debug, trace, silent$/,
    ],
    [['--log-format', 'xml'], /^--log-format: "xml" is not one of json, pretty$/],
    [['--balancer', 'random'], /^--balancer: "random" is not one of round-robin, least-request$/],
    [['--access-log=maybe'], /^--access-log: "maybe" is not a boolean/],
    [['--watch-namespace', 'Bad_NS'], /^--watch-namespace: "Bad_NS" is not a valid namespace name$/],
    [['--watch-namespace', ','], /^--watch-namespace: must list at least one value$/],
    [['--election-id', 'Not Valid'], /^--election-id: "Not Valid" is not a valid object name/],
    [['--ingress-class='], /^--ingress-class: must not be empty$/],
    [['--bind-address', 'not an address'], /^--bind-address: "not an address" is not an IP address or host name$/],
    [['--kubeconfig', '/k', '--manifests', '/m'], /^--kubeconfig and --manifests conflict/],
    [
      ['--publish-service', 'a/b', '--publish-status-address', '1.2.3.4'],
      /^--publish-service and --publish-status-address conflict/,
    ],
    [
      ['--http-port', '10254'],
      /^--http-port and --admin-port \(default\) are both 10254: each listener needs its own port$/,
    ],
    [['--', '--http-port', '1'], /^unexpected argument "--http-port"$/],
  ];
  it.each(single)('%j', (argv, expected) => {
    const errors = errorsOf(argv);
    expect(errors[0]).toMatch(expected);
  });

  it('reports every problem at once, one line each, flags and variables alike', () => {
    const errors = errorsOf(
      [
        '--http-port',
        'x',
        '--admin-port=70000',
        '--bogus=1',
        'stray',
        '--kubeconfig',
        '/k',
        '--manifests=/m',
        '--shutdown-grace',
        '3x',
        '--publish-service',
        'a',
      ],
      { SLUICE_RETRIES: 'many' },
    );
    expect(errors).toHaveLength(8);
    for (const error of errors) expect(error).not.toContain('\n');
    expect(errors.join('\n')).toMatch(/--http-port.*\n.*--admin-port/s);
    expect(errors).toContain('SLUICE_RETRIES: "many" is not a whole number (expected a count 0-10)');
    expect(errors).toContain('unexpected argument "stray"');
  });

  it('the conflict check uses the variable when the flag is absent', () => {
    expect(errorsOf(['--manifests', '/m'], { SLUICE_KUBECONFIG: '/k' })).toEqual([
      'SLUICE_KUBECONFIG and --manifests conflict: watch either a cluster or a manifest directory, not both',
    ]);
  });
});

describe('durations and sizes', () => {
  it.each([
    ['30s', 30_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['0.25s', 250],
    ['7', 7000],
    ['0', 0],
  ])('duration %s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  it('rejects durations a timer cannot hold', () => {
    expect(parseDuration('1000h').ok).toBe(false);
  });

  it.each([
    ['16k', 16 * 1024],
    ['16KiB', 16 * 1024],
    ['16kb', 16 * 1024],
    ['3M', 3 * 1024 ** 2],
    ['2g', 2 * 1024 ** 3],
    ['123', 123],
    ['123b', 123],
  ])('size %s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toEqual({ ok: true, value: bytes });
  });
});

describe('help and README', () => {
  it('--help wins over everything and lists every flag with its default and variable', () => {
    const result = parseConfig(['--http-port', 'bad', '--help'], {});
    expect(result.ok).toBe('help');
    const text = result.ok === 'help' ? result.text : '';
    expect(text).toBe(helpText());
    for (const spec of FLAGS) {
      expect(text).toContain(`--${spec.name}`);
      expect(text).toContain(`default: ${spec.defaultText}; env: ${envVarName(spec.name)}`);
    }
    expect(parseConfig(['-h'], {}).ok).toBe('help');
  });

  it('renders the same table as Markdown, one row per flag, pipes escaped', () => {
    const table = flagsMarkdownTable();
    const rows = table.trimEnd().split('\n');
    expect(rows[0]).toBe('| flag | default | environment | meaning |');
    expect(rows).toHaveLength(FLAGS.length + 2);
    expect(table).toContain('| `--workers N\\|auto` | 1 | `SLUICE_WORKERS` |');
    for (const row of rows.slice(2)) expect(row.split(/(?<!\\)\|/)).toHaveLength(6);
  });

  it('every default in the table parses to the default value it documents', () => {
    // "none", "all", "self-signed"…: defaults that are absences, not values.
    const valued = FLAGS.filter((spec) => spec.defaultValue !== null && !Array.isArray(spec.defaultValue));
    expect(valued).toHaveLength(FLAGS.length - 14);
    expect(Object.fromEntries(valued.map((spec) => [spec.name, spec.parse(spec.defaultText.split(' ')[0])]))).toEqual(
      Object.fromEntries(valued.map((spec) => [spec.name, { ok: true, value: spec.defaultValue }])),
    );
  });
});
