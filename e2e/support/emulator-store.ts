import { randomUUID } from 'node:crypto';
import { apiVersionOf, typeKey, type ResourceType } from './emulator-resources.ts';
import { applyJsonPatch, applyMergePatch, PatchError } from './emulator-patch.ts';
import type { KubeObject } from './emulator-selectors.ts';
import { serviceDefaults } from './emulator-services.ts';

/** An API failure with the HTTP status and `reason` the real API server uses. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  constructor(code: number, reason: string, message: string) {
    super(message);
    this.code = code;
    this.reason = reason;
  }
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface HistoryEntry {
  readonly rv: number;
  readonly type: EventType;
  readonly typeKey: string;
  /** The object after the change (for DELETED: its last state, stamped with the deletion's resourceVersion). */
  readonly object: KubeObject;
  /** The object before the change, or null for ADDED. Watches with selectors need it. */
  readonly previous: KubeObject | null;
}

export type Subresource = '' | 'status';

/** How a write arrived: over HTTP the status rules apply; programmatic writes (`apply`) set everything. */
export interface WriteOptions {
  readonly subresource: Subresource;
  readonly viaApi: boolean;
}

function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Everything except metadata and status: a change here bumps metadata.generation. */
function specPart(object: KubeObject): string {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return JSON.stringify(rest);
}

function withoutResourceVersion(object: KubeObject): string {
  const copy = structuredClone(object);
  if (copy.metadata !== undefined) delete copy.metadata.resourceVersion;
  return JSON.stringify(copy);
}

/**
 * The emulator's state: objects by type, one global increasing resourceVersion, and the full event history
 * (compaction is logical: watches from before `compactedRv` are answered 410, the entries stay for open watches).
 */
export class EmulatorStore {
  resourceVersion = 1;
  compactedRv = 0;
  readonly history: HistoryEntry[] = [];
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<() => void>();

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const key = typeKey(type);
    let bucket = this.objects.get(key);
    if (bucket === undefined) {
      bucket = new Map();
      this.objects.set(key, bucket);
    }
    return bucket;
  }

  private ns(type: ResourceType, namespace: string | undefined): string {
    return type.namespaced ? (namespace ?? '') : '';
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.bucket(type).get(objectKey(this.ns(type, namespace), name));
  }

  /** Objects of a type, sorted by namespace then name; `namespace` undefined or '' means all. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const object of this.bucket(type).values()) {
      if (namespace && type.namespaced && object.metadata.namespace !== namespace) continue;
      out.push(object);
    }
    return out.sort((a, b) =>
      objectKey(a.metadata.namespace ?? '', a.metadata.name).localeCompare(
        objectKey(b.metadata.namespace ?? '', b.metadata.name),
      ),
    );
  }

  /** Bumps the resourceVersion with no event and makes every older one expired (410 on watch). */
  compact(): void {
    this.resourceVersion++;
    this.compactedRv = this.resourceVersion;
  }

  private notFound(type: ResourceType, name: string): ApiError {
    const what = type.group === '' ? type.plural : `${type.plural}.${type.group}`;
    return new ApiError(404, 'NotFound', `${what} "${name}" not found`);
  }

  private record(type: ResourceType, eventType: EventType, object: KubeObject, previous: KubeObject | null): void {
    this.history.push({ rv: this.resourceVersion, type: eventType, typeKey: typeKey(type), object, previous });
    for (const listener of this.listeners) listener();
  }

  private normalize(type: ResourceType, namespace: string | undefined, body: KubeObject): KubeObject {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ApiError(400, 'BadRequest', 'the body must be a JSON object');
    }
    const object = structuredClone(body);
    object.apiVersion = apiVersionOf(type);
    object.kind = type.kind;
    object.metadata = object.metadata ?? {};
    if (type.namespaced) {
      const ns = namespace || object.metadata.namespace || 'default';
      if (object.metadata.namespace && object.metadata.namespace !== ns) {
        throw new ApiError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      object.metadata.namespace = ns;
    } else {
      delete object.metadata.namespace;
    }
    return object;
  }

  create(type: ResourceType, namespace: string | undefined, body: KubeObject, options: WriteOptions): KubeObject {
    const object = this.normalize(type, namespace, body);
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = `${object.metadata.generateName}${randomUUID().slice(0, 5)}`;
    }
    if (!object.metadata.name) throw new ApiError(422, 'Invalid', `${type.kind} "": metadata.name: Required value`);
    const key = objectKey(object.metadata.namespace ?? '', object.metadata.name);
    const bucket = this.bucket(type);
    if (bucket.has(key)) {
      throw new ApiError(409, 'AlreadyExists', `${type.plural} "${object.metadata.name}" already exists`);
    }
    if (options.viaApi && type.hasStatus) delete object.status;
    if (options.viaApi) serviceDefaults(type, object);
    this.resourceVersion++;
    object.metadata.uid = object.metadata.uid ?? randomUUID();
    object.metadata.creationTimestamp = object.metadata.creationTimestamp ?? nowTimestamp();
    object.metadata.generation = 1;
    object.metadata.resourceVersion = String(this.resourceVersion);
    bucket.set(key, object);
    this.record(type, 'ADDED', object, null);
    return object;
  }

  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    options: WriteOptions,
  ): KubeObject {
    return this.updateChecked(type, namespace, name, body, options, options.viaApi);
  }

  private updateChecked(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    options: WriteOptions,
    checkResourceVersion: boolean,
  ): KubeObject {
    const object = this.normalize(type, namespace, body);
    if (object.metadata.name && object.metadata.name !== name) {
      throw new ApiError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    }
    object.metadata.name = name;
    const old = this.get(type, namespace, name);
    if (old === undefined) throw this.notFound(type, name);
    const wantedRv = object.metadata.resourceVersion;
    if (
      checkResourceVersion &&
      wantedRv !== undefined &&
      wantedRv !== '' &&
      wantedRv !== old.metadata.resourceVersion
    ) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${type.plural} "${name}": the object has been modified; ` +
          'please apply your changes to the latest version and try again',
      );
    }
    return this.replace(type, old, object, options);
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string,
    patch: unknown,
    options: WriteOptions,
  ): KubeObject {
    const old = this.get(type, namespace, name);
    if (old === undefined) throw this.notFound(type, name);
    let patched: KubeObject;
    try {
      if (contentType === 'application/json-patch+json') patched = applyJsonPatch(old, patch);
      else if (
        contentType === 'application/merge-patch+json' ||
        contentType === 'application/strategic-merge-patch+json'
      ) {
        patched = applyMergePatch(old, patch);
      } else {
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format: ${contentType}`,
        );
      }
    } catch (error) {
      if (error instanceof PatchError) {
        throw new ApiError(error.testFailed ? 409 : 422, error.testFailed ? 'Conflict' : 'Invalid', error.message);
      }
      throw error;
    }
    if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) {
      throw new ApiError(422, 'Invalid', 'the patch must produce an object');
    }
    const wantedRv = patched.metadata?.resourceVersion;
    if (wantedRv !== undefined && wantedRv !== old.metadata.resourceVersion) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${type.plural} "${name}": the object has been modified; ` +
          'please apply your changes to the latest version and try again',
      );
    }
    return this.updateChecked(type, namespace, name, patched, options, false);
  }

  /** Writes `next` over `old` following the status-subresource rules; a no-op write changes nothing. */
  private replace(type: ResourceType, old: KubeObject, next: KubeObject, options: WriteOptions): KubeObject {
    let object: KubeObject;
    if (options.subresource === 'status') {
      object = structuredClone(old);
      if (next.status === undefined) delete object.status;
      else object.status = next.status;
    } else {
      object = next;
      if (type.hasStatus && options.viaApi) {
        if (old.status === undefined) delete object.status;
        else object.status = structuredClone(old.status);
      }
      object.metadata.uid = old.metadata.uid;
      object.metadata.creationTimestamp = old.metadata.creationTimestamp;
      object.metadata.generation = old.metadata.generation;
    }
    if (specPart(object) !== specPart(old)) object.metadata.generation = (old.metadata.generation ?? 1) + 1;
    object.metadata.resourceVersion = old.metadata.resourceVersion;
    if (withoutResourceVersion(object) === withoutResourceVersion(old)) return old;
    this.resourceVersion++;
    object.metadata.resourceVersion = String(this.resourceVersion);
    this.bucket(type).set(objectKey(object.metadata.namespace ?? '', object.metadata.name), object);
    this.record(type, 'MODIFIED', object, old);
    return object;
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    preconditions?: { resourceVersion?: string; uid?: string },
  ): KubeObject {
    const old = this.get(type, namespace, name);
    if (old === undefined) throw this.notFound(type, name);
    if (
      (preconditions?.resourceVersion && preconditions.resourceVersion !== old.metadata.resourceVersion) ||
      (preconditions?.uid && preconditions.uid !== old.metadata.uid)
    ) {
      throw new ApiError(409, 'Conflict', `Precondition failed for ${type.plural} "${name}"`);
    }
    this.bucket(type).delete(objectKey(old.metadata.namespace ?? '', name));
    this.resourceVersion++;
    const last = structuredClone(old);
    last.metadata.resourceVersion = String(this.resourceVersion);
    this.record(type, 'DELETED', last, old);
    return last;
  }

  /** Programmatic create-or-replace: no preconditions, status kept as given. */
  apply(type: ResourceType, body: KubeObject): KubeObject {
    const object = this.normalize(type, undefined, body);
    const old = this.get(type, object.metadata.namespace, object.metadata.name);
    const options: WriteOptions = { subresource: '', viaApi: false };
    if (old === undefined) return this.create(type, undefined, object, options);
    return this.replace(type, old, object, options);
  }
}
