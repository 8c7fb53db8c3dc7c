// Opaque Secrets (auth-secret's htpasswd, proxy-ssl-secret's CA): watched, but only those an Ingress
// annotation names keep their data (referenced-objects.ts says how, routing/secret-references.ts which).
import { referencedSecretKeys } from '../routing/secret-references.ts';
import { type ReferencedKind, ReferencedObjects, type ReferencedObjectsOptions } from './referenced-objects.ts';
import { opaqueSecrets } from './resources.ts';

const OPAQUE_SECRETS: ReferencedKind = {
  resource: opaqueSecrets,
  apiVersion: 'v1',
  references: (_kind, ingress) => referencedSecretKeys(ingress),
  dataFields: ['data', 'stringData'],
};

export class OpaqueSecrets extends ReferencedObjects {
  constructor(options: ReferencedObjectsOptions) {
    super(options, OPAQUE_SECRETS);
  }
}
