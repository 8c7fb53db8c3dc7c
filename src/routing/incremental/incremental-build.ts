// The incremental builder: the same BuildResult as build(snapshot) (routing/build.ts stays the reference,
// and a property test holds the two equal), kept up to date from changed objects. A change costs what it
// touches: an Ingress is translated once per object, only the hosts it claims (or claimed) are merged
// again, an EndpointSlice change resolves the backends of its Service and rebuilds no route. Every
// result is a new frozen object; what an earlier result holds is never changed.

import { passthroughHosts } from '../passthrough.ts';
import { BackendRefs, type BackendRef } from '../backends.ts';
import { compareHosts, globalDefaultTarget } from '../build.ts';
import { isOwnedIngress, selectClasses, type ClassSelection } from '../class-filter.ts';
import { compareText } from '../compare.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { readDefaultBackendFlag } from '../default-backend.ts';
import { compareAge, type IngressDraft } from '../ingress-translate.ts';
import { nameObject, type Named } from '../object-index.ts';
import type { HostChanges } from '../matcher.ts';
import { tlsSecretForHost } from '../tls.ts';
import type { BuildOptions, BuildResult, HostRules, Problem, Target } from '../types.ts';
import { AnnotationReportState } from './annotation-report-state.ts';
import { BackendIndex, NO_PROBLEMS, type UseOwner } from './backend-index.ts';
import { HostClaims, hostKind } from './host-claims.ts';
import { mergeHost, UseRecorder } from './host-merge.ts';
import { translateAgain, translateEntry, type IngressEntry } from './ingress-entry.ts';
import { KindIndex } from './kind-index.ts';
import { ObjectStore, type ObjectChange } from './object-store.ts';
import { PolicySecretState } from './policy-secret-state.ts';
import { ProblemHolders, type ProblemHolder } from './problem-holders.ts';
import { IncrementalCatalog, type ServiceKey } from './service-catalog.ts';
import { changeSorted } from './sorted-list.ts';
import { NO_TLS, sameDeclarations, TlsState, type TlsResult } from './tls-state.ts';

/** The hosts the last apply removed and put in, relative to the result before it (for recompileMatcher). */
export interface HostDiff extends HostChanges {
  readonly previous: BuildResult | null;
}

interface HostState {
  readonly owner: UseOwner;
  /** Null while only canaries name the host. */
  readonly rules: HostRules | null;
}

/** What one apply must redo. */
interface Dirt {
  readonly hosts: Set<string>;
  tls: boolean;
  defaults: boolean;
  readonly ownedGone: string[];
  readonly ownedNew: string[];
}

export class IncrementalBuild {
  readonly #options: BuildOptions;
  readonly #refs = new BackendRefs();
  readonly #store = new ObjectStore();
  readonly #owned = new KindIndex('Ingress', true);
  readonly #catalog = new IncrementalCatalog();
  readonly #backends: BackendIndex;
  readonly #tlsState: TlsState;
  #selection: ClassSelection | null = null;
  readonly #entries = new Map<string, IngressEntry>();
  readonly #claims = new HostClaims();
  readonly #withTls = new Set<IngressEntry>();
  readonly #withDefault = new Set<IngressEntry>();
  readonly #hosts = new Map<string, HostState>();
  #flag: BackendRef | null = null;
  readonly #flagHolder: ProblemHolder = { problems: [] };
  #tls: TlsResult = NO_TLS;
  readonly #tlsHolder: ProblemHolder = { problems: [] };
  readonly #policySecrets = new PolicySecretState();
  readonly #globalOwner: UseOwner = { order: { tier: 1 }, problems: NO_PROBLEMS, uses: [], useProblems: NO_PROBLEMS };
  #globalDefault: Target | null = null;
  readonly #problems = new ProblemHolders();
  readonly #reports = new AnnotationReportState();
  #passthrough: ReadonlyMap<string, string> = new Map();
  #hostList: readonly HostRules[] = Object.freeze([]);
  #ownedList: readonly string[] = Object.freeze([]);
  #result: BuildResult | null = null;
  #hostChanges: HostDiff = { previous: null, removed: [], upserted: [] };
  /** Drafts of the Ingresses translated in this apply, so a merge does not translate them again. */
  readonly #fresh = new Map<IngressEntry, IngressDraft>();
  readonly #draftOf = (entry: IngressEntry): IngressDraft =>
    this.#fresh.get(entry) ?? translateAgain(entry, this.#refs, this.#store.configMaps);

  constructor(options: BuildOptions) {
    this.#options = options;
    this.#backends = new BackendIndex(this.#catalog, (owner) => this.#problems.track(owner));
    this.#tlsState = new TlsState(options);
    const store = this.#store;
    for (const index of [store.classes, this.#owned, store.services, store.slices, store.secrets, store.configMaps])
      this.#problems.watch(index);
  }

  /** Applies `changes` (in order; a later change of one id wins) and returns the result for the new state. */
  apply(changes: Iterable<ObjectChange>): BuildResult {
    const first = this.#result === null;
    const touched = this.#store.take(changes);
    const { ingressIds, serviceKeys, sliceKeys } = touched;
    const secretsChanged = first || touched.secretsChanged;
    const dirt: Dirt = { hosts: new Set(), tls: secretsChanged, defaults: first, ownedGone: [], ownedNew: [] };
    this.#updateServices(serviceKeys, sliceKeys);
    if (first || touched.classesChanged) this.#updateClasses(ingressIds);
    this.#updateIngresses(ingressIds, touched.configMapUserIds, dirt);
    if (first || serviceKeys.size > 0) this.#updateFlag(dirt);
    if (dirt.tls) this.#updateTls(dirt);
    const policySecrets = this.#policySecrets.update(this.#store.secrets, secretsChanged);
    this.#problems.track(this.#policySecrets.holder);
    const removed: HostRules[] = [];
    const upserted: HostRules[] = [];
    for (const host of dirt.hosts) this.#rebuildHost(host, removed, upserted);
    if (dirt.defaults) {
      const recorder = new UseRecorder();
      // The oldest Ingress with a default backend is the only one the choice reads.
      let oldest: IngressEntry | null = null;
      for (const entry of this.#withDefault) if (oldest === null || compareAge(entry, oldest) < 0) oldest = entry;
      const drafts = oldest === null ? [] : [this.#draftOf(oldest)];
      this.#globalDefault = globalDefaultTarget(drafts, this.#flag, recorder);
      this.#backends.setUses(this.#globalOwner, recorder.uses);
    }
    if (removed.length + upserted.length > 0)
      this.#hostList = changeSorted(this.#hostList, removed, upserted, compareHosts);
    if (dirt.ownedGone.length + dirt.ownedNew.length > 0)
      this.#ownedList = changeSorted(this.#ownedList, dirt.ownedGone, dirt.ownedNew, compareText);
    this.#fresh.clear();
    // ssl-passthrough hosts: looked for again only when some host changed.
    if (removed.length + upserted.length > 0 || first) this.#passthrough = passthroughHosts(this.#hostList);
    const previous = this.#result;
    this.#result = deepFreeze({
      table: { hosts: this.#hostList, defaultBackend: this.#globalDefault },
      endpoints: this.#backends.endpoints(),
      tls: this.#tls.table,
      problems: this.#problems.gather(),
      ownedIngresses: this.#ownedList,
      ...(policySecrets.size === 0 ? {} : { policySecrets }),
      ...(this.#passthrough.size === 0 ? {} : { passthrough: this.#passthrough }),
      annotationReports: this.#reports.publish(),
    });
    this.#hostChanges = { previous, removed, upserted };
    return this.#result;
  }

  /** How the hosts of the last result differ from those of `previous`, the result before it. */
  hostChanges(): HostDiff {
    return this.#hostChanges;
  }

  #updateServices(serviceKeys: ReadonlySet<string>, sliceKeys: ReadonlySet<string>): void {
    if (serviceKeys.size + sliceKeys.size === 0) return;
    const changed = new Set<ServiceKey>();
    for (const key of serviceKeys) this.#catalog.setService(key, this.#store.services.get(key), changed);
    for (const key of sliceKeys) this.#catalog.setSlice(key, this.#store.slices.get(key), changed);
    this.#catalog.refresh(changed);
    this.#backends.refreshServices(changed);
  }

  /** A new class selection re-judges every Ingress. */
  #updateClasses(ingressIds: Set<string>): void {
    const selection = selectClasses(this.#store.classes.named(), this.#options);
    const before = this.#selection;
    if (
      before !== null &&
      before.ownedDefault === selection.ownedDefault &&
      before.owned.size === selection.owned.size &&
      [...selection.owned].every((name) => before.owned.has(name))
    )
      return;
    this.#selection = selection;
    for (const id of this.#store.ingresses.keys()) ingressIds.add(id);
  }

  /** `rereadIds`: Ingresses whose ConfigMaps changed, translated again even when the object is the same. */
  #updateIngresses(ingressIds: ReadonlySet<string>, rereadIds: ReadonlySet<string>, dirt: Dirt): void {
    const selection = this.#selection;
    if (selection === null) return;
    const keys = new Set<string>();
    const reread = new Set<string>();
    for (const id of ingressIds) {
      const object = this.#store.ingresses.get(id) ?? null;
      const owned = object !== null && isOwnedIngress(object, selection, this.#options);
      this.#owned.set(id, owned ? object : null, keys);
      const key = owned && rereadIds.has(id) ? nameObject('Ingress', object, true, [])?.key : undefined;
      if (key === undefined) continue;
      keys.add(key);
      reread.add(key);
    }
    for (const key of keys) {
      const named = this.#owned.get(key);
      const before = this.#entries.get(key);
      // Read again only while the name is usable: a duplicate is dropped, as a full build drops it.
      if (before?.named === named && (named === undefined || !reread.has(key))) continue;
      if (before !== undefined) this.#removeEntry(before, dirt);
      if (named !== undefined) this.#addEntry(named, dirt);
      if (before === undefined) dirt.ownedNew.push(key);
      else if (named === undefined) dirt.ownedGone.push(key);
    }
  }

  #addEntry(named: Named, dirt: Dirt): void {
    const { entry, draft } = translateEntry(named, this.#refs, this.#store.configMaps);
    this.#fresh.set(entry, draft);
    this.#policySecrets.add(entry, draft);
    this.#entries.set(named.key, entry);
    this.#reports.set(named.key, entry.reports);
    this.#claims.add(entry, dirt.hosts);
    // Canaries lend backends only: no TLS claim, no default backend of their own (as in build).
    if (entry.tls.length > 0 && !entry.canary) {
      this.#withTls.add(entry);
      dirt.tls = true;
    }
    const backend = entry.defaultBackend;
    if (entry.check !== null && backend !== null) {
      this.#withDefault.add(entry);
      dirt.defaults = true;
      const check = { ref: backend, source: named.ref, field: 'spec.defaultBackend', tail: '', used: false };
      this.#backends.setUses(entry.check, [check]);
    }
    this.#problems.track(entry);
  }

  #removeEntry(entry: IngressEntry, dirt: Dirt): void {
    this.#entries.delete(entry.named.key);
    this.#reports.set(entry.named.key, []);
    this.#policySecrets.remove(entry);
    this.#claims.remove(entry, dirt.hosts);
    if (this.#withTls.delete(entry)) dirt.tls = true;
    if (entry.check !== null) {
      this.#withDefault.delete(entry);
      dirt.defaults = true;
      this.#backends.setUses(entry.check, []);
      this.#problems.untrack(entry.check);
    }
    this.#problems.untrack(entry);
  }

  #updateFlag(dirt: Dirt): void {
    const problems: Problem[] = [];
    const flag = readDefaultBackendFlag(this.#options.defaultBackendService, this.#catalog.services, problems);
    this.#flagHolder.problems = problems;
    this.#problems.track(this.#flagHolder);
    const before = this.#flag;
    if (
      before?.key === flag?.key &&
      before?.defect?.state === flag?.defect?.state &&
      before?.defect?.reason === flag?.defect?.reason
    )
      return;
    this.#flag = flag;
    for (const host of this.#hosts.keys()) dirt.hosts.add(host);
    dirt.defaults = true;
  }

  #updateTls(dirt: Dirt): void {
    const claims = [...this.#withTls].sort(compareAge).flatMap((entry) => entry.tls);
    const secrets = this.#store.secrets;
    const tls = this.#tlsState.assemble(claims, { get: (key: string) => secrets.get(key) });
    const before = this.#tls.declared;
    this.#tls = tls;
    this.#tlsHolder.problems = tls.problems;
    this.#problems.track(this.#tlsHolder);
    if (sameDeclarations(before, tls.declared)) return;
    for (const [host, state] of this.#hosts)
      if (state.rules !== null && tlsSecretForHost(host, tls.declared) !== state.rules.tlsSecret) dirt.hosts.add(host);
  }

  #rebuildHost(host: string, removed: HostRules[], upserted: HostRules[]): void {
    const before = this.#hosts.get(host);
    const contributors = this.#claims.contributors(host);
    const canaries = this.#claims.canaries(host);
    if (contributors.length + canaries.length === 0) {
      if (before === undefined) return;
      this.#backends.setUses(before.owner, []);
      this.#problems.untrack(before.owner);
      this.#hosts.delete(host);
      if (before.rules !== null) removed.push(before.rules);
      return;
    }
    const merged = mergeHost(
      host,
      contributors,
      canaries,
      this.#draftOf,
      this.#tls.declared,
      this.#flag,
      this.#options,
    );
    const owner: UseOwner = before?.owner ?? {
      order: { tier: 0, host: { host, kind: hostKind(host) } },
      problems: NO_PROBLEMS,
      uses: [],
      useProblems: NO_PROBLEMS,
    };
    owner.problems = merged.problems;
    this.#backends.setUses(owner, merged.uses);
    this.#problems.track(owner);
    this.#hosts.set(host, { owner, rules: merged.rules });
    if (merged.rules !== null) upserted.push(merged.rules);
    else if (before?.rules != null) removed.push(before.rules);
  }
}
