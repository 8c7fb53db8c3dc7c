import { describe, expect, it } from 'vitest';
import { parseManifestFile } from './manifest-file.ts';

describe('parseManifestFile', () => {
  it('reads every document of a multi-document YAML file, skipping empty ones', () => {
    const parsed = parseManifestFile(
      'm.yaml',
      [
        'kind: Service',
        'metadata: {name: a, namespace: x}',
        '---',
        '---',
        'kind: Service',
        'metadata: {name: b}',
        '---',
        '',
      ].join('\n'),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.objects.map((o) => [o.kind, o.namespace, o.name, o.position])).toEqual([
      ['Service', 'x', 'a', 'm.yaml:1:1'],
      ['Service', 'default', 'b', 'm.yaml:5:1'],
    ]);
    expect((parsed.objects[1].object.metadata as { namespace: string }).namespace).toBe('default');
  });

  it('drops a namespace from cluster-scoped IngressClasses', () => {
    const parsed = parseManifestFile(
      'c.yaml',
      'kind: IngressClass\nmetadata: {name: sluice, namespace: x}\nspec: {controller: a/b}\n',
    );
    expect(parsed.objects[0]).toMatchObject({ key: 'ingressClasses', namespace: '' });
    expect(parsed.objects[0].object.metadata).toEqual({ name: 'sluice' });
  });

  it('reports a YAML syntax error as file:line:col and fails the whole file', () => {
    const parsed = parseManifestFile(
      'bad.yaml',
      'kind: Service\nmetadata:\n  name: a\n---\nkind: Service\nmetadata: {name: [b\n',
    );
    expect(parsed.failed).toBe(true);
    expect(parsed.objects).toEqual([]);
    expect(parsed.errors.length).toBeGreaterThan(0);
    expect(parsed.errors[0]).toMatch(/^bad\.yaml:\d+:\d+: \S/);
    expect(parsed.errors[0]).not.toContain('\n');
  });

  it('points at the offending line of a bad indentation', () => {
    const parsed = parseManifestFile('indent.yaml', 'kind: Service\nmetadata:\n  name: a\n namespace: b\n');
    expect(parsed.failed).toBe(true);
    expect(parsed.errors[0]).toMatch(/^indent\.yaml:4:\d+: /);
  });

  it('reports duplicate keys, which the API server would reject', () => {
    const parsed = parseManifestFile('dup.yaml', 'kind: Service\nmetadata: {name: a}\nkind: Secret\n');
    expect(parsed.failed).toBe(true);
    expect(parsed.errors[0]).toMatch(/^dup\.yaml:3:1: /);
  });

  it('reads JSON files, including a List, and reports JSON errors with line and column', () => {
    const list = JSON.stringify({
      kind: 'List',
      items: [
        { kind: 'Service', metadata: { name: 'a' } },
        { kind: 'Service', metadata: { name: 'b' } },
      ],
    });
    expect(parseManifestFile('l.json', list).objects.map((o) => o.name)).toEqual(['a', 'b']);
    const broken = parseManifestFile('b.json', '{\n  "kind": "Service",\n  "metadata": {"name": }\n}\n');
    expect(broken.failed).toBe(true);
    expect(broken.errors[0]).toMatch(/^b\.json:3:24: Unexpected token/);
    const unterminated = parseManifestFile('u.json', '{\n  "kind": "Service"\n  "metadata": {}\n}');
    expect(unterminated.errors[0]).toMatch(/^u\.json:3:3: Expected ',' or '}'/);
  });

  it('folds Secret stringData into base64 data, stringData winning', () => {
    const parsed = parseManifestFile(
      's.yaml',
      [
        'kind: Secret',
        'type: kubernetes.io/tls',
        'metadata: {name: tls, namespace: demo}',
        'data: {tls.key: b2xk, other: eA==}',
        'stringData: {tls.crt: "CERT ✓", tls.key: KEY}',
      ].join('\n'),
    );
    expect(parsed.errors).toEqual([]);
    const secret = parsed.objects[0].object;
    expect(secret.stringData).toBeUndefined();
    expect(secret.data).toEqual({
      'tls.crt': Buffer.from('CERT ✓').toString('base64'),
      'tls.key': Buffer.from('KEY').toString('base64'),
      other: 'eA==',
    });
  });

  it('skips Secrets neither TLS nor Opaque and unknown kinds, saying why; a Secret without type is Opaque', () => {
    const parsed = parseManifestFile(
      'o.yaml',
      [
        'kind: Secret\nmetadata: {name: s}\ntype: kubernetes.io/dockerconfigjson',
        'kind: Deployment\nmetadata: {name: d}',
        'kind: Secret\nmetadata: {name: untyped}',
      ].join('\n---\n'),
    );
    expect(parsed.objects.map((item) => [item.name, item.object.type])).toEqual([['untyped', 'Opaque']]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.ignored).toEqual([
      'o.yaml:1:1: Secret default/s is of type kubernetes.io/dockerconfigjson, not read',
      'o.yaml:5:1: kind Deployment is not one sluice reads',
    ]);
  });

  it('reads the Gateway API kinds and Namespaces, only from gateway.networking.k8s.io, with a generation', () => {
    const parsed = parseManifestFile(
      'g.yaml',
      [
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: GatewayClass',
        'metadata: {name: sluice, namespace: x}',
        '---',
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: Gateway',
        'metadata: {name: edge}',
        '---',
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: HTTPRoute',
        'metadata: {name: web, namespace: shop, generation: 4}',
        '---',
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: GRPCRoute',
        'metadata: {name: rpc, namespace: shop}',
        '---',
        'apiVersion: gateway.networking.k8s.io/v1beta1',
        'kind: ReferenceGrant',
        'metadata: {name: allow, namespace: backends}',
        '---',
        'apiVersion: v1',
        'kind: Namespace',
        'metadata: {name: shop, labels: {team: a}}',
        '---',
        'apiVersion: networking.istio.io/v1',
        'kind: Gateway',
        'metadata: {name: istio}',
        '',
      ].join('\n'),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.objects.map((o) => [o.key, o.namespace, o.name])).toEqual([
      ['gatewayClasses', '', 'sluice'],
      ['gateways', 'default', 'edge'],
      ['httpRoutes', 'shop', 'web'],
      ['grpcRoutes', 'shop', 'rpc'],
      ['referenceGrants', 'backends', 'allow'],
      ['namespaces', '', 'shop'],
    ]);
    expect(parsed.objects.map((o) => (o.object.metadata as { generation?: number }).generation)).toEqual([
      1,
      1,
      4,
      1,
      1,
      undefined,
    ]);
    expect(parsed.ignored).toEqual(['g.yaml:25:1: networking.istio.io/v1 Gateway is not one sluice reads']);
  });

  it('reports objects it cannot use without failing the rest of the file', () => {
    const parsed = parseManifestFile(
      'p.yaml',
      [
        'kind: Service',
        'metadata: {namespace: x}',
        '---',
        '- a list',
        '---',
        'metadata: {name: n}',
        '---',
        'kind: Service',
        'metadata: {name: ok}',
      ].join('\n'),
    );
    expect(parsed.failed).toBe(false);
    expect(parsed.errors).toEqual([
      'p.yaml:1:1: Service has no metadata.name',
      'p.yaml:4:1: expected a Kubernetes object (a mapping with kind and metadata)',
      'p.yaml:6:1: object has no kind',
    ]);
    expect(parsed.objects.map((o) => o.name)).toEqual(['ok']);
  });

  it('never throws on hostile input', () => {
    for (const text of [
      '',
      '\u0000',
      '*a',
      '&a [*a, *a]',
      '{{{{',
      '--- !!binary x',
      'kind: Secret\nmetadata: {name: s}\nstringData: 3\n',
    ]) {
      expect(() => parseManifestFile('x.yaml', text)).not.toThrow();
    }
  });
});
