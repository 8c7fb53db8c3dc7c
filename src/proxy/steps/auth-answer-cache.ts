import { hash } from 'node:crypto';
import { authCacheMs } from '../../routing/annotations/auth-cache-duration.ts';
import type { AuthCachePolicy } from '../../routing/policy-types.ts';
import type { StepExchange } from '../pipeline/steps.ts';
import { keyPart } from './request-key.ts';

type AnswerHeaders = Record<string, string | string[] | undefined>;

/** A kept auth answer: its status and only the headers a decision reads (copied ones, WWW-Authenticate). */
export interface CachedAuthAnswer {
  readonly status: number;
  readonly headers: Readonly<AnswerHeaders>;
  readonly expiresAt: number;
}

/** Answers kept per route at most; the oldest kept goes first. */
export const MAX_AUTH_CACHE_ENTRIES = 10_000;
/** Answers kept by all routes together (one process): a route at this bound replaces its own oldest. */
export const MAX_AUTH_CACHE_ENTRIES_TOTAL = 50_000;
/** An answer whose kept headers are longer is not cached (it is served, just asked again next time). */
export const MAX_CACHED_ANSWER_BYTES = 4096;

/** The count every route's cache adds to, against MAX_AUTH_CACHE_ENTRIES_TOTAL. */
export interface AuthCacheBudget {
  entries: number;
  readonly maxEntries: number;
}

const processBudget: AuthCacheBudget = { entries: 0, maxEntries: MAX_AUTH_CACHE_ENTRIES_TOTAL };

/**
 * auth-cache-key's cache for one route (ingress-nginx: proxy_cache in the auth location, keyed by host, auth
 * location and the key). The key is the values of the key's variables, each prefixed with its length, then
 * hashed: two requests share an answer only when every variable has the same value (nginx's concatenation
 * would let "ab"+"" and "a"+"b" collide). Like nginx, answers carrying Set-Cookie or Cache-Control
 * no-store/no-cache/private are not kept.
 */
export class AuthAnswerCache {
  readonly policy: AuthCachePolicy;
  readonly maxEntries: number;
  readonly budget: AuthCacheBudget;
  readonly now: () => number;
  readonly #entries = new Map<string, CachedAuthAnswer>();

  constructor(
    policy: AuthCachePolicy,
    maxEntries = MAX_AUTH_CACHE_ENTRIES,
    budget = processBudget,
    now: () => number = monotonicMs,
  ) {
    this.policy = policy;
    this.maxEntries = maxEntries;
    this.budget = budget;
    this.now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  keyOf(exchange: StepExchange): string {
    const parts = this.policy.key;
    let key = '';
    for (let i = 0; i < parts.length; i++) {
      if (parts[i].from === 'text') continue;
      const value = keyPart(parts[i], exchange);
      key += value.length + ':' + value + ';';
    }
    return hash('sha256', key, 'base64');
  }

  /** The kept answer for `key`, or null (never one past its duration). */
  get(key: string): CachedAuthAnswer | null {
    const entry = this.#entries.get(key);
    if (entry === undefined) return null;
    if (entry.expiresAt > this.now()) return entry;
    this.#delete(key);
    return null;
  }

  /** Keeps an answer for as long as auth-cache-duration says for its status (2xx, 401, 403 only). */
  remember(key: string, status: number, headers: AnswerHeaders, copied: readonly string[]): void {
    const ms = authCacheMs(this.policy.durations, status);
    if (ms <= 0 || headers['set-cookie'] !== undefined || forbidsCaching(headers['cache-control'])) return;
    const kept: AnswerHeaders = {};
    let bytes = 0;
    for (const name of copied) bytes += keep(kept, name, headers[name]);
    if (status === 401) bytes += keep(kept, 'www-authenticate', headers['www-authenticate']);
    if (bytes > MAX_CACHED_ANSWER_BYTES) return;
    this.#delete(key);
    if (this.#entries.size >= this.maxEntries || this.budget.entries >= this.budget.maxEntries) {
      if (this.#entries.size === 0) return;
      this.#delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, Object.freeze({ status, headers: Object.freeze(kept), expiresAt: this.now() + ms }));
    this.budget.entries++;
  }

  /** Forgets every answer (the route's cache is dropped). */
  clear(): void {
    this.budget.entries -= this.#entries.size;
    this.#entries.clear();
  }

  #delete(key: string): void {
    if (this.#entries.delete(key)) this.budget.entries--;
  }
}

function monotonicMs(): number {
  return performance.now();
}

function keep(into: AnswerHeaders, name: string, value: string | string[] | undefined): number {
  if (value === undefined) return 0;
  into[name] = Array.isArray(value) ? [...value] : value;
  return name.length + (Array.isArray(value) ? value.join(', ').length : value.length);
}

function forbidsCaching(cacheControl: string | string[] | undefined): boolean {
  if (cacheControl === undefined) return false;
  return /\b(no-store|no-cache|private)\b/i.test(Array.isArray(cacheControl) ? cacheControl.join(',') : cacheControl);
}

/** Caches outlive table generations (an endpoint change must not empty them); this many routes keep theirs. */
const MAX_ROUTE_CACHES = 256;
const byScope = new Map<string, AuthAnswerCache>();

/**
 * The cache of the route `scope` names (Ingress, rule, path and the whole auth policy: any change of the
 * policy starts an empty cache). The least recently compiled route loses its cache past MAX_ROUTE_CACHES.
 */
export function authCacheFor(scope: string, policy: AuthCachePolicy): AuthAnswerCache {
  let cache = byScope.get(scope);
  if (cache === undefined) cache = new AuthAnswerCache(policy);
  byScope.delete(scope);
  byScope.set(scope, cache);
  if (byScope.size > MAX_ROUTE_CACHES) {
    const oldest = byScope.keys().next().value!;
    byScope.get(oldest)!.clear();
    byScope.delete(oldest);
  }
  return cache;
}
