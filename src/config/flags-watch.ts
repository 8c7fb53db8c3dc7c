// What to watch: the cluster or a manifest directory, namespaces, and which Ingresses are ours.
import { flag } from './flag.ts';
import type { FlagSpec } from './types.ts';
import { listOf, parseBoolean, parseNamespace, parseNullableText, parseText } from './value-parsers.ts';

export const WATCH_FLAGS: readonly FlagSpec[] = [
  flag({
    name: 'kubeconfig',
    key: 'kubeconfig',
    placeholder: 'PATH',
    defaultValue: null,
    defaultText: 'in-cluster, else $KUBECONFIG or ~/.kube/config',
    help: 'the cluster to watch',
    parse: parseNullableText,
  }),
  flag({
    name: 'manifests',
    key: 'manifests',
    placeholder: 'DIR',
    defaultValue: null,
    defaultText: 'none',
    help: 'watch a directory of YAML manifests instead of a cluster',
    parse: parseNullableText,
  }),
  flag({
    name: 'watch-namespace',
    key: 'watchNamespaces',
    placeholder: 'NS[,NS]',
    defaultValue: [],
    defaultText: 'all',
    help: 'limit what is watched to these namespaces',
    parse: listOf(parseNamespace),
    list: true,
  }),
  flag({
    name: 'ingress-class',
    key: 'ingressClass',
    placeholder: 'NAME',
    defaultValue: 'sluice',
    defaultText: 'sluice',
    help: 'legacy kubernetes.io/ingress.class value; name of our class',
    parse: parseText,
  }),
  flag({
    name: 'controller-class',
    key: 'controllerClass',
    placeholder: 'VALUE',
    defaultValue: 'sluice.dev/ingress-controller',
    defaultText: 'sluice.dev/ingress-controller',
    help: 'IngressClass spec.controller we own',
    parse: parseText,
  }),
  flag({
    name: 'watch-ingress-without-class',
    key: 'watchIngressWithoutClass',
    defaultValue: false,
    defaultText: 'false',
    help: 'also serve Ingresses with no class',
    parse: parseBoolean,
  }),
] as FlagSpec[];
