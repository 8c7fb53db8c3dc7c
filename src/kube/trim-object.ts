// What the informers keep of each object: everything but two fields nothing in sluice reads and that are
// often the bulk of an object, so 10k Ingresses do not keep megabytes of them alive (issue 11).
// metadata.managedFields (server-side apply's field ownership) and kubectl's last-applied annotation (a
// full copy of the object as JSON text). Stripping managed fields before caching is the client-side advice
// of kube.rs's controller optimisation guide (https://kube.rs/controllers/optimization/).

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Drops those fields in place (the object was just parsed from the API's answer: nothing else holds it). */
export function trimObject(object: unknown): void {
  if (typeof object !== 'object' || object === null) return;
  const metadata = (object as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return;
  const meta = metadata as { managedFields?: unknown; annotations?: unknown };
  if (meta.managedFields !== undefined) delete meta.managedFields;
  const annotations = meta.annotations;
  if (typeof annotations === 'object' && annotations !== null && LAST_APPLIED_ANNOTATION in annotations)
    delete (annotations as Record<string, unknown>)[LAST_APPLIED_ANNOTATION];
}
