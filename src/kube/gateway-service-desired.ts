// The Service one Gateway wants: in the controller's namespace (a selector reaches only pods of its own
// namespace), selecting the sluice pods, each listener port mapped to its container port, owned by the Gateway
// when it lives there too (owner references never cross namespaces), else by its GatewayClass. Pure.
import type { ServiceTypeChoice } from '../routing/gateway/parameters.ts';
import type { KubeObject } from '../routing/types.ts';
import {
  GATEWAY_ANNOTATION,
  GATEWAY_NAME_LABEL,
  LABEL_VALUE,
  metaOf,
  OWNER_LABEL,
  SERVICE_TYPE_ANNOTATION,
  SERVICE_TYPES,
  serviceNameOf,
  type PortRange,
  type ServiceObject,
  type ServiceType,
} from './gateway-service-model.ts';
import { PROPAGATED_ANNOTATION, propagatedValue } from './gateway-service-propagated.ts';

export interface ProvisionSettings {
  /** The controller's namespace: where the Services live. */
  readonly namespace: string;
  /** OWNER_LABEL's value (ownerLabelValue of --gateway-controller-name). */
  readonly ownerValue: string;
  /** The sluice pods' labels. */
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: PortRange;
  /** --gateway-service-type. */
  readonly defaultType: ServiceType;
}

/** An accepted Gateway with listeners, as the plan needs it. */
export interface GatewayToServe {
  /** "namespace/name". */
  readonly gateway: string;
  /** The Gateway object (uid, annotations). */
  readonly object: KubeObject;
  /** Its GatewayClass (the owner when the Gateway is in another namespace). */
  readonly gatewayClass: KubeObject | undefined;
  /** Listener ports, sorted, unique. */
  readonly ports: readonly number[];
  /** The type a parametersRef ConfigMap chooses (the build's GatewayListener.serviceType), or null. */
  readonly parameters: ServiceTypeChoice | null;
}

const GROUP_VERSION = 'gateway.networking.k8s.io/v1';

/**
 * The type of a Gateway's Service. Precedence, most specific first: the Gateway's own parametersRef
 * ConfigMap (the Gateway API field), its ${SERVICE_TYPE_ANNOTATION} annotation, its GatewayClass's
 * parametersRef ConfigMap (a default for the class), then --gateway-service-type (`fallback`). A bad annotation
 * falls through to the next with a problem; an annotation the Gateway's ConfigMap overrides is a problem too.
 */
export function serviceTypeOf(gateway: GatewayToServe, fallback: ServiceType): { type: ServiceType; problem?: string } {
  const asked = metaOf(gateway.object).annotations?.[SERVICE_TYPE_ANNOTATION];
  const chosen = gateway.parameters;
  if (chosen?.from === 'Gateway') {
    if (asked === undefined || asked === chosen.type) return { type: chosen.type };
    return {
      type: chosen.type,
      problem: `Gateway ${gateway.gateway}: annotation ${SERVICE_TYPE_ANNOTATION} "${String(asked)}" is overridden by its parametersRef ConfigMap ${chosen.configMap} (serviceType ${chosen.type})`,
    };
  }
  const next = chosen?.type ?? fallback;
  if (asked === undefined) return { type: next };
  if ((SERVICE_TYPES as readonly unknown[]).includes(asked)) return { type: asked as ServiceType };
  return {
    type: next,
    problem: `Gateway ${gateway.gateway}: annotation ${SERVICE_TYPE_ANNOTATION} "${String(asked)}" is not one of ${SERVICE_TYPES.join(', ')}; using ${next}`,
  };
}

export function desiredService(
  gateway: GatewayToServe,
  containerPorts: ReadonlyMap<number, number>,
  type: ServiceType,
  settings: ProvisionSettings,
): ServiceObject {
  const ports = gateway.ports
    .filter((port) => containerPorts.has(port))
    .map((port) => ({ name: `port-${port}`, protocol: 'TCP', port, targetPort: containerPorts.get(port) }));
  const infraLabels = infrastructure(gateway, 'labels');
  const infraAnnotations = infrastructure(gateway, 'annotations');
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: serviceNameOf(gateway.gateway),
      namespace: settings.namespace,
      // spec.infrastructure's labels and annotations are propagated (and recorded); ours win on a clash.
      labels: { ...infraLabels, ...ownLabels(gateway, settings) },
      annotations: {
        ...infraAnnotations,
        [GATEWAY_ANNOTATION]: gateway.gateway,
        [PROPAGATED_ANNOTATION]: propagatedValue(infraLabels, infraAnnotations),
      },
      ownerReferences: ownerReferencesOf(gateway, settings.namespace),
    },
    spec: { type, selector: { ...settings.selector }, ports },
  };
}

function ownerReferencesOf(gateway: GatewayToServe, namespace: string): Record<string, unknown>[] {
  const meta = metaOf(gateway.object);
  if (meta.namespace === namespace && typeof meta.uid === 'string') {
    return [{ apiVersion: GROUP_VERSION, kind: 'Gateway', name: meta.name, uid: meta.uid, controller: true }];
  }
  const classMeta = gateway.gatewayClass === undefined ? undefined : metaOf(gateway.gatewayClass);
  if (typeof classMeta?.uid === 'string') {
    return [{ apiVersion: GROUP_VERSION, kind: 'GatewayClass', name: classMeta.name, uid: classMeta.uid }];
  }
  return [];
}

function ownLabels(gateway: GatewayToServe, settings: ProvisionSettings): Record<string, string> {
  const labels: Record<string, string> = {
    [OWNER_LABEL]: settings.ownerValue,
    'app.kubernetes.io/managed-by': 'sluice',
  };
  // GEP-1762: resources made for a Gateway carry its name (when it fits a label value).
  const name = metaOf(gateway.object).name;
  if (typeof name === 'string' && name.length <= 63 && LABEL_VALUE.test(name)) labels[GATEWAY_NAME_LABEL] = name;
  return labels;
}

/** spec.infrastructure.labels or .annotations: string entries only (the CRD validates keys and values). */
function infrastructure(gateway: GatewayToServe, field: 'labels' | 'annotations'): Record<string, string> {
  const spec = gateway.object.spec as { infrastructure?: Record<string, unknown> } | undefined;
  const map = spec?.infrastructure?.[field];
  if (typeof map !== 'object' || map === null) return {};
  return Object.fromEntries(
    Object.entries(map).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
