import { describe, expect, it } from 'vitest';
import { SETTINGS, stored, toServe } from '../../test/support/kube-gateway-services.ts';
import { GATEWAY_ANNOTATION, OWNER_LABEL, ownerLabelValue, serviceNameOf } from './gateway-service-model.ts';
import { planServices } from './gateway-service-plan.ts';
import { PROPAGATED_ANNOTATION } from './gateway-service-propagated.ts';
import { allocateContainerPorts } from './gateway-service-ports.ts';

describe('planServices', () => {
  it('creates one Service per Gateway: our label, the sluice pods, each listener port on its container port', () => {
    const plan = planServices([toServe('sluice', 'edge', [80, 443])], new Set(), [], SETTINGS);
    expect(plan.updates).toEqual([]);
    expect(plan.deletes).toEqual([]);
    expect(plan.problems).toEqual([]);
    expect(plan.creates).toHaveLength(1);
    const [service] = plan.creates;
    expect(service.metadata).toMatchObject({
      name: serviceNameOf('sluice/edge'),
      namespace: 'sluice',
      labels: { [OWNER_LABEL]: 'sluice.dev.gateway-controller' },
      annotations: { [GATEWAY_ANNOTATION]: 'sluice/edge' },
      // Same namespace: the Gateway owns it, so deleting the Gateway deletes the Service.
      ownerReferences: [
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          name: 'edge',
          uid: 'uid-sluice-edge',
          controller: true,
        },
      ],
    });
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.selector).toEqual(SETTINGS.selector);
    const ports = service.spec.ports ?? [];
    expect(ports.map((p) => [p.name, p.port, p.protocol])).toEqual([
      ['port-80', 80, 'TCP'],
      ['port-443', 443, 'TCP'],
    ]);
    const targets = ports.map((p) => p.targetPort as number);
    for (const target of targets) expect(target).toBeGreaterThanOrEqual(20000);
    for (const target of targets) expect(target).toBeLessThanOrEqual(20009);
    expect(new Set(targets).size).toBe(2);
  });

  it('a Gateway in another namespace is owned by its GatewayClass (owner references never cross namespaces)', () => {
    const [service] = planServices([toServe('shop', 'edge', [80])], new Set(), [], SETTINGS).creates;
    expect(service.metadata.namespace).toBe('sluice');
    expect(service.metadata.ownerReferences).toEqual([
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', name: 'sluice', uid: 'uid-class-sluice' },
    ]);
  });

  it('propagates spec.infrastructure labels and annotations (ours win) and labels the Gateway name (GEP-1762)', () => {
    const gateway = toServe('shop', 'edge', [80]);
    const infra = {
      labels: { team: 'web', [OWNER_LABEL]: 'spoofed', odd: 7 },
      annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb', [GATEWAY_ANNOTATION]: 'x/y' },
    };
    const object = { ...gateway.object, spec: { gatewayClassName: 'sluice', infrastructure: infra } };
    const [service] = planServices([{ ...gateway, object }], new Set(), [], SETTINGS).creates;
    expect(service.metadata.labels).toEqual({
      team: 'web',
      [OWNER_LABEL]: 'sluice.dev.gateway-controller',
      'app.kubernetes.io/managed-by': 'sluice',
      'gateway.networking.k8s.io/gateway-name': 'edge',
    });
    expect(service.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
      [GATEWAY_ANNOTATION]: 'shop/edge',
      [PROPAGATED_ANNOTATION]: JSON.stringify({
        labels: [OWNER_LABEL, 'team'],
        annotations: [GATEWAY_ANNOTATION, 'service.beta.kubernetes.io/aws-load-balancer-type'],
      }),
    });
    // A new infrastructure annotation is an update, and the one no longer asked for goes; others' stay.
    const next = { ...object, spec: { ...object.spec, infrastructure: { labels: {}, annotations: { a: 'b' } } } };
    const current = stored({
      ...service,
      metadata: { ...service.metadata, labels: { ...service.metadata.labels, 'someone.else/label': 'kept' } },
    });
    const update = planServices([{ ...gateway, object: next }], new Set(), [current], SETTINGS).updates[0];
    expect(update?.metadata.annotations).toMatchObject({ a: 'b', [GATEWAY_ANNOTATION]: 'shop/edge' });
    expect(update?.metadata.annotations).not.toHaveProperty('service.beta.kubernetes.io/aws-load-balancer-type');
    expect(update?.metadata.labels).not.toHaveProperty('team');
    expect(update?.metadata.labels).toMatchObject({ 'someone.else/label': 'kept', [OWNER_LABEL]: expect.any(String) });
    // Once applied, nothing more to do.
    const applied = stored({ ...current, metadata: update!.metadata });
    expect(planServices([{ ...gateway, object: next }], new Set(), [applied], SETTINGS).updates).toEqual([]);
  });

  it('takes the type from the sluice.dev/service-type annotation; a bad one is a problem and the default', () => {
    const plan = planServices(
      [
        toServe('shop', 'internal', [80], { 'sluice.dev/service-type': 'ClusterIP' }),
        toServe('shop', 'odd', [80], { 'sluice.dev/service-type': 'ExternalName' }),
      ],
      new Set(),
      [],
      SETTINGS,
    );
    expect(plan.creates.map((s) => s.spec.type)).toEqual(['ClusterIP', 'LoadBalancer']);
    expect(plan.problems).toEqual([
      'Gateway shop/odd: annotation sluice.dev/service-type "ExternalName" is not one of LoadBalancer, NodePort, ClusterIP; using LoadBalancer',
    ]);
  });

  // Gateway parametersRef ConfigMap > annotation > GatewayClass parametersRef ConfigMap > --gateway-service-type.
  it('takes the type from a parametersRef ConfigMap: the Gateway one over the annotation, the annotation over the class one', () => {
    const annotated = { 'sluice.dev/service-type': 'ClusterIP' };
    const own = { type: 'NodePort', from: 'Gateway', configMap: 'shop/params' } as const;
    const ofClass = { type: 'NodePort', from: 'GatewayClass', configMap: 'sluice/params' } as const;
    const plan = planServices(
      [
        toServe('shop', 'own', [80], {}, own),
        toServe('shop', 'own-annotated', [80], annotated, own),
        toServe('shop', 'class', [80], {}, ofClass),
        toServe('shop', 'class-annotated', [80], annotated, ofClass),
        toServe('shop', 'class-bad-annotation', [80], { 'sluice.dev/service-type': 'Nope' }, ofClass),
      ],
      new Set(),
      [],
      SETTINGS,
    );
    expect(plan.creates.map((s) => `${s.metadata.annotations?.[GATEWAY_ANNOTATION]} ${s.spec.type}`)).toEqual([
      'shop/own NodePort',
      'shop/own-annotated NodePort',
      'shop/class NodePort',
      'shop/class-annotated ClusterIP',
      'shop/class-bad-annotation NodePort',
    ]);
    expect(plan.problems).toEqual([
      'Gateway shop/own-annotated: annotation sluice.dev/service-type "ClusterIP" is overridden by its parametersRef ConfigMap shop/params (serviceType NodePort)',
      'Gateway shop/class-bad-annotation: annotation sluice.dev/service-type "Nope" is not one of LoadBalancer, NodePort, ClusterIP; using NodePort',
    ]);
  });

  it('changes nothing when the Service matches, whatever else the API server or others added', () => {
    const [created] = planServices([toServe('shop', 'edge', [80])], new Set(), [], SETTINGS).creates;
    const current = stored(created, { nodePorts: true }) as { metadata: { labels: Record<string, string> } };
    current.metadata.labels.team = 'web';
    const plan = planServices([toServe('shop', 'edge', [80])], new Set(), [current], SETTINGS);
    expect(plan).toEqual({ creates: [], updates: [], deletes: [], problems: [] });
  });

  it('keeps the container ports already written when a listener is added, and keeps node ports and clusterIP', () => {
    const [created] = planServices([toServe('shop', 'edge', [80])], new Set(), [], SETTINGS).creates;
    const before = created.spec.ports?.[0].targetPort;
    const current = stored(created, { nodePorts: true });
    const plan = planServices([toServe('shop', 'edge', [80, 8080])], new Set(), [current], SETTINGS);
    expect(plan.creates).toEqual([]);
    expect(plan.updates).toHaveLength(1);
    const [updated] = plan.updates;
    expect(updated.metadata.resourceVersion).toBe('7');
    expect(updated.spec.clusterIP).toBe('10.96.0.10');
    expect(updated.spec.ports?.map((p) => [p.port, p.nodePort])).toEqual([
      [80, 30000],
      [8080, undefined],
    ]);
    expect(updated.spec.ports?.[0].targetPort).toBe(before);
  });

  it('a type change to ClusterIP drops the node ports and the load balancer settings', () => {
    const [created] = planServices([toServe('shop', 'edge', [80])], new Set(), [], SETTINGS).creates;
    const lb = {
      externalTrafficPolicy: 'Local',
      loadBalancerClass: 'x',
      healthCheckNodePort: 31000,
      sessionAffinity: 'None',
    };
    const withLb = stored(created, { nodePorts: true }) as { spec: Record<string, unknown> };
    const current = { ...withLb, spec: { ...withLb.spec, ...lb } };
    const plan = planServices(
      [toServe('shop', 'edge', [80], { 'sluice.dev/service-type': 'ClusterIP' })],
      new Set(),
      [current],
      SETTINGS,
    );
    expect(plan.updates[0].spec.type).toBe('ClusterIP');
    expect(plan.updates[0].spec.ports?.[0].nodePort).toBeUndefined();
    for (const field of ['externalTrafficPolicy', 'loadBalancerClass', 'healthCheckNodePort']) {
      expect(plan.updates[0].spec[field], field).toBeUndefined();
    }
    expect(plan.updates[0].spec.sessionAffinity).toBe('None');
  });

  it('deletes our Services no Gateway needs, never one without our label or another controller’s', () => {
    const [ours] = planServices([toServe('shop', 'gone', [80])], new Set(), [], SETTINGS).creates;
    const theirs = stored({
      ...ours,
      metadata: { ...ours.metadata, name: 'theirs', labels: { [OWNER_LABEL]: ownerLabelValue('example.com/other') } },
    });
    const unlabelled = stored({ ...ours, metadata: { ...ours.metadata, name: 'plain', labels: {} } });
    const plan = planServices([], new Set(), [stored(ours), theirs, unlabelled], SETTINGS);
    expect(plan.deletes).toEqual([{ name: ours.metadata.name, uid: `uid-${ours.metadata.name}` }]);
  });

  it('leaves the Service of a Gateway still served but not at hand', () => {
    const [ours] = planServices([toServe('shop', 'later', [80])], new Set(), [], SETTINGS).creates;
    expect(planServices([], new Set(['shop/later']), [stored(ours)], SETTINGS).deletes).toEqual([]);
  });

  it('reports listener ports the range has no room for', () => {
    const tiny = { ...SETTINGS, ports: { first: 20000, last: 20000 } };
    const plan = planServices([toServe('shop', 'a', [80]), toServe('shop', 'b', [80])], new Set(), [], tiny);
    expect(plan.creates.map((s) => [s.metadata.annotations?.[GATEWAY_ANNOTATION], s.spec.ports?.length])).toEqual([
      ['shop/a', 1],
    ]);
    expect(plan.problems).toEqual(['Gateway shop/b: no free container port in 20000-20000 for port 80']);
  });
});

describe('allocateContainerPorts', () => {
  const range = { first: 20000, last: 20099 };

  it('is deterministic: the same Gateways give the same ports whatever their order', () => {
    const a = { gateway: 'shop/a', ports: [80, 443] };
    const b = { gateway: 'shop/b', ports: [80] };
    expect(allocateContainerPorts([a, b], new Map(), range)).toEqual(allocateContainerPorts([b, a], new Map(), range));
  });

  it('keeps a port in the range the Service already maps; re-allocates one outside it or claimed twice', () => {
    const current = new Map([
      ['shop/a', new Map([[80, 20050]])],
      [
        'shop/b',
        new Map([
          [80, 20050],
          [443, 30000],
        ]),
      ],
    ]);
    const out = allocateContainerPorts(
      [
        { gateway: 'shop/a', ports: [80] },
        { gateway: 'shop/b', ports: [80, 443] },
      ],
      current,
      range,
    );
    expect(out.get('shop/a')?.get(80)).toBe(20050);
    expect(out.get('shop/b')?.get(80)).not.toBe(20050);
    expect(out.get('shop/b')?.get(443)).not.toBe(30000);
    expect(out.get('shop/b')?.get(443)).toBeGreaterThanOrEqual(20000);
  });
});

describe('names', () => {
  it('a Service name is a DNS-1035 label of at most 63 characters, distinct per Gateway', () => {
    const long = `shop/${'a.b-'.repeat(60)}z`;
    for (const gateway of ['shop/edge', 'other/edge', long, 'x/9start']) {
      const name = serviceNameOf(gateway);
      expect(name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
      expect(name.length).toBeLessThanOrEqual(63);
    }
    expect(serviceNameOf('shop/edge')).not.toBe(serviceNameOf('other/edge'));
  });

  it('the owner label value is the controller name made a label value, else a hash', () => {
    expect(ownerLabelValue('sluice.dev/gateway-controller')).toBe('sluice.dev.gateway-controller');
    expect(ownerLabelValue(`example.com/${'x'.repeat(80)}`)).toMatch(/^h[0-9a-f]+$/);
    expect(ownerLabelValue('example.com/a~b')).toMatch(/^h[0-9a-f]+$/);
  });
});
