import { describe, expect, it } from 'vitest';
import { parseHashKey } from '../../routing/annotations/session.ts';
import type { AuthCachePolicy } from '../../routing/policy-types.ts';
import type { StepExchange } from '../pipeline/steps.ts';
import { AuthAnswerCache, type AuthCacheBudget, MAX_CACHED_ANSWER_BYTES } from './auth-answer-cache.ts';

function policy(keyText: string, durations: AuthCachePolicy['durations'] = [{ statuses: 'any', ms: 1000 }]) {
  return { keyText, key: parseHashKey(keyText)!, durations };
}

function exchange(headers: Record<string, string>): StepExchange {
  return {
    method: 'GET',
    path: '/p',
    query: '',
    host: 'app.example',
    headers: [],
    clientAddress: '127.0.0.1',
    header: (name: string) => headers[name] ?? null,
  } as unknown as StepExchange;
}

function clock() {
  const time = { now: 0 };
  return { time, now: () => time.now };
}

function basic(credentials: string): Record<string, string> {
  return { authorization: 'Basic ' + Buffer.from(credentials).toString('base64') };
}

const budget = (maxEntries = 1_000_000): AuthCacheBudget => ({ entries: 0, maxEntries });

describe('AuthAnswerCache', () => {
  it('keys on every variable separately: "ab"+"" never meets "a"+"b" (nginx would concatenate them)', () => {
    const cache = new AuthAnswerCache(policy('$http_x_a$http_x_b'));
    const one = cache.keyOf(exchange({ 'x-a': 'ab', 'x-b': '' }));
    const two = cache.keyOf(exchange({ 'x-a': 'a', 'x-b': 'b' }));
    expect(one).not.toBe(two);
    expect(cache.keyOf(exchange({ 'x-a': 'a', 'x-b': 'b' }))).toBe(two);
  });

  it('reads $remote_user from a Basic Authorization header', () => {
    const cache = new AuthAnswerCache(policy('$remote_user'));
    expect(cache.keyOf(exchange(basic('alice:one')))).toBe(cache.keyOf(exchange(basic('alice:two'))));
    expect(cache.keyOf(exchange(basic('alice:one')))).not.toBe(cache.keyOf(exchange(basic('bob:one'))));
  });

  it('keeps an answer for its status duration only, with the copied headers and nothing else', () => {
    const { time, now } = clock();
    const durations = [{ statuses: [200], ms: 1000 }];
    const cache = new AuthAnswerCache(policy('$http_authorization', durations), 10, budget(), now);
    cache.remember('k', 200, { 'x-user': 'alice', 'x-other': 'no', server: 'auth' }, ['x-user', 'x-email']);
    expect(cache.get('k')).toMatchObject({ status: 200, headers: { 'x-user': 'alice' } });
    expect(Object.keys(cache.get('k')!.headers)).toEqual(['x-user']);
    time.now = 999;
    expect(cache.get('k')).not.toBeNull();
    time.now = 1000;
    expect(cache.get('k')).toBeNull();
    expect(cache.size).toBe(0);
    cache.remember('k', 401, { 'www-authenticate': 'Bearer' }, []);
    expect(cache.get('k')).toBeNull(); // 401 is not listed
  });

  it('never keeps failures, answers with Set-Cookie or Cache-Control no-store, or oversized headers', () => {
    const cache = new AuthAnswerCache(policy('$http_authorization'), 10, budget(), clock().now);
    cache.remember('a', 500, {}, []);
    cache.remember('b', 302, {}, []);
    cache.remember('c', 200, { 'set-cookie': ['s=1'] }, []);
    cache.remember('d', 200, { 'cache-control': 'private, max-age=60' }, []);
    cache.remember('e', 200, { 'x-user': 'x'.repeat(MAX_CACHED_ANSWER_BYTES) }, ['x-user']);
    expect(cache.size).toBe(0);
    cache.remember('f', 403, { 'cache-control': 'max-age=60' }, []);
    expect(cache.get('f')?.status).toBe(403);
  });

  it('holds at most maxEntries answers per route, the oldest kept leaving first', () => {
    const shared = budget();
    const cache = new AuthAnswerCache(policy('$http_authorization'), 3, shared, clock().now);
    for (const key of ['a', 'b', 'c', 'd']) cache.remember(key, 200, {}, []);
    expect(cache.size).toBe(3);
    expect(shared.entries).toBe(3);
    expect(cache.get('a')).toBeNull();
    expect(cache.get('d')).not.toBeNull();
    cache.clear();
    expect(shared.entries).toBe(0);
  });

  it('holds at most the process-wide budget over all routes: a route at the bound replaces its own oldest', () => {
    const shared = budget(4);
    const first = new AuthAnswerCache(policy('$http_authorization'), 10, shared, clock().now);
    const second = new AuthAnswerCache(policy('$http_authorization'), 10, shared, clock().now);
    for (const key of ['a', 'b', 'c', 'd']) first.remember(key, 200, {}, []);
    second.remember('x', 200, {}, []);
    expect(second.size).toBe(0); // nothing of its own to replace
    first.remember('e', 200, {}, []);
    expect([first.size, shared.entries]).toEqual([4, 4]);
    expect(first.get('a')).toBeNull();
  });
});
