// One manifest file's text → the Kubernetes objects sluice reads, normalised as the API server would
// serve them, plus one "file:line:col: message" per problem. Pure: no file system, no logger.
import { Buffer } from 'node:buffer';
import { LineCounter, parseAllDocuments } from 'yaml';
import { OPAQUE_SECRET_TYPE, TLS_SECRET_TYPE } from '../routing/secret-references.ts';
import type { Snapshot } from '../routing/types.ts';

export type SnapshotKey = keyof Snapshot;

interface KindEntry {
  readonly key: SnapshotKey;
  readonly namespaced: boolean;
  /** When set, the object's apiVersion must be in this group (another project's "Gateway" is not ours). */
  readonly group?: string;
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The kinds a snapshot holds, and whether they live in a namespace. */
const KINDS: Readonly<Record<string, KindEntry>> = {
  IngressClass: { key: 'ingressClasses', namespaced: false },
  Ingress: { key: 'ingresses', namespaced: true },
  Service: { key: 'services', namespaced: true },
  EndpointSlice: { key: 'endpointSlices', namespaced: true },
  Secret: { key: 'secrets', namespaced: true },
  ConfigMap: { key: 'configMaps', namespaced: true },
  Namespace: { key: 'namespaces', namespaced: false },
  GatewayClass: { key: 'gatewayClasses', namespaced: false, group: GATEWAY_GROUP },
  Gateway: { key: 'gateways', namespaced: true, group: GATEWAY_GROUP },
  HTTPRoute: { key: 'httpRoutes', namespaced: true, group: GATEWAY_GROUP },
  GRPCRoute: { key: 'grpcRoutes', namespaced: true, group: GATEWAY_GROUP },
  ReferenceGrant: { key: 'referenceGrants', namespaced: true, group: GATEWAY_GROUP },
};

/** What the cluster source watches, so both sources build the same snapshot from the same objects. */
const WATCHED_SECRET_TYPES = [TLS_SECRET_TYPE, OPAQUE_SECRET_TYPE];

export interface ManifestObject {
  readonly key: SnapshotKey;
  readonly kind: string;
  readonly namespace: string; // '' for cluster-scoped kinds
  readonly name: string;
  /** "file:line:col" where the object starts. */
  readonly position: string;
  /** A fresh, unfrozen copy the caller may still complete (timestamps, resourceVersion). */
  readonly object: Record<string, unknown>;
}

export interface ParsedManifestFile {
  /** True when the file could not be read as YAML/JSON at all: keep its last good objects. */
  readonly failed: boolean;
  readonly objects: readonly ManifestObject[];
  /** "file:line:col: message", one per problem. */
  readonly errors: readonly string[];
  /** Objects skipped on purpose (unknown kinds, Secrets neither TLS nor Opaque), for a debug log. */
  readonly ignored: readonly string[];
}

type Json = Record<string, unknown>;

export function parseManifestFile(file: string, text: string): ParsedManifestFile {
  return file.toLowerCase().endsWith('.json') ? parseJsonFile(file, text) : parseYamlFile(file, text);
}

function parseYamlFile(file: string, text: string): ParsedManifestFile {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (!Array.isArray(documents)) return { failed: false, objects: [], errors: [], ignored: [] };

  const parseErrors: string[] = [];
  for (const document of documents) {
    for (const error of document.errors) parseErrors.push(`${where(error.pos[0])}: ${firstLine(error.message)}`);
  }
  if (parseErrors.length > 0) return { failed: true, objects: [], errors: parseErrors, ignored: [] };

  const collected = new Collector();
  for (const document of documents) {
    if (document.contents === null) continue; // an empty document ("---" at the end)
    const position = where(document.contents.range?.[0] ?? document.range[0]);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      return {
        failed: true,
        objects: [],
        errors: [`${position}: ${firstLine(String((error as Error).message))}`],
        ignored: [],
      };
    }
    collected.add(value, position);
  }
  return collected.result();
}

function parseJsonFile(file: string, text: string): ParsedManifestFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      failed: true,
      objects: [],
      errors: [`${file}:${jsonErrorPosition(text, error as Error)}: ${firstLine((error as Error).message)}`],
      ignored: [],
    };
  }
  const collected = new Collector();
  collected.add(value, `${file}:1:1`);
  return collected.result();
}

/** "line:col" of a JSON.parse failure: from V8's message when it says, else found by bisection. */
function jsonErrorPosition(text: string, error: Error): string {
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(error.message);
  if (lineColumn !== null) return `${lineColumn[1]}:${lineColumn[2]}`;
  // Every prefix shorter than the bad character fails only for ending early; find the shortest that fails for another reason.
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (failsBeforeItsEnd(text.slice(0, middle))) high = middle;
    else low = middle + 1;
  }
  return lineAndColumn(text, Math.max(0, low - 1));
}

function failsBeforeItsEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    const message = (error as Error).message;
    if (message.includes('end of JSON input')) return false;
    const position = /at position (\d+)/.exec(message);
    return position === null || Number(position[1]) < prefix.length;
  }
}

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `${line}:${offset - lineStart + 1}`;
}

function firstLine(message: string): string {
  const newline = message.indexOf('\n');
  return (newline < 0 ? message : message.slice(0, newline)).trim();
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Collector {
  readonly #objects: ManifestObject[] = [];
  readonly #errors: string[] = [];
  readonly #ignored: string[] = [];

  add(value: unknown, position: string): void {
    if (value === null || value === undefined) return;
    if (!isRecord(value)) {
      this.#errors.push(`${position}: expected a Kubernetes object (a mapping with kind and metadata)`);
      return;
    }
    const kind = value.kind;
    if (typeof kind !== 'string' || kind === '') {
      this.#errors.push(`${position}: object has no kind`);
      return;
    }
    if (kind === 'List' || (kind.endsWith('List') && Array.isArray(value.items))) {
      const items = Array.isArray(value.items) ? value.items : [];
      for (const item of items) this.add(item, position);
      return;
    }
    const known = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
    if (known === undefined) {
      this.#ignored.push(`${position}: kind ${kind} is not one sluice reads`);
      return;
    }
    if (known.group !== undefined && !String(value.apiVersion).startsWith(`${known.group}/`)) {
      this.#ignored.push(`${position}: ${value.apiVersion} ${kind} is not one sluice reads`);
      return;
    }
    const object = structuredClone(value);
    const metadata = isRecord(object.metadata) ? object.metadata : null;
    const name = metadata?.name;
    if (metadata === null || typeof name !== 'string' || name === '') {
      this.#errors.push(`${position}: ${kind} has no metadata.name`);
      return;
    }
    let namespace = '';
    if (known.namespaced) {
      if (metadata.namespace === undefined || metadata.namespace === null || metadata.namespace === '')
        metadata.namespace = 'default';
      if (typeof metadata.namespace !== 'string') {
        this.#errors.push(`${position}: ${kind} ${name}: metadata.namespace must be a string`);
        return;
      }
      namespace = metadata.namespace;
    } else {
      delete metadata.namespace;
    }
    if (kind === 'Secret') {
      const problem = foldStringData(object);
      if (problem !== null) {
        this.#errors.push(`${position}: Secret ${namespace}/${name}: ${problem}`);
        return;
      }
      // As the API server does; manifest-snapshot.ts keeps an Opaque one only when an Ingress names it.
      object.type ??= OPAQUE_SECRET_TYPE;
      if (!WATCHED_SECRET_TYPES.includes(object.type as string)) {
        this.#ignored.push(`${position}: Secret ${namespace}/${name} is of type ${String(object.type)}, not read`);
        return;
      }
    }
    // Gateway API conditions carry observedGeneration; a file has no API server to count generations.
    if (known.group !== undefined && metadata.generation === undefined) metadata.generation = 1;
    this.#objects.push({ key: known.key, kind, namespace, name, position, object });
  }

  result(): ParsedManifestFile {
    return { failed: false, objects: this.#objects, errors: this.#errors, ignored: this.#ignored };
  }
}

/** As the API server does: stringData entries are base64-encoded into data (winning over data), then dropped. */
function foldStringData(secret: Json): string | null {
  if (secret.stringData === undefined || secret.stringData === null) return null;
  if (!isRecord(secret.stringData)) return 'stringData must be a mapping of strings';
  const data: Json = isRecord(secret.data) ? secret.data : {};
  for (const [key, value] of Object.entries(secret.stringData)) {
    if (typeof value !== 'string') return `stringData.${key} must be a string`;
    data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  secret.data = data;
  delete secret.stringData;
  return null;
}
