// ConfigMaps (custom-headers, auth-proxy-set-headers, Gateway parameters): watched, but only those an Ingress
// annotation or a Gateway API parametersRef names keep their data (referenced-objects.ts says how,
// routing/configmap-references.ts which).
import { configMapKeysOf } from '../routing/configmap-references.ts';
import { type ReferencedKind, ReferencedObjects, type ReferencedObjectsOptions } from './referenced-objects.ts';
import { configMaps } from './resources.ts';

const CONFIG_MAPS: ReferencedKind = {
  resource: configMaps,
  apiVersion: 'v1',
  references: configMapKeysOf,
  dataFields: ['data', 'binaryData'],
};

export class ReferencedConfigMaps extends ReferencedObjects {
  constructor(options: ReferencedObjectsOptions) {
    super(options, CONFIG_MAPS);
  }
}
