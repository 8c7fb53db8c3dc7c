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
import type { Named } from '../object-index.ts';
import type { HostChanges } from '../matcher.ts';
import { sortProblems } from '../problems.ts';
import { tlsSecretForHost } from '../tls.ts';
import type { BuildOptions, BuildResult, HostKind, HostRules, KubeObject, Problem, Target } from '../types.ts';
import { BackendIndex, NO_PROBLEMS, type UseOwner } from './backend-index.ts';
import { mergeHost, UseRecorder } from './host-merge.ts';
import { translateAgain, translateEntry, type IngressEntry } from './ingress-entry.ts';
import { KindIndex } from './kind-index.ts';
import { PolicySecretState } from './policy-secret-state.ts';
import { IncrementalCatalog, type ServiceKey } from './service-catalog.ts';
import { changeSorted } from './sorted-list.ts';
import { TlsState, type TlsResult } from './tls-state.ts';

/** The kinds an Ingress build reads (Gateway API objects are built in full, by routing/gateway/). */
export type ObjectKind = 'ingressClasses' | 'ingresses' | 'services' | 'endpointSlices' | 'secrets';

/** One object stored, replaced or (object null) removed; `id` is its key in the caller's store. */
export interface ObjectChange {
  readonly kind: ObjectKind;
  readonly id: string;
  readonly object: KubeObject | null;
}

/** The hosts the last apply removed and put in, relative to the result before it (for recompileMatcher). */
export interface HostDiff extends HostChanges {
  readonly previous: BuildResult | null;
}

interface ProblemHolder {
  problems: readonly Problem[];
  useProblems?: readonly Problem[];
}

interface HostState {
  readonly owner: UseOwner;
  /** Null while only canaries name the host. */
  readonly rules: HostRules | null;
}

const NO_ENTRIES: readonly IngressEntry[] = Object.freeze([]);

/** As rule-host.ts classifies a host: "" any, "*." wildcard, else exact. */
function hostKind(host: string): HostKind {
  return host === '' ? 'any' : host.startsWith('*.') ? 'wildcard' : 'exact';
}

/** What one apply must redo. */
interface Dirt {
  readonly hosts: Set<string>;
  tls: boolean;
  defaults: boolean;
  readonly ownedGone: string[];
  readonly ownedNew: string[];
}

const NO_TLS: TlsResult = {
  table: { hosts: new Map(), certificates: new Map(), defaultCertificate: null },
  declared: new Map(),
  problems: [],
};

export class IncrementalBuild {
  readonly #options: BuildOptions;
  readonly #refs = new BackendRefs();
  readonly #classes = new KindIndex('IngressClass', false);
  readonly #rawIngresses = new Map<string, KubeObject>();
  readonly #owned = new KindIndex('Ingress', true);
  readonly #services = new KindIndex('Service', true);
  readonly #slices = new KindIndex('EndpointSlice', true);
  readonly #secrets = new KindIndex('Secret', true);
  readonly #indexHolders = new Map<KindIndex, ProblemHolder>();
  readonly #catalog = new IncrementalCatalog();
  readonly #backends: BackendIndex;
  readonly #tlsState: TlsState;
  #selection: ClassSelection | null = null;
  readonly #entries = new Map<string, IngressEntry>();
  /** Host → the Ingresses claiming it (a list: most hosts have one or a few). */
  readonly #contributors = new Map<string, IngressEntry[]>();
  /** Host → the canary Ingresses naming it. */
  readonly #canaries = new Map<string, IngressEntry[]>();
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
  readonly #problemHolders = new Set<ProblemHolder>();
  #problemsChanged = true;
  #problems: readonly Problem[] = [];
  #passthrough: ReadonlyMap<string, string> = new Map();
  #hostList: readonly HostRules[] = Object.freeze([]);
  #ownedList: readonly string[] = Object.freeze([]);
  #result: BuildResult | null = null;
  #hostChanges: HostDiff = { previous: null, removed: [], upserted: [] };
  /** Drafts of the Ingresses translated in this apply, so a merge does not translate them again. */
  readonly #fresh = new Map<IngressEntry, IngressDraft>();
  readonly #draftOf = (entry: IngressEntry): IngressDraft =>
    this.#fresh.get(entry) ?? translateAgain(entry, this.#refs);

  constructor(options: BuildOptions) {
    this.#options = options;
    this.#backends = new BackendIndex(this.#catalog, (owner) => this.#track(owner));
    this.#tlsState = new TlsState(options);
    for (const index of [this.#classes, this.#owned, this.#services, this.#slices, this.#secrets])
      this.#indexHolders.set(index, { problems: [] });
  }

  /** Applies `changes` (in order; a later change of one id wins) and returns the result for the new state. */
  apply(changes: Iterable<ObjectChange>): BuildResult {
    const first = this.#result === null;
    const ingressIds = new Set<string>();
    const serviceKeys = new Set<string>();
    const sliceKeys = new Set<string>();
    const unused = new Set<string>();
    let classesChanged = first;
    let secretsChanged = first;
    for (const change of changes) {
      const { id, object } = change;
      if (change.kind === 'ingresses') {
        if (object === null) this.#rawIngresses.delete(id);
        else this.#rawIngresses.set(id, object);
        ingressIds.add(id);
      } else if (change.kind === 'ingressClasses') {
        this.#classes.set(id, object, unused);
        classesChanged = true;
      } else if (change.kind === 'services') this.#services.set(id, object, serviceKeys);
      else if (change.kind === 'endpointSlices') this.#slices.set(id, object, sliceKeys);
      else if (change.kind === 'secrets') {
        this.#secrets.set(id, object, unused);
        secretsChanged = true;
      }
    }
    const dirt: Dirt = { hosts: new Set(), tls: secretsChanged, defaults: first, ownedGone: [], ownedNew: [] };
    this.#updateServices(serviceKeys, sliceKeys);
    if (classesChanged) this.#updateClasses(ingressIds);
    this.#updateIngresses(ingressIds, dirt);
    if (first || serviceKeys.size > 0) this.#updateFlag(dirt);
    if (dirt.tls) this.#updateTls(dirt);
    const policySecrets = this.#policySecrets.update(this.#secrets, secretsChanged);
    this.#track(this.#policySecrets.holder);
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
      problems: this.#gatherProblems(),
      ownedIngresses: this.#ownedList,
      ...(policySecrets.size === 0 ? {} : { policySecrets }),
      ...(this.#passthrough.size === 0 ? {} : { passthrough: this.#passthrough }),
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
    for (const key of serviceKeys) this.#catalog.setService(key, this.#services.get(key), changed);
    for (const key of sliceKeys) this.#catalog.setSlice(key, this.#slices.get(key), changed);
    this.#catalog.refresh(changed);
    this.#backends.refreshServices(changed);
  }

  /** A new class selection re-judges every Ingress. */
  #updateClasses(ingressIds: Set<string>): void {
    const selection = selectClasses(this.#classes.named(), this.#options);
    const before = this.#selection;
    if (
      before !== null &&
      before.ownedDefault === selection.ownedDefault &&
      before.owned.size === selection.owned.size &&
      [...selection.owned].every((name) => before.owned.has(name))
    )
      return;
    this.#selection = selection;
    for (const id of this.#rawIngresses.keys()) ingressIds.add(id);
  }

  #updateIngresses(ingressIds: ReadonlySet<string>, dirt: Dirt): void {
    const selection = this.#selection;
    if (selection === null) return;
    const keys = new Set<string>();
    for (const id of ingressIds) {
      const object = this.#rawIngresses.get(id) ?? null;
      const owned = object !== null && isOwnedIngress(object, selection, this.#options);
      this.#owned.set(id, owned ? object : null, keys);
    }
    for (const key of keys) {
      const named = this.#owned.get(key);
      const before = this.#entries.get(key);
      if (before?.named === named) continue;
      if (before !== undefined) this.#removeEntry(before, dirt);
      if (named !== undefined) this.#addEntry(named, dirt);
      if (before === undefined) dirt.ownedNew.push(key);
      else if (named === undefined) dirt.ownedGone.push(key);
    }
  }

  #addEntry(named: Named, dirt: Dirt): void {
    const { entry, draft } = translateEntry(named, this.#refs);
    this.#fresh.set(entry, draft);
    this.#policySecrets.add(entry, draft);
    this.#entries.set(named.key, entry);
    const byHost = entry.canary ? this.#canaries : this.#contributors;
    for (const { host } of entry.hosts) {
      const contributors = byHost.get(host);
      if (contributors === undefined) byHost.set(host, [entry]);
      else contributors.push(entry);
      dirt.hosts.add(host);
    }
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
    this.#track(entry);
  }

  #removeEntry(entry: IngressEntry, dirt: Dirt): void {
    this.#entries.delete(entry.named.key);
    this.#policySecrets.remove(entry);
    const byHost = entry.canary ? this.#canaries : this.#contributors;
    for (const { host } of entry.hosts) {
      const contributors = byHost.get(host);
      if (contributors === undefined) continue;
      const at = contributors.indexOf(entry);
      if (at >= 0) contributors.splice(at, 1);
      if (contributors.length === 0) byHost.delete(host);
      dirt.hosts.add(host);
    }
    if (this.#withTls.delete(entry)) dirt.tls = true;
    if (entry.check !== null) {
      this.#withDefault.delete(entry);
      dirt.defaults = true;
      this.#backends.setUses(entry.check, []);
      this.#untrack(entry.check);
    }
    this.#untrack(entry);
  }

  #updateFlag(dirt: Dirt): void {
    const problems: Problem[] = [];
    const flag = readDefaultBackendFlag(this.#options.defaultBackendService, this.#catalog.services, problems);
    this.#flagHolder.problems = problems;
    this.#track(this.#flagHolder);
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
    const secrets = this.#secrets;
    const tls = this.#tlsState.assemble(claims, { get: (key: string) => secrets.get(key) });
    const before = this.#tls.declared;
    this.#tls = tls;
    this.#tlsHolder.problems = tls.problems;
    this.#track(this.#tlsHolder);
    if (sameEntries(before, tls.declared)) return;
    for (const [host, state] of this.#hosts)
      if (state.rules !== null && tlsSecretForHost(host, tls.declared) !== state.rules.tlsSecret) dirt.hosts.add(host);
  }

  #rebuildHost(host: string, removed: HostRules[], upserted: HostRules[]): void {
    const before = this.#hosts.get(host);
    const contributors = this.#contributors.get(host) ?? NO_ENTRIES;
    const canaries = this.#canaries.get(host) ?? NO_ENTRIES;
    if (contributors.length + canaries.length === 0) {
      if (before === undefined) return;
      this.#backends.setUses(before.owner, []);
      this.#untrack(before.owner);
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
    this.#track(owner);
    this.#hosts.set(host, { owner, rules: merged.rules });
    if (merged.rules !== null) upserted.push(merged.rules);
    else if (before?.rules != null) removed.push(before.rules);
  }

  #track(holder: ProblemHolder): void {
    if (holder.problems.length > 0 || (holder.useProblems?.length ?? 0) > 0) {
      this.#problemHolders.add(holder);
      this.#problemsChanged = true;
    } else this.#untrack(holder);
  }

  #untrack(holder: ProblemHolder): void {
    if (this.#problemHolders.delete(holder)) this.#problemsChanged = true;
  }

  #gatherProblems(): readonly Problem[] {
    for (const [index, holder] of this.#indexHolders) {
      if (!index.problemsChanged) continue;
      index.problemsChanged = false;
      holder.problems = index.problems();
      this.#track(holder);
    }
    if (!this.#problemsChanged) return this.#problems;
    this.#problemsChanged = false;
    const all: Problem[] = [];
    for (const holder of this.#problemHolders) {
      for (const item of holder.problems) all.push(item);
      for (const item of holder.useProblems ?? []) all.push(item);
    }
    this.#problems = Object.freeze(sortProblems(all));
    return this.#problems;
  }
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}
